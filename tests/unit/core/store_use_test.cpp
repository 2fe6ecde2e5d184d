// SPDX-License-Identifier: BSD-2-Clause
// store_use_test.cpp - what core relies on when it uses store::Store
// directly (formerly the tests of core's SQLite adapter): rows as core pools
// them, counters in the same transactions, and the errors core branches on.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "core_test_support.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;
using namespace std::chrono_literals;
using Code = store::StoreError::Code;

namespace {
const Instant t0 = from_unix(1'800'000'000);

std::map<std::string, std::int64_t> counters_of(store::Store& store, Instant day) {
    const std::int64_t d = store::day_of(to_unix(day));
    auto stats = store.read_stats(d, d);
    REQUIRE(stats);
    std::map<std::string, std::int64_t> by_name;
    for (const auto& s : *stats) by_name[s.counter] = s.value;
    return by_name;
}
}  // namespace

TEST_CASE("store use: replay and pool row commit together", "[store_use]") {
    TempDatabase db;
    auto store = db.open();
    const auto hash = as_bytes(std::string_view("replay-hash-1"));
    auto id = commit_pooled(*store, hash, t0 + 48h, mix_item("mixtasy@next.example", "one"), t0);
    REQUIRE(id);
    auto seen = store->replay_seen(hash);
    REQUIRE(seen);
    CHECK(*seen);

    auto again = commit_pooled(*store, hash, t0 + 48h, mix_item("mixtasy@next.example", "two"), t0);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == Code::Replay);
    CHECK_FALSE(again.error().temporary());
    auto ready = store->count_ready(to_unix(t0));
    REQUIRE(ready);
    CHECK(*ready == 1);  // the replay wrote nothing

    auto row = store->get(*id);
    REQUIRE(row);
    CHECK(row->next_hop == "mixtasy@next.example");
    CHECK(row->envelope_from == "mixtasy@this.example");
    CHECK(row->kind == store::PoolKind::Mix);
    CHECK(row->give_up_at == to_unix(t0 + 14 * 24h));
}

TEST_CASE("store use: a replay entry alone", "[store_use]") {
    TempDatabase db;
    auto store = db.open();
    const auto hash = as_bytes(std::string_view("dummy-ends-here"));
    const store::ReplayEntry entry{hash, to_unix(t0 + 48h), to_unix(t0)};
    REQUIRE(store->record_replay(entry, {}, to_unix(t0)));
    auto twice = store->record_replay(entry, {}, to_unix(t0));
    REQUIRE_FALSE(twice);
    CHECK(twice.error().code == Code::Replay);
    auto pooled = commit_pooled(*store, hash, t0 + 48h, mix_item("a@b.example", "x"), t0);
    REQUIRE_FALSE(pooled);
    CHECK(pooled.error().code == Code::Replay);
}

