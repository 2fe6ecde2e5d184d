// SPDX-License-Identifier: BSD-2-Clause
// group_commit_test.cpp - requests share one transaction but keep their own
// atomicity; nothing is reported durable that was not committed.
#include "store/sqlite/group_commit.h"

#include <atomic>
#include <thread>

#include "store/sqlite/sql.h"
#include "tests/unit/store/store_test_util.h"

using namespace mixtasy;
using namespace mixtasy::store;
using namespace mixtasy::store::test;

namespace {

GroupCommit::Request insert_request(std::int64_t value) {
    GroupCommit::Request request;
    request.work = [value](sql::Database& db) -> sql::Result<void> {
        auto st = db.prepare("INSERT INTO t (x) VALUES (?1)");
        if (!st) return Unexpected{st.error()};
        st->bind(1, value);
        auto first = st->run();
        if (!first) return first;
        // A second row per request, so a half-done request would show.
        auto again = db.prepare("INSERT INTO t (x) VALUES (?1)");
        if (!again) return Unexpected{again.error()};
        again->bind(1, value + 1000);
        return again->run();
    };
    return request;
}

std::unique_ptr<sql::Database> open_table(const std::string& path) {
    auto db = sql::Database::open(path, {});
    REQUIRE(db);
    REQUIRE((*db)->exec("CREATE TABLE t (x INTEGER PRIMARY KEY)"));
    return std::move(*db);
}

}  // namespace

TEST_CASE("a failing request rolls back alone, the others commit", "[store][group]") {
    TempDir dir;
    auto db = open_table(dir.file("g.db"));
    auto a = insert_request(1);
    auto b = insert_request(1);  // duplicate key: fails after nothing of its own
    auto c = insert_request(2);
    auto d = insert_request(3);
    d.work = [inner = d.work](sql::Database& conn) -> sql::Result<void> {
        auto done = inner(conn);  // inserts 3 and 1003 ...
        if (!done) return done;
        return Unexpected{StoreError{StoreError::Code::InvalidArgument, "late failure"}};
    };
    std::vector<GroupCommit::Request*> batch = {&a, &b, &c, &d};
    auto tx = sql::Transaction::begin(*db, sql::Transaction::Mode::Write);
    REQUIRE(tx);
    GroupCommit::run_in_transaction(*db, batch, [&] { return tx->commit(); });
    CHECK(a.outcome);
    REQUIRE_FALSE(b.outcome);
    CHECK(b.outcome.error().code == StoreError::Code::Constraint);
    CHECK(c.outcome);
    REQUIRE_FALSE(d.outcome);
    CHECK(*db->query_int("SELECT count(*) FROM t") == 4);  // 1, 1001, 2, 1002
    CHECK(*db->query_int("SELECT count(*) FROM t WHERE x IN (3, 1003)") == 0);
}

TEST_CASE("a failed commit fails every request that had succeeded", "[store][group]") {
    TempDir dir;
    auto db = open_table(dir.file("g.db"));
    auto a = insert_request(1);
    auto b = insert_request(2);
    std::vector<GroupCommit::Request*> batch = {&a, &b};
    auto tx = sql::Transaction::begin(*db, sql::Transaction::Mode::Write);
    REQUIRE(tx);
    GroupCommit::run_in_transaction(*db, batch, [] {
        return sql::Result<void>(Unexpected{StoreError{StoreError::Code::Io, "disk gone"}});
    });
    REQUIRE_FALSE(a.outcome);
    CHECK(a.outcome.error().code == StoreError::Code::Io);
    REQUIRE_FALSE(b.outcome);
}

TEST_CASE("waiting threads are served in shared batches, each exactly once", "[store][group]") {
    GroupCommit group;
    std::atomic<int> batches{0};
    std::atomic<int> served{0};
    std::atomic<int> largest{0};
    GroupCommit::RunBatch run = [&](std::vector<GroupCommit::Request*>& batch) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // an fsync
        ++batches;
        served += static_cast<int>(batch.size());
        int size = static_cast<int>(batch.size());
        int seen = largest.load();
        while (size > seen && !largest.compare_exchange_weak(seen, size)) {
        }
        for (auto* request : batch) request->outcome = {};
    };
    std::vector<std::thread> threads;
    std::atomic<int> returned{0};
    for (int t = 0; t < 16; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 5; ++i) {
                GroupCommit::Request request;
                group.submit(request, run, 4);
                if (request.done && request.outcome) ++returned;
            }
        });
    }
    for (auto& t : threads) t.join();
    CHECK(returned == 80);
    CHECK(served == 80);
    CHECK(largest <= 4);  // max_batch honoured
    CHECK(batches < 80);  // and batches were shared
}
