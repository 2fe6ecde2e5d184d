// SPDX-License-Identifier: BSD-2-Clause
// scripted_node.h - a core::Node for the miltertest and Postfix harnesses
// that decides by a test header instead of by cryptography, so the daemon,
// libmilter and the MTA are exercised for real before and beside core.
//
// Behaviour (home = NodeOptions::home):
//   own addresses   the lines of <home>/addresses (default mixtasy@mix.test)
//   accept          <home>/fail-store exists       -> TempFail store-unavailable
//                   header X-Scripted-Decision: V  -> V in dropped,tempfail,quarantine
//                   message seen before (SHA-256)   -> Dropped replay
//                   otherwise the message is written durably to
//                   <home>/pool/<sha256>.msg (write, fsync, rename, fsync dir)
//                   and a replay marker to <home>/replay/, then Pooled
//   flush_round     sends every pooled file to the X-Scripted-Next-Hop
//                   header's address (default sink@sink.test), unlinks it on
//                   Accepted
//   reload          appends a line to <home>/reloads
#pragma once

#include <memory>
#include <string>

#include "common/expected.h"
#include "core/node/node.h"

namespace mixtasy::milter::testing {

Expected<std::unique_ptr<core::Node>, core::OpenError> open_scripted_node(
    const core::NodeOptions& options);

}  // namespace mixtasy::milter::testing
