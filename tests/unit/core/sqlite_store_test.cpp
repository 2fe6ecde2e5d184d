// SqliteStore: core's Store contract on the real SQLite store.
#include <catch2/catch.hpp>

#include <fstream>
#include <map>

#include "core/node/sqlite_store.h"
#include "core_test_support.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;
using namespace std::chrono_literals;
using Code = StoreFailure::Code;

namespace {
const Instant t0 = from_unix(1'800'000'000);
}

TEST_CASE("sqlite store: replay and pool row commit together", "[sqlite_store]") {
    TempDatabase db;
    auto store = db.open();
    const auto hash = as_bytes(std::string_view("replay-hash-1"));
    auto id = store->commit_pooled({hash, t0 + 48h}, mix_item("mixtasy@next.example", "one"), t0);
    REQUIRE(id);
    auto seen = store->replay_seen(hash);
    REQUIRE(seen);
    CHECK(*seen);

    auto again = store->commit_pooled({hash, t0 + 48h}, mix_item("mixtasy@next.example", "two"), t0);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == Code::Replay);
    auto ready = store->count_ready(t0);
    REQUIRE(ready);
    CHECK(*ready == 1);  // the replay wrote nothing

    auto row = store->raw().get(*id);
    REQUIRE(row);
    CHECK(row->next_hop == "mixtasy@next.example");
    CHECK(row->envelope_from == "mixtasy@this.example");
    CHECK(row->kind == store::PoolKind::Mix);
    CHECK(row->give_up_at == to_unix(t0 + 14 * 24h));
}

TEST_CASE("sqlite store: a replay entry alone", "[sqlite_store]") {
    TempDatabase db;
    auto store = db.open();
    const auto hash = as_bytes(std::string_view("dummy-ends-here"));
    REQUIRE(store->commit_replay({hash, t0 + 48h}, t0));
    auto twice = store->commit_replay({hash, t0 + 48h}, t0);
    REQUIRE_FALSE(twice);
    CHECK(twice.error().code == Code::Replay);
    auto pooled = store->commit_pooled({hash, t0 + 48h}, mix_item("a@b.example", "x"), t0);
    REQUIRE_FALSE(pooled);
    CHECK(pooled.error().code == Code::Replay);
}

TEST_CASE("sqlite store: claim, mark and recover", "[sqlite_store]") {
    TempDatabase db;
    auto store = db.open();
    DeterministicRandom random(1);
    for (int i = 0; i < 5; ++i) {
        const std::string hash = "h" + std::to_string(i);
        REQUIRE(store->commit_pooled({as_bytes(hash), t0 + 48h},
                                     mix_item("n@x.example", "body" + std::to_string(i)), t0));
    }
    OutgoingItem dummy = mix_item("m@y.example", "dummy");
    dummy.kind = ItemKind::Dummy;
    REQUIRE(store->enqueue(dummy, t0));
    CHECK(*store->count_ready(t0) == 6);

    auto claimed = store->claim_random(t0, 4, random);
    REQUIRE(claimed);
    REQUIRE(claimed->size() == 4);
    CHECK(*store->count_ready(t0) == 2);
    auto again = store->claim_random(t0, 10, random);
    REQUIRE(again);
    CHECK(again->size() == 2);  // never the same row twice

    const auto& rows = *claimed;
    REQUIRE(store->mark_sent(rows[0].id, t0));
    REQUIRE(store->mark_retry(rows[1].id, t0 + 300s));
    REQUIRE(store->mark_failed(rows[2].id, t0));
    auto twice = store->mark_sent(rows[0].id, t0);
    REQUIRE_FALSE(twice);
    CHECK(twice.error().code == Code::NotFound);

    CHECK(*store->count_ready(t0) == 0);
    CHECK(*store->count_ready(t0 + 300s) == 1);  // the retried row
    auto recovered = store->recover_in_flight();
    REQUIRE(recovered);
    CHECK(*recovered == 3);  // rows[3] and the two of `again`
    CHECK(*store->count_ready(t0 + 300s) == 4);

    auto back = store->raw().get(rows[1].id);
    REQUIRE(back);
    CHECK(back->attempts == 1);

    // Statistics counted in the same transactions.
    auto stats = store->raw().read_stats(store::day_of(to_unix(t0)), store::day_of(to_unix(t0)));
    REQUIRE(stats);
    std::map<std::string, std::int64_t> by_name;
    for (const auto& s : *stats) by_name[s.counter] = s.value;
    CHECK(by_name["pooled"] == 5);
    CHECK(by_name["dummy"] == 1);
    CHECK(by_name["sent"] == 1);
    CHECK(by_name["retry"] == 1);
    CHECK(by_name["failed"] == 1);
    REQUIRE(store->count("received", 7, t0));
}

