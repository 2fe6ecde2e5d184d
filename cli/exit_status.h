// SPDX-License-Identifier: BSD-2-Clause
// exit_status.h - how a subcommand tells main() what to exit with.
//
// Exit statuses shared by every subcommand (scripts and mutt rely on them):
//   0   success (produced or pooled something)
//   1   usage or configuration error, unreadable input file
//   3   the message was destroyed (process) / the input is invalid (inspect)
//   75  temporary failure (EX_TEMPFAIL): try again later
// A subcommand's callback calls set_exit_status(); main() returns
// exit_status() once CLI11 has run the callback.  One process runs one
// subcommand, so a single value is enough.
#pragma once

namespace mixtasy::cli {

inline constexpr int kExitOk = 0;
inline constexpr int kExitUsage = 1;
inline constexpr int kExitDestroyed = 3;
inline constexpr int kExitTempFail = 75;

void set_exit_status(int status);
int exit_status();

}  // namespace mixtasy::cli
