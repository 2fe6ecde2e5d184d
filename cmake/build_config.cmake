# SPDX-License-Identifier: BSD-2-Clause
# common/build_config.h (from cmake/build_config.h.in): the version of
# project() and the defaults derived from GNUInstallDirs, in one header that
# both binaries include as "common/build_config.h".
set(MIXTASY_DEFAULT_CONFIG_PATH "${CMAKE_INSTALL_FULL_SYSCONFDIR}/mixtasy-milter.conf")
set(MIXTASY_DEFAULT_STATE_DIR "${CMAKE_INSTALL_FULL_LOCALSTATEDIR}/lib/mixtasy-milter")
set(MIXTASY_SNIPPET_DIR "${CMAKE_INSTALL_FULL_DOCDIR}/examples")
configure_file(${PROJECT_SOURCE_DIR}/cmake/build_config.h.in
               ${PROJECT_BINARY_DIR}/generated/common/build_config.h @ONLY)
add_library(mixtasy_build_config INTERFACE)
target_include_directories(mixtasy_build_config INTERFACE ${PROJECT_BINARY_DIR}/generated)
