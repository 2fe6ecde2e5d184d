// SPDX-License-Identifier: BSD-2-Clause
// key_summary.h - the lines `mixtasy keygen` and `mixtasy key rotate` print
// about a node key: fingerprint, user ID, and each subkey with its expiry
// (UTC).  Public facts only, never secret material.
#pragma once

#include <ostream>

#include "crypto/key.h"

namespace mixtasy::cli {

void print_key_summary(const crypto::Certificate& cert, std::ostream& out);

}  // namespace mixtasy::cli
