// SPDX-License-Identifier: BSD-2-Clause
// host_setup.h - what `mixtasy-milter setup` changes outside the MTA's
// configuration: the socket directory inside Postfix's chroot, the systemd
// drop-ins a configured feature needs, and the node key.
//
// Guarantees: a directory or file is recorded in the state only if setup
// created it (an existing one is left alone and not recorded, so --undo
// never removes what the admin made); ownership goes to the mix user and
// the socket group by name lookup, refused if either is unknown.
#pragma once

#include <string>
#include <vector>

#include "common/expected.h"
#include "milter/config.h"
#include "milter/setup/setup_state.h"

namespace mixtasy::milter::setup {

struct HostSetup {
    std::string user = "mixtasy";                      // the daemon's user (UserID or the unit's User=)
    std::string systemd_dir = "/etc/systemd/system";   // drop-ins go to DIR/mixtasy-milter.service.d
    std::string snippets;                              // where systemd/sendmail-transport.conf is
    std::string mixtasy;                               // the client, for keygen
    std::string address;                               // mix address for a new key
};

// The unix socket's directory (made 0750 user:SocketGroup if missing) and
// the drop-in that lets the unit's user reach it.
Expected<void, std::string> setup_socket(const Config& config, const HostSetup& host, SetupState& state);
// sendmail-transport.conf for ReinjectURL sendmail:, wkd-directory.conf for
// a WkdDirectory outside Home.
Expected<void, std::string> setup_dropins(const Config& config, const HostSetup& host, SetupState& state);
// `mixtasy keygen --home HOME --address ADDRESS` when HOME holds no key,
// then HOME and its files chowned to the user.  Not recorded: a node key is
// never deleted by --undo.
Expected<bool, std::string> ensure_node_key(const Config& config, const HostSetup& host);
// The dir and file changes of `state`, newest first.
void undo_host(const SetupState& state, std::vector<std::string>& notes);

// What setup_socket and setup_dropins would do, one line each (--dry-run).
std::vector<std::string> describe_host_changes(const Config& config, const HostSetup& host);

}  // namespace mixtasy::milter::setup
