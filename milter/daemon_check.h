// SPDX-License-Identifier: BSD-2-Clause
// daemon_check.h - what `mixtasy-milter -n` checks beyond the syntax: the
// things start-up needs, so that a problem shows before the daemon runs.
//
// CONTRACT
//   startup_problems(config, check_node_key)  one line per problem, empty when start-up
//       would find what it needs.  Each line begins with the name of the
//       key it is about, so that -n can name that key's file:line
//       (locate_problem in config.h):
//       - UserID names an existing user (and group);
//       - (check_node_key) Home is readable by UserID and holds a valid
//         node key; a key home
//         whose files belong to root while UserID is another user is named
//         with the chown that fixes it;
//       - the directory of PidFile exists and is writable (by the starting
//         user, who writes it) ;
//       - the store (Database, default Home/node.db) can be written by
//         UserID: its directory, and the file if it exists;
//       - a unix Socket's directory exists, or its parent does (start-up
//         creates one level);
//       - a ReinjectURL sendmail:PATH is an executable file.
//   Access is judged from the owner, group and mode bits against UserID's
//   uid and primary gid (root: always), without supplementary groups: a
//   problem reported may be a false alarm only when access comes through one.
// REFUSES nothing: it only reads (stat, the key files).
#pragma once

#include <string>
#include <vector>

#include "milter/config.h"

namespace mixtasy::milter {

std::vector<std::string> startup_problems(const Config& config, bool check_node_key = true);

}  // namespace mixtasy::milter
