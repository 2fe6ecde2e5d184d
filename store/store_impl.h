// store_impl.h - what the Store operations share, private to store/.
//
// Store::Impl owns the options and the connection pool.  The STORE_TRY /
// STORE_CHECK macros propagate a StoreError out of the calling function; they
// keep each operation a straight sequence of SQL steps, which is what a
// reviewer needs to see to judge its transaction.
#pragma once

#include <mutex>
#include <string_view>

#include "store/connection_pool.h"
#include "store/group_commit.h"
#include "store/sqlite.h"
#include "store/store.h"

// `auto name = expr;` and return its error if it failed.
#define STORE_TRY(name, expr)                 \
    auto name = (expr);                       \
    if (!name)                                \
        return ::mixtasy::Unexpected { name.error() }
// Evaluate expr and return its error if it failed.
#define STORE_CHECK(expr)                                  \
    do {                                                   \
        auto store_check_result_ = (expr);                 \
        if (!store_check_result_)                          \
            return ::mixtasy::Unexpected{store_check_result_.error()}; \
    } while (0)

namespace mixtasy::store {

// A write transaction of this process: the in-process writer lock, then
// BEGIN IMMEDIATE.  Members are destroyed in reverse order, so an
// uncommitted transaction rolls back before the lock is released.
struct WriteTransaction {
    std::unique_lock<std::timed_mutex> lock;
    sql::Transaction tx;
    Result<void> commit() { return tx.commit(); }
};

class Store::Impl {
public:
    Impl(StoreOptions opts, ConnectionPool::Opener opener)
        : options(std::move(opts)), pool(std::move(opener), options.max_connections) {}

    StoreOptions options;
    ConnectionPool pool;
    GroupCommit group_commit;

    Result<ConnectionPool::Lease> connection() { return pool.acquire(); }
    const StoreLimits& limits() const { return options.limits; }

    // SQLite admits one writer at a time and makes the others poll with
    // sleeps of up to 100 ms; threads of this process instead queue on a
    // mutex (FIFO-ish, no polling), waiting at most busy_timeout, then take
    // SQLite's lock, which then only other processes can be holding.
    Result<WriteTransaction> begin_write(sql::Database& db) {
        std::unique_lock lock(writer_, std::defer_lock);
        if (!lock.try_lock_for(options.busy_timeout))
            return Unexpected{StoreError{StoreError::Code::Busy,
                                         "another thread held the write lock beyond busy_timeout"}};
        auto tx = sql::Transaction::begin(db, sql::Transaction::Mode::Write);
        if (!tx)
            return Unexpected{tx.error()};
        return WriteTransaction{std::move(lock), std::move(*tx)};
    }

private:
    std::timed_mutex writer_;
};

namespace detail {

StoreError invalid(std::string detail);
Result<void> check_text(std::string_view text, std::size_t limit, const char* what);
Result<void> check_blob(ByteView blob, std::size_t limit, const char* what);
Result<void> check_replay(const ReplayEntry& replay, const StoreLimits& limits);
Result<void> check_stats(std::span<const StatDelta> stats, const StoreLimits& limits);
// Adds stats to the counters of `day` on db, inside the caller's transaction.
Result<void> apply_stats(sql::Database& db, std::int64_t day, std::span<const StatDelta> stats);
// Inserts a replay entry; Replay if the hash is present.
Result<void> insert_replay(sql::Database& db, const ReplayEntry& replay);
Result<void> check_pool_item(const NewPoolItem& item, const StoreLimits& limits);
Result<PoolId> insert_pool_item(sql::Database& db, const NewPoolItem& item);

const char* sql_name(PoolKind kind) noexcept;
const char* sql_name(PoolState state) noexcept;

}  // namespace detail
}  // namespace mixtasy::store
