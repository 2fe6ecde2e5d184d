// SPDX-License-Identifier: BSD-2-Clause
// keys_stats_test.cpp - key metadata, daily counters, sweeps.
#include "tests/unit/store/store_test_util.h"

using namespace mixtasy;
using namespace mixtasy::store;
using namespace mixtasy::store::test;

TEST_CASE("key metadata: put, replace, get, list, delete", "[store][keys]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    REQUIRE(store->put_key({"BBBB", "subkey", 200, 372800, "/var/lib/k/b"}));
    REQUIRE(store->put_key({"AAAA", "primary", 100, 0, "/var/lib/k/a"}));
    auto b = store->get_key("BBBB");
    REQUIRE(b);
    CHECK(b->kind == "subkey");
    CHECK(b->expires_at == 372800);
    REQUIRE(store->put_key({"BBBB", "subkey", 200, 400000, "/var/lib/k/b2"}));
    CHECK(store->get_key("BBBB")->secret_path == "/var/lib/k/b2");
    auto all = store->list_keys();
    REQUIRE(all);
    REQUIRE(all->size() == 2);
    CHECK((*all)[0].fingerprint == "AAAA");  // by created_at
    REQUIRE(store->delete_key("AAAA"));
    CHECK(store->delete_key("AAAA").error().code == StoreError::Code::NotFound);
    CHECK(store->get_key("AAAA").error().code == StoreError::Code::NotFound);
    CHECK(store->put_key({"", "x", 0, 0, ""}).error().code == StoreError::Code::InvalidArgument);
}

TEST_CASE("daily counters add up per UTC day and read back by range", "[store][stats]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    const UnixTime day5 = 5 * 86400;
    StatDelta received[] = {{"received", 1}, {"pooled", 1}};
    REQUIRE(store->add_stats(day5 + 10, received));
    REQUIRE(store->add_stats(day5 + 86399, received));
    StatDelta dropped[] = {{"dropped-replay", 3}};
    REQUIRE(store->add_stats(day5 + 86400, dropped));
    // Stats that ride along with an enqueue count on the enqueue's day.
    StatDelta pooled[] = {{"pooled", 1}};
    REQUIRE(store->enqueue_with_replay({bv("h"), 1}, item("m", day5 + 5), pooled));

    auto day = store->read_stats(5, 5);
    REQUIRE(day);
    REQUIRE(day->size() == 2);
    CHECK((*day)[0].counter == "pooled");
    CHECK((*day)[0].value == 3);
    CHECK((*day)[1].counter == "received");
    CHECK((*day)[1].value == 2);
    auto both = store->read_stats(5, 6);
    REQUIRE(both->size() == 3);
    CHECK((*both)[2].day == 6);
    CHECK((*both)[2].value == 3);
    CHECK(store->read_stats(7, 100)->empty());
}

TEST_CASE("sweeps forget expired replay entries and rows past give_up_at", "[store][sweep]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    REQUIRE(store->record_replay({bv("old"), 100}));
    REQUIRE(store->record_replay({bv("new"), 1000}));
    NewPoolItem expiring = item("s", 0);
    expiring.give_up_at = 400;
    PoolId given_up = *store->enqueue(expiring);
    PoolId pooled = *store->enqueue(item("p", 0));

    auto report = store->sweep(500, "failed");
    REQUIRE(report);
    CHECK(report->replay == 1);
    CHECK(report->pool == 1);
    CHECK(report->parts == 0);
    CHECK_FALSE(*store->replay_seen(bv("old")));
    CHECK(*store->replay_seen(bv("new")));
    CHECK(store->get(given_up).error().code == StoreError::Code::NotFound);
    CHECK(store->get(pooled)->state == PoolState::Pooled);  // never swept
    // An entry expiring exactly now is still kept (strictly older goes).
    CHECK(*store->sweep_replay(1000) == 0);
    CHECK(*store->sweep_replay(1001) == 1);
}
