// SPDX-License-Identifier: BSD-2-Clause
// parts_test.cpp - the multipart reassembly buffer.
#include "tests/unit/store/store_test_util.h"

using namespace mixtasy;
using namespace mixtasy::store;
using namespace mixtasy::store::test;

namespace {

std::string joined(const std::vector<Bytes>& parts) {
    std::string out;
    for (const auto& p : parts) out += as_chars(p);
    return out;
}

}  // namespace

TEST_CASE("parts are counted, a duplicate ignored, a complete set handed out once in order",
          "[store][parts]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    auto a = store->add_part_with_replay({bv("r3"), 9}, part_of("ID", 3, 3, "C"));
    REQUIRE(a);
    CHECK(a->inserted);
    CHECK(a->present == 1);
    CHECK_FALSE(a->complete());
    REQUIRE(store->add_part_with_replay({bv("r1"), 9}, part_of("ID", 1, 3, "A")));
    auto dup = store->add_part_with_replay({bv("r1-again"), 9}, part_of("ID", 1, 3, "A'"));
    REQUIRE(dup);
    CHECK_FALSE(dup->inserted);
    CHECK(dup->present == 2);
    CHECK(*store->replay_seen(bv("r1-again")));  // the message was still seen
    CHECK(*store->count_parts("ID") == 2);
    CHECK_FALSE(*store->take_parts("ID"));  // incomplete: nothing handed out
    CHECK(*store->count_parts("ID") == 2);  // ... and nothing deleted

    auto last = store->add_part_with_replay({bv("r2"), 9}, part_of("ID", 2, 3, "B"));
    REQUIRE(last);
    CHECK(last->complete());
    auto set = store->take_parts("ID");
    REQUIRE(set);
    REQUIRE(*set);
    CHECK(joined(**set) == "ABC");
    CHECK(*store->count_parts("ID") == 0);
    CHECK_FALSE(*store->take_parts("ID"));  // handed out once
}

TEST_CASE("a replayed part is refused whole", "[store][parts]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    REQUIRE(store->add_part_with_replay({bv("r"), 9}, part_of("ID", 1, 2, "A")));
    auto again = store->add_part_with_replay({bv("r"), 9}, part_of("ID", 2, 2, "B"));
    REQUIRE_FALSE(again);
    CHECK(again.error().code == StoreError::Code::Replay);
    CHECK(*store->count_parts("ID") == 1);
}

TEST_CASE("part numbers and totals are checked", "[store][parts][limits]") {
    TempDir dir;
    SqliteOptions options = options_for(dir.file("node.db"));
    options.limits.max_parts = 8;
    auto store = open_store(options);
    CHECK(store->add_part(part_of("X", 0, 2, "a")).error().code ==
          StoreError::Code::InvalidArgument);
    CHECK(store->add_part(part_of("X", 3, 2, "a")).error().code ==
          StoreError::Code::InvalidArgument);
    CHECK(store->add_part(part_of("X", 1, 9, "a")).error().code ==
          StoreError::Code::InvalidArgument);
    CHECK(store->add_part(part_of("", 1, 1, "a")).error().code ==
          StoreError::Code::InvalidArgument);
    REQUIRE(store->add_part(part_of("X", 1, 2, "a")));
    // A hostile part announcing a smaller total cannot complete the set early.
    auto liar = store->add_part_with_replay({bv("liar"), 9}, part_of("X", 1, 1, "evil"));
    REQUIRE_FALSE(liar);
    CHECK(liar.error().code == StoreError::Code::InvalidArgument);
    CHECK_FALSE(*store->replay_seen(bv("liar")));
    CHECK_FALSE(*store->take_parts("X"));
}

TEST_CASE("a single-part set is complete at once", "[store][parts]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    auto one = store->add_part(part_of("S", 1, 1, "whole"));
    REQUIRE(one);
    CHECK(one->complete());
    CHECK(joined(**store->take_parts("S")) == "whole");
}

TEST_CASE("take_parts_and_enqueue moves a complete set into the pool atomically",
          "[store][parts]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    REQUIRE(store->add_part(part_of("M", 1, 2, "Hello, ")));
    REQUIRE(store->add_part(part_of("M", 2, 2, "world")));
    std::string assembled;
    PartsAssembler assemble =
        [&](const std::vector<Bytes>& parts) -> Expected<std::vector<NewPoolItem>, StoreError> {
        assembled = joined(parts);
        return std::vector<NewPoolItem>{item(assembled, 2000, PoolKind::Exit)};
    };

    SECTION("success") {
        StatDelta delivered[] = {{"reassembled", 1}};
        auto ids = store->take_parts_and_enqueue("M", 2000, assemble, delivered);
        REQUIRE(ids);
        REQUIRE(*ids);
        REQUIRE((*ids)->size() == 1);
        auto row = store->get((**ids)[0]);
        CHECK(as_chars(row->bytes) == "Hello, world");
        CHECK(row->kind == PoolKind::Exit);
        CHECK(*store->count_parts("M") == 0);
        CHECK((*store->read_stats(0, 0))[0].counter == "reassembled");
    }
    SECTION("the assembler fails: parts are kept, nothing is enqueued") {
        PartsAssembler failing =
            [](const std::vector<Bytes>&) -> Expected<std::vector<NewPoolItem>, StoreError> {
            return Unexpected{StoreError{StoreError::Code::InvalidArgument, "bad set"}};
        };
        auto ids = store->take_parts_and_enqueue("M", 2000, failing);
        REQUIRE_FALSE(ids);
        CHECK(*store->count_parts("M") == 2);
        CHECK(*store->count_ready(3000) == 0);
    }
    SECTION("the assembler drops the set") {
        PartsAssembler dropping =
            [](const std::vector<Bytes>&) -> Expected<std::vector<NewPoolItem>, StoreError> {
            return std::vector<NewPoolItem>{};
        };
        auto ids = store->take_parts_and_enqueue("M", 2000, dropping);
        REQUIRE(ids);
        REQUIRE(*ids);
        CHECK((*ids)->empty());
        CHECK(*store->count_parts("M") == 0);
    }
    SECTION("incomplete sets are left alone") {
        REQUIRE(store->add_part(part_of("N", 1, 2, "x")));
        auto ids = store->take_parts_and_enqueue("N", 2000, assemble);
        REQUIRE(ids);
        CHECK_FALSE(*ids);
        CHECK(*store->count_parts("N") == 1);
    }
}

TEST_CASE("sweep_parts removes whole sets once one part expired", "[store][parts][sweep]") {
    TempDir dir;
    auto store = open_store(dir.file("node.db"));
    REQUIRE(store->add_part(part_of("OLD", 1, 3, "a", 100)));
    REQUIRE(store->add_part(part_of("OLD", 2, 3, "b", 900)));
    REQUIRE(store->add_part(part_of("NEW", 1, 2, "c", 900)));
    auto swept = store->sweep_parts(500);
    REQUIRE(swept);
    CHECK(*swept == 2);
    CHECK(*store->count_parts("OLD") == 0);
    CHECK(*store->count_parts("NEW") == 1);
}
