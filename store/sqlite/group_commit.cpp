// SPDX-License-Identifier: BSD-2-Clause
// group_commit.cpp - see group_commit.h.
#include "store/sqlite/group_commit.h"

#include <algorithm>

namespace mixtasy::store {

namespace {

void fail_succeeded(std::vector<GroupCommit::Request*>& batch, const StoreError& error) {
    for (auto* request : batch)
        if (request->outcome) request->outcome = Unexpected{error};
}

}  // namespace

void GroupCommit::submit(Request& request, const RunBatch& run_batch, std::size_t max_batch) {
    std::unique_lock lock(mutex_);
    queue_.push_back(&request);
    while (!request.done) {
        if (leader_) {
            finished_.wait(lock);
            continue;
        }
        leader_ = true;
        std::size_t n = std::min(queue_.size(), std::max<std::size_t>(max_batch, 1));
        std::vector<Request*> batch(queue_.begin(),
                                    queue_.begin() + static_cast<std::ptrdiff_t>(n));
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
        lock.unlock();
        run_batch(batch);
        lock.lock();
        for (auto* done : batch) done->done = true;
        leader_ = false;
        finished_.notify_all();
    }
}

void GroupCommit::run_in_transaction(sql::Database& db, std::vector<Request*>& batch,
                                     const std::function<sql::Result<void>()>& commit) {
    for (auto* request : batch) {
        if (auto opened = db.exec("SAVEPOINT request"); !opened) {
            request->outcome = opened;
            fail_succeeded(batch, opened.error());
            return;
        }
        request->outcome = request->work(db);
        if (request->outcome) {
            if (auto released = db.exec("RELEASE request"); !released) {
                fail_succeeded(batch, released.error());
                return;
            }
            continue;
        }
        if (!db.in_transaction()) {
            // SQLite rolled the whole transaction back (SQLITE_FULL, I/O
            // error): the requests before this one are gone too.
            fail_succeeded(batch, request->outcome.error());
            return;
        }
        auto undone = db.exec("ROLLBACK TO request");
        if (undone) undone = db.exec("RELEASE request");
        if (!undone) {
            fail_succeeded(batch, undone.error());
            return;
        }
    }
    if (auto committed = commit(); !committed) fail_succeeded(batch, committed.error());
}

}  // namespace mixtasy::store
