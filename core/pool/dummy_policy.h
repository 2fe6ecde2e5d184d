// SPDX-License-Identifier: BSD-2-Clause
// dummy_policy.h - how much cover traffic one flush round makes (seed 000
// section 6.6, Mixmaster v2 section 3.2).
//
// Two kinds of dummies, both real Mixtasy dummy messages through one to four
// random known mixes (made by a DummyFactory, core/pool/flusher.h):
//   time-triggered   before each run of the pool algorithm, a number of
//                    dummies is ADDED TO THE POOL, where they mix like any
//                    message.  Mixmaster: on average one every nine rounds.
//   flush-triggered  each time the pool sends messages, a number of dummies
//                    is SENT at once beside them.  Seed 000 says dummies MUST
//                    go with every flush, so by default at least one does;
//                    on top, Mixmaster's one per 32 messages, scaled with the
//                    number of messages the round sends (1/32 per message).
// Counts are geometric (Mixmaster) on top of a fixed minimum, clamped to a
// maximum so a draw never asks for unbounded work:
//   count = min(minimum + Geometric(mean), maximum).
// With everything at zero the node makes no dummies at all.
#pragma once

#include <cstddef>

namespace mixtasy::core {

class Random;

struct DummyParameters {
    double time_triggered_mean = 1.0 / 9.0;  // per round
    std::size_t time_triggered_min = 0;
    double flush_triggered_mean_per_message = 1.0 / 32.0;  // per message sent
    std::size_t flush_triggered_min = 1;                   // per round that sends anything
    std::size_t max_per_round = 16;                        // cap for each kind
};

// Dummies to add to the pool before this round's pool algorithm.
std::size_t time_triggered_dummies(const DummyParameters& params, Random& random);
// Dummies to send with a round that sends `messages_sent` messages; zero
// when the round sends nothing (there is no flush to hide in).
std::size_t flush_triggered_dummies(const DummyParameters& params, std::size_t messages_sent,
                                    Random& random);

}  // namespace mixtasy::core
