// daemon.h - the process chores of mixtasy-milter, apart from main() so that
// they are testable: transport choice, settings mapping, privilege drop,
// PID file, detaching, log routing.
//
// CONTRACT
//   make_transport(cfg)      SmtpTransport for smtp:// and smtps:// URLs,
//                            SendmailTransport for sendmail:/PATH.
//   filter_settings(cfg)     the part of the config MessageFilter uses.
//   drop_privileges(spec)    "user" or "user:group": setgid, initgroups,
//                            setuid, and checks that root cannot be regained.
//                            Refuses (error) when not root and the target is
//                            another user.
//   write_pid_file(path)     O_EXCL-free overwrite, mode 0644; error text.
//   detach()                 fork, setsid, chdir /, stdio to /dev/null; the
//                            parent exits 0.  Call before any thread starts.
//   route_core_log()         core's log lines go to this daemon's log.
#pragma once

#include <memory>
#include <string>

#include "common/expected.h"
#include "core/ports/transport.h"
#include "milter/config.h"
#include "milter/message_filter.h"

namespace mixtasy::milter {

std::unique_ptr<core::Transport> make_transport(const Config& config);
FilterSettings filter_settings(const Config& config);
LogTarget log_target(const Config& config, bool foreground);

Expected<void, std::string> drop_privileges(const std::string& spec);
// For `Socket unix:PATH` (or local:) with a UserID: hands the socket file to
// that user and group, so the MTA's user can be given access through the
// group (umask 007 leaves mode 0770).  Nothing to do for inet sockets.
Expected<void, std::string> give_socket_to_user(const std::string& socket, const std::string& spec);
Expected<void, std::string> write_pid_file(const std::string& path);
Expected<void, std::string> detach();
void route_core_log();

}  // namespace mixtasy::milter
