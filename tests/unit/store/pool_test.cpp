// SPDX-License-Identifier: BSD-2-Clause
// pool_test.cpp - replay cache and pool/outbox operations.
#include <map>
#include <random>
#include <set>

#include "tests/unit/store/store_test_util.h"

using namespace mixtasy;
using namespace mixtasy::store;
using namespace mixtasy::store::test;

namespace {

UniformIndex seeded(std::uint32_t seed) {
    auto engine = std::make_shared<std::mt19937_64>(seed);
    return [engine](std::uint64_t bound) {
        return std::uniform_int_distribution<std::uint64_t>(0, bound - 1)(*engine);
    };
}

}  // namespace

TEST_CASE("enqueue_with_replay commits replay entry and pool row together", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    ReplayEntry replay{bv("hash-1"), 5000};
    auto id = store->enqueue_with_replay(replay, item("message one"));
    REQUIRE(id);
    auto seen = store->replay_seen(bv("hash-1"));
    REQUIRE(seen);
    CHECK(*seen);
    auto row = store->get(*id);
    REQUIRE(row);
    CHECK(row->state == PoolState::Pooled);
    CHECK(row->kind == PoolKind::Mix);
    CHECK(row->next_hop == "next@mix.example");
    CHECK(row->envelope_from == "mixtasy@node.example");
    CHECK(as_chars(row->bytes) == "message one");
    CHECK(row->attempts == 0);
    CHECK(row->give_up_at == 1000 + 86400);
}

TEST_CASE("a replayed hash is refused and writes nothing", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    StatDelta pooled[] = {{"pooled", 1}};
    REQUIRE(store->enqueue_with_replay({bv("same"), 5000}, item("first"), pooled));
    auto again = store->enqueue_with_replay({bv("same"), 5000}, item("second"), pooled);
    REQUIRE_FALSE(again);
    CHECK(again.error().code == StoreError::Code::Replay);
    CHECK_FALSE(again.error().temporary());
    CHECK(*store->count_ready(1000) == 1);
    auto stats = store->read_stats(0, 10);
    REQUIRE(stats);
    REQUIRE(stats->size() == 1);
    CHECK((*stats)[0].value == 1);  // the refused call counted nothing
    CHECK_FALSE(*store->replay_seen(bv("other")));
}

TEST_CASE("record_replay alone detects replays", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    REQUIRE(store->record_replay({bv("dummy-end"), 10}));
    auto again = store->record_replay({bv("dummy-end"), 10});
    REQUIRE_FALSE(again);
    CHECK(again.error().code == StoreError::Code::Replay);
    CHECK(*store->count_ready(100) == 0);
}

TEST_CASE("several items and an empty item list under one replay entry", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    std::vector<NewPoolItem> items = {item("a"), item("b"), item("c", 1000, PoolKind::Exit)};
    auto ids = store->enqueue_with_replay({bv("h"), 9}, items);
    REQUIRE(ids);
    REQUIRE(ids->size() == 3);
    CHECK((*ids)[0] < (*ids)[1]);
    CHECK(store->get((*ids)[2])->kind == PoolKind::Exit);
    auto none = store->enqueue_with_replay({bv("h2"), 9}, std::span<const NewPoolItem>{});
    REQUIRE(none);
    CHECK(none->empty());
    CHECK(*store->replay_seen(bv("h2")));
}

TEST_CASE("enqueue without replay, for dummies and admin replies", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    auto id = store->enqueue(item("dummy", 1000, PoolKind::Dummy));
    REQUIRE(id);
    CHECK(store->get(*id)->kind == PoolKind::Dummy);
    auto admin = store->enqueue(item("help", 1000, PoolKind::AdminReply));
    REQUIRE(admin);
    CHECK(store->get(*admin)->kind == PoolKind::AdminReply);
}

