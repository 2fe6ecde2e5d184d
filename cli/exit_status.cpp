// SPDX-License-Identifier: BSD-2-Clause
// exit_status.cpp - see exit_status.h.
#include "cli/exit_status.h"

namespace mixtasy::cli {
namespace {
int g_exit_status = kExitOk;
}  // namespace

void set_exit_status(int status) { g_exit_status = status; }
int exit_status() { return g_exit_status; }

}  // namespace mixtasy::cli
