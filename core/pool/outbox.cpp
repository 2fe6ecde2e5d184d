// SPDX-License-Identifier: BSD-2-Clause
// outbox.cpp - a peeled message into the pool, counted in the same
// transaction.
#include "core/pool/outbox.h"

#include "core/stats/counters.h"

namespace mixtasy::core {

store::Result<store::PoolId> pool_with_replay(store::Store& store, store::ReplayEntry replay,
                                              store::NewPoolItem row, Instant now,
                                              const OutboxAges& ages) {
    replay.seen_at = to_unix(now);  // the stats day of this commit
    schedule(row, now, ages);
    const store::StatDelta counted[] = {count(Counter::Pooled)};
    return store.enqueue_with_replay(replay, row, counted);
}

}  // namespace mixtasy::core
