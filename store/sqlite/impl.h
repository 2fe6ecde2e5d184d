// SPDX-License-Identifier: BSD-2-Clause
// impl.h - what the SQLite engine's operations share, private to
// store/sqlite/.
//
// SqliteStore::Impl owns the options and the connection pool.  Operations
// propagate errors with MIXTASY_TRY / MIXTASY_CHECK (common/expected.h);
// they keep each operation a straight sequence of SQL steps, which is what a
// reviewer needs to see to judge its transaction.
#pragma once

#include <mutex>
#include <span>
#include <string_view>

#include "store/checks.h"
#include "store/open.h"
#include "store/sqlite/connection_pool.h"
#include "store/sqlite/group_commit.h"
#include "store/sqlite/sql.h"
#include "store/sqlite/sqlite_store.h"

namespace mixtasy::store {

// A write transaction of this process: the in-process writer lock, then
// BEGIN IMMEDIATE.  Members are destroyed in reverse order, so an
// uncommitted transaction rolls back before the lock is released.
struct WriteTransaction {
    std::unique_lock<std::timed_mutex> lock;
    sql::Transaction tx;
    Result<void> commit() { return tx.commit(); }
};

class SqliteStore::Impl {
public:
    Impl(SqliteOptions opts, ConnectionPool::Opener opener)
        : options(std::move(opts)), pool(std::move(opener), options.max_connections) {}

    SqliteOptions options;
    ConnectionPool pool;
    GroupCommit group_commit;

    Result<ConnectionPool::Lease> connection() { return pool.acquire(); }
    const StoreLimits& limits() const { return options.limits; }

    // SQLite admits one writer at a time and makes the others poll with
    // sleeps of up to 100 ms; threads of this process instead queue on a
    // mutex (FIFO-ish, no polling), waiting at most busy_timeout, then take
    // SQLite's lock, which then only other processes can be holding.
    Result<WriteTransaction> begin_write(sql::Database& db) {
        MIXTASY_TRY(lock, lock_writer());
        MIXTASY_TRY(tx, sql::Transaction::begin(db, sql::Transaction::Mode::Write));
        return WriteTransaction{std::move(*lock), std::move(*tx)};
    }

    // The in-process writer lock alone, for what must run outside a
    // transaction but beside no other writer of ours (the WAL checkpoint).
    Result<std::unique_lock<std::timed_mutex>> lock_writer() {
        std::unique_lock lock(writer_, std::defer_lock);
        if (!lock.try_lock_for(options.busy_timeout))
            return Unexpected{StoreError{StoreError::Code::Busy,
                                         "another thread held the write lock beyond busy_timeout"}};
        return lock;
    }

private:
    std::timed_mutex writer_;
};

namespace detail {

// Adds stats to the counters of `day` on db, inside the caller's transaction.
Result<void> apply_stats(sql::Database& db, std::int64_t day, std::span<const StatDelta> stats);
// Inserts a replay entry; Replay if the hash is present.
Result<void> insert_replay(sql::Database& db, const ReplayEntry& replay);
Result<PoolId> insert_pool_item(sql::Database& db, const NewPoolItem& item);

// The SQL values of the kind and state columns (the CHECK constraints of
// schema.cpp): the tokens of to_string in store/store.h.
inline const char* sql_name(PoolKind kind) noexcept { return to_string(kind); }
inline const char* sql_name(PoolState state) noexcept { return to_string(state); }

}  // namespace detail
}  // namespace mixtasy::store