TEST_CASE("limits are enforced before any SQL runs", "[store][pool][limits]") {
    TempDir dir;
    SqliteOptions options = options_for(dir.file("node.db"));
    options.limits.max_blob_bytes = 16;
    options.limits.max_hash_bytes = 8;
    options.limits.max_text_bytes = 32;
    auto store = open_store(options);

    auto big = store->enqueue_with_replay({bv("h"), 1}, item("seventeen bytes!!"));
    REQUIRE_FALSE(big);
    CHECK(big.error().code == StoreError::Code::InvalidArgument);
    CHECK_FALSE(*store->replay_seen(bv("h")));  // nothing half-written

    auto long_hash = store->enqueue_with_replay({bv("123456789"), 1}, item("x"));
    REQUIRE_FALSE(long_hash);
    CHECK(long_hash.error().code == StoreError::Code::InvalidArgument);

    auto empty_hash = store->record_replay({bv(""), 1});
    REQUIRE_FALSE(empty_hash);
    CHECK(empty_hash.error().code == StoreError::Code::InvalidArgument);

    NewPoolItem hop = item("x");
    std::string long_hop(33, 'a');
    hop.next_hop = long_hop;
    CHECK(store->enqueue(hop).error().code == StoreError::Code::InvalidArgument);
    std::string with_nul("a\0b", 3);
    hop.next_hop = with_nul;
    CHECK(store->enqueue(hop).error().code == StoreError::Code::InvalidArgument);

    StatDelta bad[] = {{"", 1}};
    CHECK(store->enqueue(item("x"), bad).error().code == StoreError::Code::InvalidArgument);
    CHECK(*store->count_in_state(PoolState::Pooled) == 0);
}

TEST_CASE("binary bytes and empty messages survive the round trip", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    Bytes binary(30 * 1024);
    for (std::size_t i = 0; i < binary.size(); ++i)
        binary[i] = static_cast<std::uint8_t>(i * 7 + 3);
    NewPoolItem it = item("");
    it.bytes = binary;
    auto id = store->enqueue(it);
    REQUIRE(id);
    CHECK(store->get(*id)->bytes == binary);
    auto empty = store->enqueue(item(""));
    REQUIRE(empty);
    CHECK(store->get(*empty)->bytes.empty());
    CHECK(store->get(999999).error().code == StoreError::Code::NotFound);
}

TEST_CASE("count_ready honours next_attempt_at and state", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    REQUIRE(store->enqueue(item("now", 100)));
    REQUIRE(store->enqueue(item("later", 200)));
    CHECK(*store->count_ready(99) == 0);
    CHECK(*store->count_ready(100) == 1);
    CHECK(*store->count_ready(200) == 2);
    auto ids = store->ready_ids(200);
    REQUIRE(ids);
    CHECK(ids->size() == 2);
}

TEST_CASE("claim_random_ready hands each row out once and marks it sending", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    for (int i = 0; i < 20; ++i) REQUIRE(store->enqueue(item("m" + std::to_string(i))));
    auto first = store->claim_random_ready(1000, 7, seeded(1));
    REQUIRE(first);
    CHECK(first->size() == 7);
    for (const auto& row : *first) CHECK(row.state == PoolState::Sending);
    CHECK(*store->count_ready(1000) == 13);
    CHECK(*store->count_in_state(PoolState::Sending) == 7);
    auto rest = store->claim_random_ready(1000, 100, seeded(2));
    REQUIRE(rest);
    CHECK(rest->size() == 13);
    std::set<PoolId> all;
    for (const auto& row : *first) all.insert(row.id);
    for (const auto& row : *rest) all.insert(row.id);
    CHECK(all.size() == 20);
    auto none = store->claim_random_ready(1000, 5, seeded(3));
    REQUIRE(none);
    CHECK(none->empty());
}

