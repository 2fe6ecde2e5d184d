// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/node/dummy_maker.h: the shape of cover traffic (the same as
// a forward's), the mixes its path may visit (never the node itself, only
// middlemen before the last hop), and the one warning when there are none.
#include "core/node/dummy_maker.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/format/mix_format.h"
#include "core/ports/clock.h"
#include "core/sender/creator.h"
#include "core_test_support.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::unit;

namespace {

const std::string kOriginal = "To: bob@dest.example\r\nSubject: hi\r\n\r\nHello.\r\n";

// The field names of a message's header, in order.
std::vector<std::string> header_names(ByteView message) {
    std::vector<std::string> names;
    const std::string text = text_of(message);
    std::size_t at = 0;
    while (true) {
        const std::size_t eol = text.find("\r\n", at);
        REQUIRE(eol != std::string::npos);
        if (eol == at) return names;
        const std::string line = text.substr(at, eol - at);
        names.push_back(line.substr(0, line.find(':')));
        at = eol + 2;
    }
}

// Peels a dummy hop by hop; returns the mixes it visited and what the last
// one made of it.
struct Walk {
    std::vector<std::string> hops;
    Peeled last;
};

Walk walk(UnitMixes& mixes, const store::NewPoolItem& dummy) {
    Walk w;
    std::string hop = dummy.next_hop;
    Bytes message = dummy.bytes;
    for (int i = 0; i < 8; ++i) {
        w.hops.push_back(hop);
        w.last = mixes.peel_at(hop, message);
        if (w.last.kind != Peeled::Kind::Forward) return w;
        hop = w.last.next_hop;
        message = w.last.message;
    }
    FAIL("a dummy longer than 8 hops");
    return w;
}

}  // namespace

TEST_CASE("dummy maker: a dummy has a forward's header fields and length", "[core][dummy]") {
    UnitMixes mixes(4);
    ManualClock clock(mixes.now);
    const std::string own = mix_address(0);
    CreatorDummyFactory factory(mixes.ring, own, clock);
    auto dummy = factory.make_dummy(mixes.random);
    REQUIRE(dummy);
    CHECK(dummy->envelope_from == own);
    const std::string next = dummy->next_hop;

    // A real message through this node to the same next hop.
    const std::vector<std::string> path{own, next, own, next};
    auto created = create_messages(mixes.ring, path, as_bytes(kOriginal), mixes.now, mixes.random);
    REQUIRE(created);
    Peeled forward = mixes.peel_at(own, created->front().message);
    REQUIRE(forward.kind == Peeled::Kind::Forward);
    REQUIRE(forward.next_hop == next);

    CHECK(header_names(dummy->bytes) == header_names(forward.message));
    const std::vector<std::string> forward_fields{"From", "Remailer-Type", "To"};
    CHECK(header_names(dummy->bytes) == forward_fields);
    CHECK(dummy->bytes.size() == forward.message.size());
}

TEST_CASE("dummy maker: the node itself is never on a dummy's path", "[core][dummy]") {
    UnitMixes mixes(3);
    ManualClock clock(mixes.now);
    const std::string own = mix_address(0);
    CreatorDummyFactory factory(mixes.ring, own, clock);
    for (int i = 0; i < 40; ++i) {
        CAPTURE(i);
        auto dummy = factory.make_dummy(mixes.random);
        REQUIRE(dummy);
        const Walk w = walk(mixes, *dummy);
        CHECK(w.last.kind == Peeled::Kind::Dummy);
        for (const auto& hop : w.hops) CHECK(hop != own);
    }
}

TEST_CASE("dummy maker: only middlemen carry a dummy on, any mode may end it", "[core][dummy]") {
    UnitMixes mixes(1);
    mixes.add("mixtasy@middle.example", {"middleman"});
    mixes.add("mixtasy@middle2.example", {"middleman"});
    mixes.add("mixtasy@exit.example", {"exitpublic"});
    ManualClock clock(mixes.now);
    CreatorDummyFactory factory(mixes.ring, mix_address(0), clock);
    bool exit_ended_one = false;
    for (int i = 0; i < 60; ++i) {
        CAPTURE(i);
        auto dummy = factory.make_dummy(mixes.random);
        REQUIRE(dummy);
        const Walk w = walk(mixes, *dummy);
        // An exit-only mix inside the path would destroy it as wrong-mode.
        REQUIRE(w.last.kind == Peeled::Kind::Dummy);
        CHECK(w.hops.size() <= kMaxDummyPath);
        for (std::size_t h = 0; h + 1 < w.hops.size(); ++h)
            CHECK(w.hops[h] != "mixtasy@exit.example");
        if (w.hops.back() == "mixtasy@exit.example") exit_ended_one = true;
    }
    CHECK(exit_ended_one);
}

TEST_CASE("dummy maker: with one other mix the dummy goes to it alone", "[core][dummy]") {
    UnitMixes mixes(2);
    ManualClock clock(mixes.now);
    CreatorDummyFactory factory(mixes.ring, mix_address(0), clock);
    for (int i = 0; i < 5; ++i) {
        auto dummy = factory.make_dummy(mixes.random);
        REQUIRE(dummy);
        const Walk w = walk(mixes, *dummy);
        CHECK(w.hops == std::vector<std::string>{mix_address(1)});
        CHECK(w.last.kind == Peeled::Kind::Dummy);
    }
}

TEST_CASE("dummy maker: no other mix, no dummy, and one warning", "[core][dummy]") {
    mixtasy::core::testing::LogCapture captured;
    UnitMixes mixes(2);
    ManualClock clock(mixes.now);
    CreatorDummyFactory factory(KeyRing{}, mix_address(0), clock);
    CHECK_FALSE(factory.make_dummy(mixes.random));
    CHECK_FALSE(factory.make_dummy(mixes.random));
    CHECK(captured.lines().size() == 1);
    // A ring of only ourselves is no better.
    UnitMixes alone(1);
    factory.set_ring(alone.ring);
    CHECK_FALSE(factory.make_dummy(mixes.random));
    CHECK(captured.lines().size() == 1);
    // Possible again, then impossible again: warned again, once.
    factory.set_ring(mixes.ring);
    CHECK(factory.make_dummy(mixes.random));
    factory.set_ring(KeyRing{});
    CHECK_FALSE(factory.make_dummy(mixes.random));
    CHECK_FALSE(factory.make_dummy(mixes.random));
    const auto lines = captured.lines();
    REQUIRE(lines.size() == 2);
    CHECK(lines[1].find("cover traffic impossible") != std::string::npos);
}
