// SPDX-License-Identifier: BSD-2-Clause
// send_runner.h - the work of `mixtasy send`, shared with the
// Mixmaster-compatible entry point for mutt (`mixtasy mixmaster -m`).
//
// WHAT IT DOES
//   run_send(options, command, original) loads the client config and the
//   directory, plans one Mixtasy message per recipient (core/sender/
//   send_plan.h) and then either prints the plan (--dry-run: each
//   recipient's part count, each part's size and path) or submits every part
//   to its first hop (cli/submit.h).
//
// WHAT IT GUARANTEES
//   Every refusal comes before anything is sent: a stale directory, no
//   usable mixes, a submission that is not configured, an original without
//   a recipient, a path that cannot be satisfied, a message that cannot be
//   wrapped.  Messages and their routes never reach stderr or stdout
//   except in --dry-run, which the user asked for.
//
// Returns the exit status (cli/exit_status.h): 0 sent (or planned), 1
// refused, 75 a submission failed (what was already handed over is named).
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/bytes.h"

namespace mixtasy::cli {

struct SendOptions {
    std::string dir;
    std::string config;
    std::size_t hops = 4;
    std::string chain;  // "a,*,*,d"; empty: hops times "*"
    std::string exit;
    std::vector<std::string> keep;
    bool dry_run = false;
    int min_rank = -1;  // --min-rank; -1: the config's MinRank
};

// "a, b ,c" -> {"a", "b", "c"}
std::vector<std::string> split_chain(const std::string& list);

int run_send(const SendOptions& options, const std::string& command, ByteView original);

}  // namespace mixtasy::cli
