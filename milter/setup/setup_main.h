// SPDX-License-Identifier: BSD-2-Clause
// setup_main.h - `mixtasy-milter setup postfix|sendmail [--dry-run] [--undo]`:
// wire the node into the running MTA in one step (issue 16), and unwire it.
//
// Runs as root (it edits the MTA's configuration and makes directories
// owned by the mix user); every program it runs (postconf, m4, diff,
// mixtasy keygen) gets an argv, never a shell, and its exit status is
// checked.  What it changes is recorded in a state file under the state
// directory (setup_state.h), so `--undo` removes exactly that.  The MTA
// itself is not restarted: setup prints the command that reloads it.
// Exit status: 0 done or nothing to do, 1 usage or configuration error,
// 2 a command failed (its message is printed; what was done is recorded).
#pragma once

namespace mixtasy::milter::setup {

int setup_main(int argc, char** argv);

}  // namespace mixtasy::milter::setup