TEST_CASE("sqlite store: rows past the maximum age are failed by sweep", "[sqlite_store]") {
    TempDatabase db;
    SqliteStoreOptions options;
    options.path = db.path();
    options.durable = false;
    options.max_pool_age = 1h;
    options.pool_retention = 24h;
    auto opened = SqliteStore::open(options);
    REQUIRE(opened);
    auto& store = **opened;
    REQUIRE(store.commit_pooled({as_bytes(std::string_view("old")), t0 + 2h},
                                mix_item("n@x.example", "old"), t0));
    auto swept = store.sweep(t0 + 30min);
    REQUIRE(swept);
    CHECK(*store.count_ready(t0 + 30min) == 1);
    swept = store.sweep(t0 + 1h);
    REQUIRE(swept);
    CHECK(*store.count_ready(t0 + 1h) == 0);
    CHECK(*store.raw().count_in_state(store::PoolState::Failed) == 1);
    // The replay entry lives until its own expiry, then goes.
    CHECK(*store.replay_seen(as_bytes(std::string_view("old"))));
    swept = store.sweep(t0 + 3h);
    REQUIRE(swept);
    CHECK(swept->replay == 1);
    CHECK_FALSE(*store.replay_seen(as_bytes(std::string_view("old"))));
    swept = store.sweep(t0 + 26h);
    REQUIRE(swept);
    CHECK(swept->pool == 1);  // failed row past retention
}

TEST_CASE("sqlite store: multipart commit, discard and completion", "[sqlite_store]") {
    TempDatabase db;
    auto store = db.open();
    const auto part = [&](const char* hash, std::uint32_t n, std::uint32_t total,
                          const char* id = "<set@x>") {
        return store->commit_part({as_bytes(std::string_view(hash)), t0 + 48h},
                                  PartRecord{id, n, total, as_bytes(std::string_view("p")), t0 + 72h},
                                  t0);
    };
    auto a = part("a", 1, 2);
    REQUIRE(a);
    CHECK(a->inserted);
    CHECK(a->present == 1);
    CHECK_FALSE(a->complete());
    auto replay = part("a", 2, 2);
    REQUIRE_FALSE(replay);
    CHECK(replay.error().code == Code::Replay);
    auto conflict = part("b", 2, 3);
    REQUIRE_FALSE(conflict);
    CHECK(conflict.error().code == Code::Invalid);

    REQUIRE(store->discard_set("<set@x>", t0 + 72h));
    REQUIRE(store->discard_set("<set@x>", t0 + 72h));  // idempotent
    auto after = part("c", 2, 2);
    REQUIRE(after);
    CHECK(after->discarded);
    CHECK(*store->replay_seen(as_bytes(std::string_view("c"))));
    const SetAssembler never = [](const std::vector<Bytes>&)
        -> Expected<std::vector<OutgoingItem>, StoreFailure> {
        FAIL("a discarded set must not be assembled");
        return std::vector<OutgoingItem>{};
    };
    auto done = store->complete_set("<set@x>", t0, never);
    REQUIRE(done);
    CHECK_FALSE(done->has_value());

    // A different set completes and its rows enter the pool.
    REQUIRE(part("d", 1, 1, "<other@x>"));
    const SetAssembler one_row = [](const std::vector<Bytes>& parts)
        -> Expected<std::vector<OutgoingItem>, StoreFailure> {
        REQUIRE(parts.size() == 1);
        OutgoingItem item = mix_item("final@example.org", "assembled");
        item.kind = ItemKind::Exit;
        return std::vector<OutgoingItem>{item};
    };
    auto ids = store->complete_set("<other@x>", t0, one_row);
    REQUIRE(ids);
    REQUIRE(ids->has_value());
    REQUIRE((*ids)->size() == 1);
    auto row = store->raw().get((**ids)[0]);
    REQUIRE(row);
    CHECK(row->kind == store::PoolKind::Exit);
    CHECK(std::string(as_chars(row->bytes)) == "assembled");
}

TEST_CASE("sqlite store: a full database is Unavailable and writes nothing", "[sqlite_store]") {
    TempDatabase db;
    SqliteStoreOptions options;
    options.path = db.path();
    options.durable = false;
    options.max_database_bytes = 256 * 1024;
    auto opened = SqliteStore::open(options);
    REQUIRE(opened);
    auto& store = **opened;
    const std::string body(30 * 1024, 'x');
    int committed = 0;
    for (int i = 0; i < 100; ++i) {
        const std::string hash = "full-" + std::to_string(i);
        auto id = store.commit_pooled({as_bytes(hash), t0 + 48h},
                                      mix_item("n@x.example", body + std::to_string(i)), t0);
        if (!id) {
            CHECK(id.error().code == Code::Unavailable);
            CHECK(id.error().temporary());
            // No replay entry without its row: the sender's retry can succeed.
            CHECK_FALSE(*store.replay_seen(as_bytes(hash)));
            break;
        }
        ++committed;
    }
    CHECK(committed > 0);
    CHECK(committed < 100);
    CHECK(*store.count_ready(t0) == static_cast<std::size_t>(committed));
}

TEST_CASE("sqlite store: open failures map to Unavailable and Corrupt", "[sqlite_store]") {
    SqliteStoreOptions missing;
    missing.path = "/nonexistent-mixtasy-dir/node.db";
    auto a = SqliteStore::open(missing);
    REQUIRE_FALSE(a);
    CHECK(a.error().code == Code::Unavailable);

    TempDatabase db;
    {
        std::ofstream junk(db.path(), std::ios::binary);
        junk << std::string(8192, 'J');
    }
    SqliteStoreOptions corrupt;
    corrupt.path = db.path();
    auto b = SqliteStore::open(corrupt);
    REQUIRE_FALSE(b);
    CHECK(b.error().code == Code::Corrupt);
    CHECK(b.error().temporary());
}
