// commands.h - the subcommands of the `mixtasy` tool.
//
// Each subcommand lives in cli/cmd_<name>.cpp and exposes one function that
// adds itself to the CLI11 application: it declares its options and sets a
// callback that does the work.  The callback reports its outcome by setting
// the exit status through set_exit_status(); main() returns it.
//
// Exit statuses shared by every subcommand (others rely on them):
//   0   success (produced or pooled something)
//   1   usage or configuration error, unreadable input file
//   3   the message was destroyed (process) / the input is invalid (inspect)
//   75  temporary failure (EX_TEMPFAIL): try again later
#pragma once

#include <CLI/CLI.hpp>

namespace mixtasy::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitDestroyed = 3;
inline constexpr int kExitTempFail = 75;

void set_exit_status(int status);

void add_keygen(CLI::App& app);    // mixtasy keygen
void add_key(CLI::App& app);       // mixtasy key export [--secret], mixtasy key rotate
void add_inspect(CLI::App& app);   // mixtasy inspect [FILE]
void add_create(CLI::App& app);    // mixtasy create
void add_process(CLI::App& app);   // mixtasy process

}  // namespace mixtasy::cli
