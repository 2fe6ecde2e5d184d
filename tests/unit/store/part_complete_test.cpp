// SPDX-License-Identifier: BSD-2-Clause
// part_complete_test.cpp - Store::add_part_and_complete and
// close_set_with_replay: the last part and the hand-out in one
// transaction, closed ids, the first copy of a part number kept, and the
// caps on the buffer, each checked inside that transaction.
#include "tests/unit/store/store_test_util.h"

using namespace mixtasy;
using namespace mixtasy::store;
using namespace mixtasy::store::test;

namespace {

// Builds one exit row of the joined parts and remembers what it saw.
struct Builder {
    int calls = 0;
    std::string last;
    bool fail = false;
    PartsAssembler assembler() {
        return [this](const std::vector<Bytes>& parts) -> Result<std::vector<NewPoolItem>> {
            ++calls;
            if (fail) return Unexpected{StoreError{StoreError::Code::Io, "keys not loaded"}};
            last.clear();
            for (const auto& p : parts) last += as_chars(p);
            return std::vector<NewPoolItem>{item(last, 1000, PoolKind::Exit)};
        };
    }
};

struct Fixture {
    TempDir dir;
    std::unique_ptr<Store> store = open_store(dir.file("node.db"));
    Builder builder;
    PartQuota quota;
    const StatDelta reassembled[1] = {{"reassembled", 1}};
    const StatDelta counted[1] = {{"part", 1}};

    Result<PartStored> add(std::string_view hash, const NewPart& part) {
        const std::string mark = "closed:" + part.mixtasy_id;
        const PartCompletion completion{builder.assembler(), bv(mark), 9000, reassembled};
        return store->add_part_and_complete({bv(hash), 9000, 1000}, part, quota, completion,
                                            counted);
    }
    std::int64_t stat(std::string_view name) {
        auto rows = store->read_stats(0, 0);
        REQUIRE(rows);
        for (const auto& row : *rows)
            if (row.counter == name) return row.value;
        return 0;
    }
};

}  // namespace

TEST_CASE("add_part_and_complete: the last part and the hand-out are one transaction",
          "[store][parts]") {
    Fixture f;
    auto a = f.add("h1", part_of("S", 1, 3, "A"));
    REQUIRE(a);
    CHECK(a->refused == PartRefusal::None);
    CHECK(a->added.inserted);
    CHECK_FALSE(a->handed_out);
    REQUIRE(f.add("h3", part_of("S", 3, 3, "C")));
    auto last = f.add("h2", part_of("S", 2, 3, "B"));
    REQUIRE(last);
    CHECK(last->handed_out);
    REQUIRE(last->pooled.size() == 1);
    CHECK(as_chars(f.store->get(last->pooled[0])->bytes) == "ABC");
    CHECK(*f.store->count_parts("S") == 0);
    CHECK(*f.store->replay_seen(bv("closed:S")));  // the id is closed
    CHECK(*f.store->replay_seen(bv("h2")));
    CHECK(f.stat("part") == 3);
    CHECK(f.stat("reassembled") == 1);
}

TEST_CASE("add_part_and_complete: an assembler error writes nothing, a retry completes",
          "[store][parts]") {
    Fixture f;
    REQUIRE(f.add("h1", part_of("R", 1, 2, "A")));
    f.builder.fail = true;
    auto failed = f.add("h2", part_of("R", 2, 2, "B"));
    REQUIRE_FALSE(failed);
    CHECK(failed.error().code == StoreError::Code::Io);
    // Neither the part nor its replay entry: the MTA's retry is not a replay.
    CHECK(*f.store->count_parts("R") == 1);
    CHECK_FALSE(*f.store->replay_seen(bv("h2")));
    CHECK_FALSE(*f.store->replay_seen(bv("closed:R")));
    f.builder.fail = false;
    auto retry = f.add("h2", part_of("R", 2, 2, "B"));
    REQUIRE(retry);
    CHECK(retry->handed_out);
    CHECK(f.builder.last == "AB");
}

TEST_CASE("add_part_and_complete: a closed id refuses every later part", "[store][parts]") {
    Fixture f;
    REQUIRE(f.add("h1", part_of("C", 1, 1, "whole"))->handed_out);
    // The same set again (fresh hashes, same id): refused, nothing stored.
    auto again = f.add("h1-again", part_of("C", 1, 1, "whole"));
    REQUIRE(again);
    CHECK(again->refused == PartRefusal::Closed);
    CHECK_FALSE(again->handed_out);
    CHECK(*f.store->replay_seen(bv("h1-again")));  // burnt all the same
    CHECK(*f.store->count_parts("C") == 0);
    CHECK(f.builder.calls == 1);
    CHECK(f.stat("part") == 1);  // refused parts count nothing
}

TEST_CASE("add_part_and_complete: a second copy of a part number is ignored, the first stays",
          "[store][parts]") {
    Fixture f;
    REQUIRE(f.add("h1", part_of("D", 1, 2, "first")));
    auto copy = f.add("h1b", part_of("D", 1, 2, "other"));
    REQUIRE(copy);
    CHECK(copy->refused == PartRefusal::None);
    CHECK_FALSE(copy->added.inserted);
    CHECK(copy->added.present == 1);
    REQUIRE(f.add("h2", part_of("D", 2, 2, "+second"))->handed_out);
    CHECK(f.builder.last == "first+second");
}