TEST_CASE("claim_random_ready picks uniformly", "[store][pool][random]") {
    // 10 rows, pick 3, many rounds (claim then put back): each row should be
    // picked about 3/10 of the time.
    TempDir dir;
    SqliteOptions options = options_for(dir.file("node.db"));
    options.durable = false;  // this test measures selection, not fsync
    auto store = open_store(options);
    for (int i = 0; i < 10; ++i) REQUIRE(store->enqueue(item("m", 0)));
    std::map<PoolId, int> picked;
    auto uniform = seeded(42);
    const int rounds = 500;
    for (int round = 0; round < rounds; ++round) {
        auto got = store->claim_random_ready(0, 3, uniform);
        REQUIRE(got);
        REQUIRE(got->size() == 3);
        for (const auto& row : *got) {
            ++picked[row.id];
            REQUIRE(store->mark_retry(row.id, 0));
        }
    }
    REQUIRE(picked.size() == 10);
    for (const auto& [id, n] : picked) {
        // expected 150, sd ~10.2: +-5 sd
        CHECK(n > 99);
        CHECK(n < 201);
    }
}

TEST_CASE("a random source out of range is refused, not trusted", "[store][pool][random]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    REQUIRE(store->enqueue(item("m")));
    auto bad = store->claim_random_ready(1000, 1, [](std::uint64_t bound) { return bound; });
    REQUIRE_FALSE(bad);
    CHECK(bad.error().code == StoreError::Code::Misuse);
    CHECK(*store->count_ready(1000) == 1);  // rolled back
    auto none = store->claim_random_ready(1000, 1, UniformIndex{});
    REQUIRE_FALSE(none);
    CHECK(none.error().code == StoreError::Code::Misuse);
}

TEST_CASE("claim by id takes only ready rows", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    PoolId a = *store->enqueue(item("a", 100));
    PoolId b = *store->enqueue(item("b", 500));
    PoolId ids[] = {a, b, 424242};
    auto got = store->claim(ids, 200);
    REQUIRE(got);
    REQUIRE(got->size() == 1);
    CHECK((*got)[0].id == a);
    auto twice = store->claim(ids, 200);
    REQUIRE(twice);
    CHECK(twice->empty());
}

TEST_CASE("mark_sent deletes the row with its counter and only takes a sending row",
          "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    PoolId id = *store->enqueue(item("secret payload"));
    auto early = store->mark_sent(id, 1100);
    REQUIRE_FALSE(early);
    CHECK(early.error().code == StoreError::Code::NotFound);
    PoolId ids[] = {id};
    REQUIRE(store->claim(ids, 1000)->size() == 1);
    StatDelta sent[] = {{"sent", 1}};
    REQUIRE(store->mark_sent(id, 1100, sent));
    // Nothing of it stays: not its next hop, kind, times or bytes.
    CHECK(store->get(id).error().code == StoreError::Code::NotFound);
    CHECK(*store->count_in_state(PoolState::Sent) == 0);
    CHECK(store->mark_sent(id, 1200).error().code == StoreError::Code::NotFound);
    auto stats = store->read_stats(day_of(1100), day_of(1100));
    REQUIRE(stats->size() == 1);
    CHECK((*stats)[0].counter == "sent");
}

TEST_CASE("fix_delivery_id keeps the first id of a row across claims", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    PoolId id = *store->enqueue(item("m"));
    CHECK(store->fix_delivery_id(id, "<a@x>").error().code == StoreError::Code::NotFound);
    PoolId ids[] = {id};
    auto claimed = store->claim(ids, 1000);
    REQUIRE(claimed->size() == 1);
    CHECK((*claimed)[0].delivery_id.empty());
    CHECK(*store->fix_delivery_id(id, "<first@x>") == "<first@x>");
    // A crash before the mark: the row goes back and is claimed again; the
    // second candidate does not replace the first id.
    REQUIRE(*store->recover_sending() == 1);
    claimed = store->claim(ids, 1001);
    REQUIRE(claimed->size() == 1);
    CHECK((*claimed)[0].delivery_id == "<first@x>");
    CHECK(*store->fix_delivery_id(id, "<second@x>") == "<first@x>");
    CHECK(store->fix_delivery_id(id, "").error().code == StoreError::Code::InvalidArgument);
    CHECK(store->fix_delivery_id(id, std::string(2000, 'a')).error().code ==
          StoreError::Code::InvalidArgument);
}

