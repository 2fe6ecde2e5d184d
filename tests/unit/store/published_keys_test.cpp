// SPDX-License-Identifier: BSD-2-Clause
// published_keys_test.cpp - the keys of seed 004's key service (store.h,
// "published keys", schema v3): put, replace, get, refusals, and that they
// survive reopening the file.
#include "tests/unit/store/store_test_util.h"

using namespace mixtasy;
using namespace mixtasy::store;
using namespace mixtasy::store::test;

TEST_CASE("published keys: put, replace, get, refusals", "[store][published]") {
    TempDir dir;
    const Bytes first{0x98, 0x33, 0x04, 1};
    const Bytes second{0x98, 0x33, 0x04, 2};
    {
        auto store = open_store(dir.file("node.db"));
        CHECK(store->get_published_key("alice@example.net").error().code ==
              StoreError::Code::NotFound);
        REQUIRE(store->put_published_key("alice@example.net", first, 100));
        CHECK(*store->get_published_key("alice@example.net") == first);
        REQUIRE(store->put_published_key("alice@example.net", second, 200));
        CHECK(*store->get_published_key("alice@example.net") == second);
        CHECK(store->put_published_key("", first, 1).error().code ==
              StoreError::Code::InvalidArgument);
        CHECK(store->put_published_key(std::string(2000, 'a'), first, 1).error().code ==
              StoreError::Code::InvalidArgument);
        CHECK(store->put_published_key("big@example.net", Bytes(2 << 20, 0), 1).error().code ==
              StoreError::Code::InvalidArgument);
    }
    auto again = open_store(dir.file("node.db"));
    CHECK(*again->get_published_key("alice@example.net") == second);
}