TEST_CASE("add_part_and_complete: another total destroys the set and closes the id",
          "[store][parts]") {
    Fixture f;
    REQUIRE(f.add("h1", part_of("T", 1, 3, "A")));
    auto liar = f.add("h2", part_of("T", 2, 2, "B"));
    REQUIRE(liar);
    CHECK(liar->refused == PartRefusal::OtherTotal);
    CHECK(*f.store->count_parts("T") == 0);
    CHECK(*f.store->replay_seen(bv("closed:T")));
    CHECK(f.add("h3", part_of("T", 2, 3, "B"))->refused == PartRefusal::Closed);
}

TEST_CASE("add_part_and_complete: the caps refuse a part and destroy its set", "[store][parts]") {
    Fixture f;
    SECTION("bytes of one set") {
        f.quota.max_set_bytes = 5;
        REQUIRE(f.add("h1", part_of("B", 1, 2, "abc"))->refused == PartRefusal::None);
        CHECK(f.add("h2", part_of("B", 2, 2, "def"))->refused == PartRefusal::SetTooLarge);
        CHECK(*f.store->count_parts("B") == 0);
        CHECK(f.builder.calls == 0);
    }
    SECTION("a copy of a stored part number meets no cap, and its set stays") {
        f.quota.max_set_bytes = 5;
        f.quota.max_bytes = 5;
        REQUIRE(f.add("h1", part_of("K", 1, 2, "abc"))->refused == PartRefusal::None);
        auto copy = f.add("h1b", part_of("K", 1, 2, "abcd"));
        REQUIRE(copy);
        CHECK(copy->refused == PartRefusal::None);
        CHECK_FALSE(copy->added.inserted);
        CHECK(*f.store->count_parts("K") == 1);
    }
    SECTION("open sets: only a new set is refused") {
        f.quota.max_sets = 2;
        REQUIRE(f.add("a1", part_of("A", 1, 3, "a"))->refused == PartRefusal::None);
        REQUIRE(f.add("b1", part_of("B", 1, 2, "b"))->refused == PartRefusal::None);
        CHECK(f.add("c1", part_of("C", 1, 2, "c"))->refused == PartRefusal::TooManySets);
        CHECK(f.add("a2", part_of("A", 2, 3, "a"))->refused == PartRefusal::None);
        CHECK(f.add("b2", part_of("B", 2, 2, "b"))->handed_out);
        CHECK(f.add("d1", part_of("D", 1, 2, "d"))->refused == PartRefusal::None);  // room again
    }
    SECTION("bytes of the whole buffer") {
        f.quota.max_bytes = 8;
        REQUIRE(f.add("a1", part_of("A", 1, 2, "aaaa"))->refused == PartRefusal::None);
        REQUIRE(f.add("b1", part_of("B", 1, 2, "bbbb"))->refused == PartRefusal::None);
        CHECK(f.add("b2", part_of("B", 2, 2, "b"))->refused == PartRefusal::BufferFull);
        CHECK(*f.store->count_parts("B") == 0);  // destroyed: it could never complete
        CHECK(*f.store->count_parts("A") == 1);
    }
    SECTION("a window counts only recent parts") {
        f.quota.recent_after = 3000;
        f.quota.max_recent_sets = 1;
        f.quota.max_recent_bytes = 6;
        REQUIRE(f.add("o1", part_of("OLD", 1, 2, "oooooooo", 2500))->refused == PartRefusal::None);
        REQUIRE(f.add("n1", part_of("N", 1, 3, "nnn", 5000))->refused == PartRefusal::None);
        CHECK(f.add("m1", part_of("M", 1, 2, "m", 5000))->refused == PartRefusal::RecentSets);
        CHECK(f.add("n2", part_of("N", 2, 3, "nnnn", 5000))->refused == PartRefusal::RecentBytes);
        CHECK(*f.store->count_parts("OLD") == 1);
    }
}

TEST_CASE("close_set_with_replay destroys a set in one transaction", "[store][parts]") {
    Fixture f;
    REQUIRE(f.add("h2", part_of("P", 2, 2, "B")));
    REQUIRE(f.store->close_set_with_replay({bv("h1"), 9000, 1000}, "P", {bv("closed:P"), 9000, 0}));
    CHECK(*f.store->count_parts("P") == 0);
    CHECK(*f.store->replay_seen(bv("h1")));
    CHECK(f.add("h3", part_of("P", 1, 2, "A"))->refused == PartRefusal::Closed);
    // A replay writes nothing.
    REQUIRE(f.add("q1", part_of("Q", 1, 2, "A")));
    auto replay =
        f.store->close_set_with_replay({bv("q1"), 9000, 1000}, "Q", {bv("closed:Q"), 9000, 0});
    REQUIRE_FALSE(replay);
    CHECK(replay.error().code == StoreError::Code::Replay);
    CHECK(*f.store->count_parts("Q") == 1);
}
