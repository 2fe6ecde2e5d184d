// SPDX-License-Identifier: BSD-2-Clause
// sqlite_store.h - the SQLite engine of store::Store (store/store.h), one
// database file per node.  Private to store/ (and its tests and benchmarks):
// everyone else opens it with open_sqlite() of store/open.h and holds a
// store::Store.
//
// WHAT IT DOES
//   Implements every operation of Store as one short transaction on a
//   pooled connection (connection_pool.h); the hot enqueues share one fsync
//   through group_commit.h.  The files beside this one each hold one part:
//   open.cpp (opening, integrity), pool.cpp (replay cache, pool/outbox),
//   parts.cpp (multipart buffer), keys_stats.cpp, sweep.cpp.
//
// WHAT IT GUARANTEES
//   Store's guarantees, with durability from WAL and synchronous=FULL (the
//   default SqliteOptions::durable).  The schema version lives in PRAGMA
//   user_version; current_schema_version() is the one this program writes.
#pragma once

#include <memory>

#include "store/open.h"
#include "store/store.h"

namespace mixtasy::store {

class SqliteStore final : public Store {
public:
    class Impl;
    explicit SqliteStore(std::unique_ptr<Impl> impl);
    ~SqliteStore() override;

    static int current_schema_version() noexcept;

    // The single-row and all-rows forms of Store stay callable here.
    using Store::enqueue;
    using Store::enqueue_with_replay;
    using Store::recover_sending;

    Result<int> schema_version() override;

    Result<bool> replay_seen(ByteView hash) override;
    Result<void> record_replay(const ReplayEntry& replay, std::span<const StatDelta> stats,
                               UnixTime now) override;

    Result<std::vector<PoolId>> enqueue_with_replay(const ReplayEntry& replay,
                                                    std::span<const NewPoolItem> items,
                                                    std::span<const StatDelta> stats) override;
    Result<std::vector<PoolId>> enqueue(std::span<const NewPoolItem> items,
                                        std::span<const StatDelta> stats) override;
    Result<std::size_t> count_ready(UnixTime now) override;
    Result<std::size_t> count_in_state(PoolState state) override;
    Result<std::vector<PoolItem>> claim_random_ready(UnixTime now, std::size_t k,
                                                     const UniformIndex& uniform) override;
    Result<std::vector<PoolItem>> claim(std::span<const PoolId> ids, UnixTime now) override;
    Result<std::vector<PoolId>> ready_ids(UnixTime now) override;
    Result<PoolItem> get(PoolId id) override;
    Result<std::string> fix_delivery_id(PoolId id, std::string_view candidate) override;
    Result<void> mark_sent(PoolId id, UnixTime now, std::span<const StatDelta> stats) override;
    Result<void> mark_retry(PoolId id, UnixTime next_attempt_at,
                            std::span<const StatDelta> stats) override;
    Result<void> mark_failed(PoolId id, UnixTime now, std::span<const StatDelta> stats) override;
    Result<std::size_t> give_up_expired(UnixTime now, std::string_view counted_as) override;
    Result<std::size_t> recover_sending(UnixTime claimed_before) override;

    Result<PartAdded> add_part_with_replay(const ReplayEntry& replay, const NewPart& part,
                                           std::span<const StatDelta> stats) override;
    Result<PartAdded> add_part(const NewPart& part) override;
    Result<std::uint32_t> count_parts(std::string_view mixtasy_id) override;
    Result<std::optional<std::vector<Bytes>>> take_parts(std::string_view mixtasy_id) override;
    Result<std::optional<std::vector<PoolId>>> take_parts_and_enqueue(
        std::string_view mixtasy_id, UnixTime now, const PartsAssembler& assemble,
        std::span<const StatDelta> stats) override;
    Result<PartStored> add_part_and_complete(const ReplayEntry& replay, const NewPart& part,
                                             const PartQuota& quota,
                                             const PartCompletion& completion,
                                             std::span<const StatDelta> stats) override;
    Result<void> close_set_with_replay(const ReplayEntry& replay, std::string_view mixtasy_id,
                                       const ReplayEntry& closed_mark) override;

    Result<void> put_key(const KeyRecord& key) override;
    Result<KeyRecord> get_key(std::string_view fingerprint) override;
    Result<std::vector<KeyRecord>> list_keys() override;
    Result<void> delete_key(std::string_view fingerprint) override;

    Result<void> add_stats(UnixTime now, std::span<const StatDelta> stats) override;
    Result<std::vector<StatRow>> read_stats(std::int64_t first_day, std::int64_t last_day) override;

    Result<std::size_t> sweep_replay(UnixTime now) override;
    Result<std::size_t> sweep_parts(UnixTime now) override;
    Result<bool> truncate_journal() override;

    // PRAGMA integrity_check; Corrupt with the first complaint if not "ok".
    Result<void> integrity_check() override;

    Result<void> put_published_key(std::string_view address, ByteView key, UnixTime now) override;
    Result<Bytes> get_published_key(std::string_view address) override;

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mixtasy::store
