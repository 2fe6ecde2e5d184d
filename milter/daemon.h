// SPDX-License-Identifier: BSD-2-Clause
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
//   detach()                 fork, setsid, chdir /, stdin to /dev/null; the
//                            parent waits: it exits 0 once the child calls
//                            detach_done(), or with the child's exit status
//                            (2 if none) when the child exits first, so
//                            start-up errors the child prints on stderr
//                            reach the terminal.  Call before any thread.
//   detach_done()            the child is up: stdout and stderr to
//                            /dev/null, the parent released.  Nothing to do
//                            without detach().
//   route_core_log()         core's log lines go to this daemon's log.
//   check_identity(cfg, euid) refuses to keep root: without UserID a daemon
//                            started as root fails unless AllowRoot yes.
//   prepare_socket_dir(cfg)  for a unix Socket whose directory is missing:
//                            creates it (0750, owner UserID, group
//                            SocketGroup), so the MTA's group can reach it.
//   give_socket_to_user(cfg) after the socket is open: a unix socket gets
//                            owner UserID, group SocketGroup, mode 0660.
//   restart_only_changes(running, fresh)  the keys a reload cannot apply
//                            (Socket, UserID, Home, ...) that differ, named
//                            as in the file, for one log line.
#pragma once

#include <memory>
#include <string>
#include <sys/types.h>
#include <vector>

#include "common/expected.h"
#include "core/ports/transport.h"
#include "milter/config.h"
#include "milter/message_filter.h"

namespace mixtasy::milter {

std::unique_ptr<core::Transport> make_transport(const Config& config);
FilterSettings filter_settings(const Config& config);
LogTarget log_target(const Config& config, bool foreground);

Expected<void, std::string> drop_privileges(const std::string& spec);
// For `Socket unix:PATH` (or local:): the socket file gets the owner of
// UserID (if set), the group SocketGroup and mode 0660, whatever UMask says:
// the MTA reaches it through the group, nobody else at all.  Nothing to do
// for inet sockets.
Expected<void, std::string> give_socket_to_user(const Config& config);
Expected<void, std::string> prepare_socket_dir(const Config& config);
Expected<void, std::string> check_identity(const Config& config, uid_t euid);
std::vector<std::string> restart_only_changes(const Config& running, const Config& fresh);
// The path of a unix: or local: socket; empty for inet sockets.
std::string unix_socket_path(const std::string& socket);
Expected<void, std::string> write_pid_file(const std::string& path);
Expected<void, std::string> detach();
void detach_done();
void route_core_log();

}  // namespace mixtasy::milter
