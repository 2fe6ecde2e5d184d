// SPDX-License-Identifier: BSD-2-Clause
// faults_test.cpp - a full disk and a locked database while writing: typed,
// transient errors, never a half-written row, never a replay entry without
// its pool row.
#include <thread>

#include "tests/unit/store/store_test_util.h"

using namespace mixtasy;
using namespace mixtasy::store;
using namespace mixtasy::store::test;

namespace {

// Every replay entry must have the pool row whose next_hop names it.
std::int64_t orphan_replays(RawDb& raw) {
    return raw.scalar(
        "SELECT count(*) FROM replay r WHERE NOT EXISTS"
        " (SELECT 1 FROM pool p WHERE p.next_hop = CAST(r.hash AS TEXT))");
}

NewPoolItem linked_item(const std::string& hash, ByteView bytes) {
    NewPoolItem it = item("");
    it.next_hop = hash;
    it.bytes = Bytes(bytes.begin(), bytes.end());
    return it;
}

}  // namespace

TEST_CASE("a full disk fails with Full and leaves no half-written message", "[store][fault]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    SqliteOptions options = options_for(path);
    options.max_database_bytes = 400 * 1024;
    auto store = open_store(options);

    Bytes blob(30 * 1024, 0xab);
    int committed = 0;
    StoreError last;
    StatDelta pooled[] = {{"pooled", 1}};
    for (int i = 0; i < 100; ++i) {
        std::string hash = "h" + std::to_string(i);
        auto id =
            store->enqueue_with_replay({bv(hash), 99999, 1000}, linked_item(hash, blob), pooled);
        if (!id) {
            last = id.error();
            // The failed call left neither its replay entry nor its row.
            CHECK_FALSE(*store->replay_seen(bv(hash)));
            break;
        }
        ++committed;
    }
    CHECK(committed > 0);
    CHECK(committed < 100);
    CHECK(last.code == StoreError::Code::Full);
    CHECK(last.temporary());

    // Small writes fail the same way or succeed whole; reads still work.
    CHECK(*store->count_ready(1000) == static_cast<std::size_t>(committed));
    auto stats = store->read_stats(0, 0);
    REQUIRE(stats);
    REQUIRE(stats->size() == 1);
    CHECK((*stats)[0].value == committed);
    CHECK(store->integrity_check());
    RawDb raw(path);
    CHECK(orphan_replays(raw) == 0);
    CHECK(raw.scalar("SELECT count(*) FROM replay") == committed);

    // Space comes back: the admin raises the limit, the MTA retries.
    store.reset();
    options.max_database_bytes = 0;
    auto bigger = open_store(options);
    std::string hash = "after";
    REQUIRE(bigger->enqueue_with_replay({bv(hash), 99999}, linked_item(hash, blob)));
}

TEST_CASE("a database locked beyond busy_timeout fails with Busy, then recovers",
          "[store][fault]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    SqliteOptions options = options_for(path);
    options.busy_timeout = std::chrono::milliseconds(100);
    auto store = open_store(options);
    REQUIRE(store->enqueue_with_replay({bv("before"), 9}, linked_item("before", bv("x"))));

    RawDb locker(path);
    REQUIRE(locker.exec("BEGIN EXCLUSIVE") == SQLITE_OK);
    REQUIRE(locker.exec("INSERT INTO stats (day, counter, value) VALUES (1, 'lock', 1)") ==
            SQLITE_OK);

    auto start = std::chrono::steady_clock::now();
    auto blocked = store->enqueue_with_replay({bv("during"), 9}, linked_item("during", bv("y")));
    auto waited = std::chrono::steady_clock::now() - start;
    REQUIRE_FALSE(blocked);
    CHECK(blocked.error().code == StoreError::Code::Busy);
    CHECK(blocked.error().temporary());
    CHECK(waited >= std::chrono::milliseconds(90));  // it did wait busy_timeout
    CHECK(store->mark_sent(1, 10).error().code == StoreError::Code::Busy);
    // WAL: readers are not blocked by the writer.
    CHECK(*store->count_ready(1000) == 1);

    REQUIRE(locker.exec("ROLLBACK") == SQLITE_OK);
    CHECK_FALSE(*store->replay_seen(bv("during")));
    REQUIRE(store->enqueue_with_replay({bv("during"), 9}, linked_item("during", bv("y"))));
    CHECK(orphan_replays(locker) == 0);
}

TEST_CASE("a writer waiting less than busy_timeout succeeds", "[store][fault]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    auto store = open_store(path);  // busy_timeout 5 s
    RawDb locker(path);
    REQUIRE(locker.exec("BEGIN IMMEDIATE") == SQLITE_OK);
    std::thread release([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(200));
        locker.exec("COMMIT");
    });
    auto id = store->enqueue_with_replay({bv("waits"), 9}, linked_item("waits", bv("z")));
    release.join();
    CHECK(id);
}
