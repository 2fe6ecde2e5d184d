// SPDX-License-Identifier: BSD-2-Clause
// group_commit.h - many threads' small write transactions, one fsync.
//
// A durable commit costs one fsync (milliseconds on real disks), and SQLite
// admits one writer at a time, so N threads each committing one message get
// no more than one commit per fsync between them.  GroupCommit lets them
// share: a thread submits its Request and either becomes the leader (no
// batch is running) or waits.  The leader takes up to max_batch queued
// requests, runs them in ONE transaction, each inside its own SAVEPOINT, and
// commits once; requests that arrive meanwhile form the next batch.
//
// Guarantees: each request's work commits or rolls back as a unit (a failing
// request rolls back to its savepoint, the others go on); submit() returns
// only after the batch holding the request committed (outcome success) or
// failed (outcome = the error); requests are taken in arrival order.  If the
// shared transaction itself fails (COMMIT, or SQLite rolled it back after
// SQLITE_FULL or an I/O error), every request that had succeeded gets that
// error: nothing is reported durable that is not.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <vector>

#include "store/sqlite/sql.h"

namespace mixtasy::store {

class GroupCommit {
public:
    struct Request {
        // Runs inside the shared transaction, within a savepoint of its own.
        std::function<sql::Result<void>(sql::Database&)> work;
        sql::Result<void> outcome;  // set before submit() returns
        bool done = false;
    };
    // Runs one batch: the caller supplies the connection and transaction.
    using RunBatch = std::function<void(std::vector<Request*>& batch)>;

    void submit(Request& request, const RunBatch& run_batch, std::size_t max_batch);

    // The body of RunBatch once a write transaction is open on db: runs each
    // request in a savepoint and commits via `commit`.
    static void run_in_transaction(sql::Database& db, std::vector<Request*>& batch,
                                   const std::function<sql::Result<void>()>& commit);

private:
    std::mutex mutex_;
    std::condition_variable finished_;
    std::vector<Request*> queue_;
    bool leader_ = false;
};

}  // namespace mixtasy::store
