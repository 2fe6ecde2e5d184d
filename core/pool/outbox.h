// SPDX-License-Identifier: BSD-2-Clause
// outbox.h - how long a message may stay in the pool, and the pool row that
// says so.
//
// WHAT IT DOES
//   outgoing(kind, recipient, from, bytes) builds the store row of one
//   message to send; schedule(row, now, ages) stamps it: enqueued and ready
//   at `now`, given up at now + max_pool_age.  Every row core pools (next
//   hops, exit deliveries, reassembled messages, dummies) passes here.
//   pool_with_replay(store, replay, row, now, ages) is how a peeled message
//   enters the pool: its replay entry, the scheduled row and the "pooled"
//   counter (core/stats/counters.h) in ONE store transaction.
//
// WHAT IT GUARANTEES
//   Nothing waits in the pool forever, even if the flusher's own backoff
//   never gives up: the store deletes rows past give_up_at at every sweep
//   (Flusher).  Default: 14 days.  Nothing is kept after a row ends: a sent
//   or given-up row is deleted with its counter (store/store.h), so there
//   is no retention of sent rows any more (it was 7 days, issue 11 High 3;
//   only the per-day counters remain).
#pragma once

#include <chrono>
#include <string>
#include <utility>

#include "common/bytes.h"
#include "common/time.h"
#include "store/store.h"

namespace mixtasy::core {

struct OutboxAges {
    std::chrono::seconds max_pool_age{14 * 24 * 60 * 60};
};

// envelope_from is this node's own address (mix address or anonymous
// sender): the incoming sender is never stored.
inline store::NewPoolItem outgoing(store::PoolKind kind, std::string recipient,
                                   std::string envelope_from, Bytes message) {
    store::NewPoolItem row;
    row.kind = kind;
    row.next_hop = std::move(recipient);
    row.envelope_from = std::move(envelope_from);
    row.bytes = std::move(message);
    return row;
}

inline void schedule(store::NewPoolItem& row, Instant now, const OutboxAges& ages) {
    row.enqueued_at = to_unix(now);
    row.next_attempt_at = to_unix(now);
    row.give_up_at = to_unix(now + ages.max_pool_age);
}

// Replay if the hash is known (nothing written); the store's error else.
store::Result<store::PoolId> pool_with_replay(store::Store& store, store::ReplayEntry replay,
                                              store::NewPoolItem row, Instant now,
                                              const OutboxAges& ages);

}  // namespace mixtasy::core
