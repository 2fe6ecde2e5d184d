# SPDX-License-Identifier: BSD-2-Clause
# The release tarball: `cmake --build BUILD --target package_source` writes
# mixtasy-milter-VERSION.tar.gz from the source tree, without build trees,
# VCS data or editor files.  (`git archive --prefix=mixtasy-milter-VERSION/
# -o mixtasy-milter-VERSION.tar.gz HEAD` gives the same files from a clean
# checkout.)
set(CPACK_PACKAGE_NAME ${PROJECT_NAME})
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_SOURCE_GENERATOR TGZ)
set(CPACK_SOURCE_PACKAGE_FILE_NAME ${PROJECT_NAME}-${PROJECT_VERSION})
set(CPACK_SOURCE_IGNORE_FILES "/build/" "/\\\\.git/" "/\\\\.ccache/" "~$" "\\\\.swp$" "/__pycache__/")
include(CPack)