TEST_CASE("store use: claim, mark and recover, counted as core names them", "[store_use]") {
    TempDatabase db;
    auto store = db.open();
    DeterministicRandom random(1);
    const store::UniformIndex uniform = [&random](std::uint64_t bound) {
        return random.uniform(bound);
    };
    for (int i = 0; i < 5; ++i) {
        const std::string hash = "h" + std::to_string(i);
        REQUIRE(commit_pooled(*store, as_bytes(hash), t0 + 48h,
                              mix_item("n@x.example", "body" + std::to_string(i)), t0));
    }
    store::NewPoolItem dummy = mix_item("m@y.example", "dummy");
    dummy.kind = store::PoolKind::Dummy;
    schedule(dummy, t0, OutboxAges{});
    const store::StatDelta dummy_counted[] = {count(Counter::Dummy)};
    REQUIRE(store->enqueue(dummy, dummy_counted));
    CHECK(*store->count_ready(to_unix(t0)) == 6);

    auto claimed = store->claim_random_ready(to_unix(t0), 4, uniform);
    REQUIRE(claimed);
    REQUIRE(claimed->size() == 4);
    CHECK(*store->count_ready(to_unix(t0)) == 2);
    auto again = store->claim_random_ready(to_unix(t0), 10, uniform);
    REQUIRE(again);
    CHECK(again->size() == 2);  // never the same row twice

    const auto& rows = *claimed;
    const store::StatDelta sent[] = {count(Counter::Sent)};
    const store::StatDelta retry[] = {count(Counter::Retry)};
    const store::StatDelta failed[] = {count(Counter::Failed)};
    REQUIRE(store->mark_sent(rows[0].id, to_unix(t0), sent));
    REQUIRE(store->mark_retry(rows[1].id, to_unix(t0 + 300s), retry));
    REQUIRE(store->mark_failed(rows[2].id, to_unix(t0), failed));
    auto twice = store->mark_sent(rows[0].id, to_unix(t0), sent);
    REQUIRE_FALSE(twice);
    CHECK(twice.error().code == Code::NotFound);

    CHECK(*store->count_ready(to_unix(t0)) == 0);
    CHECK(*store->count_ready(to_unix(t0 + 300s)) == 1);  // the retried row
    auto recovered = store->recover_sending();
    REQUIRE(recovered);
    CHECK(*recovered == 3);  // rows[3] and the two of `again`
    CHECK(*store->count_ready(to_unix(t0 + 300s)) == 4);

    auto back = store->get(rows[1].id);
    REQUIRE(back);
    CHECK(back->attempts == 1);

    // Statistics counted in the same transactions.
    auto by_name = counters_of(*store, t0);
    CHECK(by_name["pooled"] == 5);
    CHECK(by_name["dummy"] == 1);
    CHECK(by_name["sent"] == 1);
    CHECK(by_name["retry"] == 1);
    CHECK(by_name["failed"] == 1);
    const store::StatDelta received[] = {{"received", 7}};
    REQUIRE(store->add_stats(to_unix(t0), received));
}

TEST_CASE("store use: counter names are stable", "[store_use]") {
    CHECK(std::string(to_string(Counter::Pooled)) == "pooled");
    CHECK(std::string(to_string(Counter::Dummy)) == "dummy");
    CHECK(std::string(to_string(Counter::Part)) == "part");
    CHECK(std::string(to_string(Counter::Reassembled)) == "reassembled");
    CHECK(std::string(to_string(Counter::Sent)) == "sent");
    CHECK(std::string(to_string(Counter::Retry)) == "retry");
    CHECK(std::string(to_string(Counter::Failed)) == "failed");
    const store::StatDelta two = count(Counter::Sent, 2);
    CHECK(two.counter == "sent");
    CHECK(two.amount == 2);
}

TEST_CASE("store use: a full database is temporary and writes nothing", "[store_use]") {
    TempDatabase db;
    store::SqliteOptions options = db.options();
    options.max_database_bytes = 256 * 1024;
    auto store = TempDatabase::open(options);
    const std::string body(30 * 1024, 'x');
    int committed = 0;
    for (int i = 0; i < 100; ++i) {
        const std::string hash = "full-" + std::to_string(i);
        auto id = commit_pooled(*store, as_bytes(hash), t0 + 48h,
                                mix_item("n@x.example", body + std::to_string(i)), t0);
        if (!id) {
            CHECK(id.error().code == Code::Full);
            CHECK(id.error().temporary());
            CHECK_FALSE(id.error().needs_admin());
            // No replay entry without its row: the sender's retry can succeed.
            CHECK_FALSE(*store->replay_seen(as_bytes(hash)));
            break;
        }
        ++committed;
    }
    CHECK(committed > 0);
    CHECK(committed < 100);
    CHECK(*store->count_ready(to_unix(t0)) == static_cast<std::size_t>(committed));
}

TEST_CASE("store use: open failures are temporary, a corrupt file needs an admin", "[store_use]") {
    store::SqliteOptions missing;
    missing.path = "/nonexistent-mixtasy-dir/node.db";
    auto a = store::open_sqlite(missing);
    REQUIRE_FALSE(a);
    CHECK(a.error().code == Code::Io);
    CHECK(a.error().temporary());

    TempDatabase db;
    {
        std::ofstream junk(db.path(), std::ios::binary);
        junk << std::string(8192, 'J');
    }
    store::SqliteOptions corrupt;
    corrupt.path = db.path();
    auto b = store::open_sqlite(corrupt);
    REQUIRE_FALSE(b);
    CHECK(b.error().code == Code::Corrupt);
    CHECK(b.error().temporary());
    CHECK(b.error().needs_admin());
}
