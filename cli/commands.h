// SPDX-License-Identifier: BSD-2-Clause
// commands.h - the subcommands of the `mixtasy` tool.
//
// Each subcommand lives in cli/cmd_<name>.cpp and exposes one function that
// adds itself to the CLI11 application: it declares its options and sets a
// callback that does the work.  The callback reports its outcome through
// set_exit_status() (cli/exit_status.h); main() returns it.
#pragma once

#include <CLI/CLI.hpp>

#include "cli/exit_status.h"

namespace mixtasy::cli {

void add_keygen(CLI::App& app);     // mixtasy keygen
void add_key(CLI::App& app);        // mixtasy key export [--secret] | rotate | mode
void add_inspect(CLI::App& app);    // mixtasy inspect [FILE]
void add_create(CLI::App& app);     // mixtasy create
void add_process(CLI::App& app);    // mixtasy process
void add_dir(CLI::App& app);        // mixtasy dir import|update|list|accept
void add_send(CLI::App& app);       // mixtasy send
void add_mixmaster(CLI::App& app);  // mixtasy mixmaster -T | -m -l CHAIN (mutt)
void add_stats(CLI::App& app);      // mixtasy stats --home DIR

// Under `key` (called by add_key): mixtasy key publish, mixtasy key wkd.
void add_key_publish(CLI::App& key);

}  // namespace mixtasy::cli