TEST_CASE("mark_retry backs off and counts attempts", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    PoolId id = *store->enqueue(item("m"));
    PoolId ids[] = {id};
    REQUIRE(store->claim(ids, 1000)->size() == 1);
    REQUIRE(store->mark_retry(id, 1600));
    auto row = store->get(id);
    CHECK(row->state == PoolState::Pooled);
    CHECK(row->attempts == 1);
    CHECK(row->next_attempt_at == 1600);
    CHECK(as_chars(row->bytes) == "m");
    CHECK(*store->count_ready(1599) == 0);
    CHECK(*store->count_ready(1600) == 1);
    CHECK(store->mark_retry(id, 1700).error().code == StoreError::Code::NotFound);
}

TEST_CASE("mark_failed and give_up_expired delete a row for good", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    PoolId refused = *store->enqueue(item("r"));
    PoolId ids[] = {refused};
    REQUIRE(store->claim(ids, 1000)->size() == 1);
    REQUIRE(store->mark_failed(refused, 1001));
    CHECK(store->get(refused).error().code == StoreError::Code::NotFound);

    NewPoolItem soon = item("old", 1000);
    soon.give_up_at = 2000;
    PoolId old_id = *store->enqueue(soon);
    PoolId young_id = *store->enqueue(item("young", 1500));
    auto given_up = store->give_up_expired(2000, "failed");
    REQUIRE(given_up);
    CHECK(*given_up == 1);
    CHECK(store->get(old_id).error().code == StoreError::Code::NotFound);
    CHECK(store->get(young_id)->state == PoolState::Pooled);
    CHECK(*store->give_up_expired(2000, "failed") == 0);
    CHECK(*store->count_in_state(PoolState::Failed) == 0);
    // The given-up row is counted in the transaction that deleted it.
    auto stats = store->read_stats(day_of(2000), day_of(2000));
    REQUIRE(stats->size() == 1);
    CHECK((*stats)[0].counter == "failed");
    CHECK((*stats)[0].value == 1);
}

TEST_CASE("recover_sending puts rows left in sending back in the pool", "[store][pool]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    {
        auto store = open_store(path);
        for (int i = 0; i < 5; ++i) REQUIRE(store->enqueue(item("m")));
        REQUIRE(store->claim_random_ready(1000, 3, seeded(9))->size() == 3);
    }  // "crash": the store goes away with three rows in sending
    auto store = open_store(path);
    CHECK(*store->count_ready(1000) == 2);
    auto recovered = store->recover_sending();
    REQUIRE(recovered);
    CHECK(*recovered == 3);
    CHECK(*store->count_ready(1000) == 5);
}

TEST_CASE("pool kinds and states have stable names", "[store][pool]") {
    CHECK(std::string(to_string(PoolKind::AdminReply)) == "admin-reply");
    CHECK(std::string(to_string(PoolState::Sending)) == "sending");
    CHECK(std::string(to_string(StoreError::Code::Full)) == "disk-full");
    CHECK(day_of(0) == 0);
    CHECK(day_of(86399) == 0);
    CHECK(day_of(86400) == 1);
    CHECK(day_of(-1) == -1);
}

TEST_CASE("recover_sending with a cutoff leaves fresh claims alone", "[store][pool]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    PoolId old_claim = *store->enqueue(item("a", 0));
    PoolId new_claim = *store->enqueue(item("b", 0));
    PoolId first[] = {old_claim};
    PoolId second[] = {new_claim};
    REQUIRE(store->claim(first, 100)->size() == 1);
    REQUIRE(store->claim(second, 200)->size() == 1);
    auto recovered = store->recover_sending(150);
    REQUIRE(recovered);
    CHECK(*recovered == 1);
    CHECK(store->get(old_claim)->state == PoolState::Pooled);
    CHECK(store->get(new_claim)->state == PoolState::Sending);
    REQUIRE(store->mark_sent(new_claim, 210));  // its sender finishes normally
}
