// sqlite_store.h - core's Store (core/ports/store.h) over the SQLite store of
// store/store.h.
//
// WHAT IT DOES
//   Translates core's vocabulary to store/'s: Instants to unix seconds,
//   ItemKinds to PoolKinds, Random to the store's uniform-index callback,
//   StoreError codes to StoreFailure codes:
//     Replay -> Replay;  NotFound -> NotFound;
//     InvalidArgument, Constraint -> Invalid;
//     Full, Busy, ReadOnly, Io, Misuse -> Unavailable (the MTA retries);
//     Corrupt, Schema -> Corrupt (an admin must look; the MTA retries).
//   Each operation also counts itself in the daily statistics, in the same
//   transaction as its rows: "pooled", "dummy", "part", "sent", "retry",
//   "failed".
//
// WHAT IT GUARANTEES
//   Everything store/ guarantees (one transaction per call, durability,
//   rows handed out once).  Pool rows get give_up_at = enqueued_at +
//   max_pool_age: nothing waits in the pool forever, even if the flusher's
//   own backoff never gives up.  sweep() also fails rows past that age.
//   A discarded multipart set stays discarded: its remaining parts are
//   refused (their replay hashes still recorded) until the set's deadline,
//   and expired sets are dropped before each new part is added, so a part
//   arriving after the deadline starts a new set instead of completing the
//   old one.
//
// WHAT IT REFUSES
//   What store/ refuses (blobs, ids and addresses beyond StoreLimits).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "core/ports/store.h"
#include "store/open.h"
#include "store/store.h"

namespace mixtasy::core {

struct SqliteStoreOptions {
    std::string path;     // database file
    bool durable = true;  // synchronous=FULL
    std::int64_t max_database_bytes = 0;  // 0: no cap; beyond it writes fail Unavailable
    std::chrono::milliseconds busy_timeout{5000};  // then Busy -> Unavailable
    std::size_t max_connections = 8;               // accept threads beyond wait
    std::chrono::seconds max_pool_age{14 * 24 * 60 * 60};
    std::chrono::seconds pool_retention{7 * 24 * 60 * 60};  // sent/failed rows kept
    store::StoreLimits limits;
};

class SqliteStore final : public Store {
public:
    static StoreResult<std::unique_ptr<SqliteStore>> open(const SqliteStoreOptions& options);

    // The underlying store, for admin views (`mixtasy pool`, stats) that
    // core's interface does not cover.
    store::Store& raw() noexcept { return *store_; }

    StoreResult<bool> replay_seen(ByteView hash) override;
    StoreResult<void> commit_replay(const ReplayStamp& replay, Instant now) override;

    StoreResult<PoolId> commit_pooled(const ReplayStamp& replay, const OutgoingItem& item,
                                      Instant now) override;
    StoreResult<PoolId> enqueue(const OutgoingItem& item, Instant now) override;
    StoreResult<std::size_t> count_ready(Instant now) override;
    StoreResult<std::vector<PooledItem>> claim_random(Instant now, std::size_t k,
                                                      Random& random) override;
    StoreResult<void> mark_sent(PoolId id, Instant now) override;
    StoreResult<void> mark_retry(PoolId id, Instant next_attempt) override;
    StoreResult<void> mark_failed(PoolId id, Instant now) override;
    StoreResult<std::size_t> recover_in_flight() override;

    StoreResult<PartStatus> commit_part(const ReplayStamp& replay, const PartRecord& part,
                                        Instant now) override;
    StoreResult<std::optional<std::vector<PoolId>>> complete_set(
        std::string_view mixtasy_id, Instant now, const SetAssembler& assemble) override;
    StoreResult<void> discard_set(std::string_view mixtasy_id, Instant until) override;

    StoreResult<void> count(std::string_view counter, std::int64_t amount, Instant now) override;
    StoreResult<SweepCounts> sweep(Instant now) override;

private:
    SqliteStore(std::unique_ptr<store::Store> store, SqliteStoreOptions options);
    store::NewPoolItem new_row(const OutgoingItem& item, Instant now) const;
    StoreResult<bool> set_discarded(std::string_view mixtasy_id);

    std::unique_ptr<store::Store> store_;
    SqliteStoreOptions options_;
};

}  // namespace mixtasy::core
