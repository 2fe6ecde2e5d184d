// SPDX-License-Identifier: BSD-2-Clause
// counters.h - the names of the per-day counters the node keeps.
//
// WHAT IT DOES
//   Counter names every event core counts in the store's daily statistics
//   (store::StatDelta): core passes count(Counter::Sent) to the store call
//   that records the event, so the counter commits in the SAME transaction
//   as the rows it counts (a crash never leaves a counted row missing, nor
//   a row uncounted).
//     Pooled       a message (next hop or exit delivery) entered the pool
//     Dummy        a time-triggered dummy entered the pool
//     Part         one part of a multipart message was stored
//     Reassembled  a multipart set completed and left the buffer
//     Sent         the MTA accepted a pool row
//     Retry        the MTA refused a row for now; back in the pool
//     Failed       a row was given up (refused for good or too many tries)
//
// WHAT IT GUARANTEES
//   to_string() gives the stable name stored in the database ("pooled",
//   "dummy", "part", "reassembled", "sent", "retry", "failed"); a name once
//   stored is never renamed, since `mixtasy stats` reads old days too.
#pragma once

#include <cstdint>

#include "store/store.h"

namespace mixtasy::core {

enum class Counter { Pooled, Dummy, Part, Reassembled, Sent, Retry, Failed };

const char* to_string(Counter counter) noexcept;

// The increment of `counter` by `amount` for one store call.
inline store::StatDelta count(Counter counter, std::int64_t amount = 1) noexcept {
    return store::StatDelta{to_string(counter), amount};
}

}  // namespace mixtasy::core
