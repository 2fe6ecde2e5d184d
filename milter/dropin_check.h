// SPDX-License-Identifier: BSD-2-Clause
// dropin_check.h - whether a configured feature needs a systemd drop-in
// that is not installed (for `mixtasy-milter -n`, issue 16).
//
// The packaged unit (packaging/systemd/mixtasy-milter.service) is hardened
// in two ways that break two features:
//   ReinjectURL sendmail:...  the MTA's sendmail binary is setgid/setuid,
//                             and NoNewPrivileges=yes stops it;
//   WkdDirectory outside Home ProtectSystem=strict makes it read-only.
// `mixtasy-milter setup` installs the drop-in each needs.
//
// CONTRACT
//   needs_sendmail_dropin(c)  ReinjectURL is a sendmail: URL.
//   needs_wkd_dropin(c)       WkdDirectory is set and not inside Home.
//   dropin_warnings(c, paths) one line per needed drop-in that is missing,
//                             empty when no unit is installed (no file
//                             paths.units names exists: the daemon is not
//                             run by systemd here).  A drop-in counts by
//                             its content, whatever its name: any *.conf in
//                             paths.dropin_dir with NoNewPrivileges=no, or
//                             with a ReadWritePaths= entry that is
//                             WkdDirectory or one of its parents.  Reads at
//                             most 64 KiB of each of at most 64 files.
#pragma once

#include <string>
#include <vector>

#include "milter/config.h"

namespace mixtasy::milter {

struct DropinPaths {
    std::vector<std::string> units{"/etc/systemd/system/mixtasy-milter.service",
                                   "/lib/systemd/system/mixtasy-milter.service",
                                   "/usr/lib/systemd/system/mixtasy-milter.service"};
    std::string dropin_dir = "/etc/systemd/system/mixtasy-milter.service.d";
};

bool needs_sendmail_dropin(const Config& config);
bool needs_wkd_dropin(const Config& config);
std::vector<std::string> dropin_warnings(const Config& config, const DropinPaths& paths = {});

}  // namespace mixtasy::milter
