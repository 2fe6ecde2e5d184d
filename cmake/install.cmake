# SPDX-License-Identifier: BSD-2-Clause
# `cmake --install`: everything a package ships, at GNUInstallDirs places.
#
#   binaries      sbin/mixtasy-milter, bin/mixtasy, bin/mixtasy-mixmaster (in milter/, cli/)
#   config        SYSCONFDIR/mixtasy-milter.conf (the example, a conffile in packages)
#   examples      DOCDIR/examples: the Postfix and Sendmail snippets that
#                 `mixtasy-milter setup` applies, and the client's mixtasy.conf
#   man pages     MANDIR/man{1,5,8} from man/*.scd (MIXTASY_MAN)
#   systemd       the unit and its optional drop-ins, sysusers.d, tmpfiles.d
#
# The systemd directories come from systemd.pc when it is there (Debian 12:
# /lib/systemd/system; Fedora: /usr/lib/systemd/system), else PREFIX/lib/...;
# packagers may set MIXTASY_SYSTEMD_UNIT_DIR, _SYSUSERS_DIR, _TMPFILES_DIR.
function(mixtasy_systemd_dir var pc_variable fallback)
  if(NOT DEFINED ${var})
    pkg_get_variable(found systemd ${pc_variable})
    if(NOT found)
      set(found "${CMAKE_INSTALL_PREFIX}/${fallback}")
    endif()
    set(${var} "${found}" CACHE PATH "install directory (${pc_variable})")
  endif()
endfunction()
mixtasy_systemd_dir(MIXTASY_SYSTEMD_UNIT_DIR systemdsystemunitdir lib/systemd/system)
mixtasy_systemd_dir(MIXTASY_SYSUSERS_DIR sysusersdir lib/sysusers.d)
mixtasy_systemd_dir(MIXTASY_TMPFILES_DIR tmpfilesdir lib/tmpfiles.d)

install(FILES ${PROJECT_SOURCE_DIR}/conf/mixtasy-milter.conf DESTINATION ${CMAKE_INSTALL_FULL_SYSCONFDIR})
install(FILES ${PROJECT_SOURCE_DIR}/conf/postfix-main.cf.snippet
              ${PROJECT_SOURCE_DIR}/conf/postfix-master.cf.snippet
              ${PROJECT_SOURCE_DIR}/conf/sendmail.mc.snippet
              ${PROJECT_SOURCE_DIR}/conf/mixtasy.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples)
install(FILES ${PROJECT_SOURCE_DIR}/README.md ${PROJECT_SOURCE_DIR}/NEWS
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The unit names the installed paths, so it is configured, not copied.
configure_file(${PROJECT_SOURCE_DIR}/packaging/systemd/mixtasy-milter.service.in
               ${PROJECT_BINARY_DIR}/packaging/mixtasy-milter.service @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/mixtasy-milter.service DESTINATION ${MIXTASY_SYSTEMD_UNIT_DIR})
# Drop-ins that `setup` links into /etc/systemd/system/mixtasy-milter.service.d
# when a configured feature needs them (packaging/systemd/README.md).
install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/sendmail-transport.conf
              ${PROJECT_SOURCE_DIR}/packaging/systemd/wkd-directory.conf
        DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples/systemd)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/systemd/mixtasy-milter.sysusers
        DESTINATION ${MIXTASY_SYSUSERS_DIR} RENAME mixtasy-milter.conf)
configure_file(${PROJECT_SOURCE_DIR}/packaging/systemd/mixtasy-milter.tmpfiles.in
               ${PROJECT_BINARY_DIR}/packaging/mixtasy-milter.tmpfiles @ONLY)
install(FILES ${PROJECT_BINARY_DIR}/packaging/mixtasy-milter.tmpfiles
        DESTINATION ${MIXTASY_TMPFILES_DIR} RENAME mixtasy-milter.conf)

if(MIXTASY_MAN)
  find_program(SCDOC scdoc REQUIRED)
  foreach(page mixtasy-milter.8 mixtasy-milter.conf.5 mixtasy.1)
    string(REGEX MATCH "[0-9]$" section ${page})
    set(out ${PROJECT_BINARY_DIR}/man/${page})
    add_custom_command(OUTPUT ${out}
      COMMAND ${CMAKE_COMMAND} -E make_directory ${PROJECT_BINARY_DIR}/man
      COMMAND sh -c "${SCDOC} < '${PROJECT_SOURCE_DIR}/man/${page}.scd' > '${out}'"
      DEPENDS ${PROJECT_SOURCE_DIR}/man/${page}.scd VERBATIM)
    list(APPEND MIXTASY_MAN_PAGES ${out})
    install(FILES ${out} DESTINATION ${CMAKE_INSTALL_MANDIR}/man${section})
  endforeach()
  add_custom_target(man ALL DEPENDS ${MIXTASY_MAN_PAGES})
endif()
