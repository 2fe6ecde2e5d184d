// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/sender/send_plan.h: one planned message per recipient,
// each on its own route under seed 000's rules, refusals before any
// message is made.
#include <catch2/catch.hpp>

#include <string>

#include "core/sender/send_plan.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::unit;

TEST_CASE("send plan: one message per recipient, each with its own route", "[core][original]") {
    UnitMixes mixes(5);
    DeterministicRandom random{3};
    const std::string original =
        "From: a@home.test\r\nTo: b@far.test, c@far.test\r\nBcc: d@far.test\r\n\r\nhi\r\n";
    auto plan = plan_send(mixes.ring, as_bytes(original), {}, from_unix(kEpoch), random);
    REQUIRE(plan);
    REQUIRE(plan->size() == 3);
    CHECK((*plan)[0].recipient == "b@far.test");
    CHECK((*plan)[2].recipient == "d@far.test");
    for (const auto& m : *plan) {
        REQUIRE(m.routes.size() == 1);
        CHECK(check_path(m.routes[0], kMinRouteLength));
        REQUIRE(m.parts.size() == 1);
        CHECK(m.parts[0].first_hop == m.routes[0].front());
    }
}

TEST_CASE("send plan: refusals name their stage", "[core][original]") {
    UnitMixes mixes(5);
    DeterministicRandom random{4};
    const Instant now = from_unix(kEpoch);
    auto none = plan_send(mixes.ring, as_bytes("Subject: x\r\n\r\nb\r\n"), {}, now, random);
    CHECK(none.error().code == SendError::Code::Original);
    SendRequest three;
    three.route.chain = {"*", "*", "*"};
    auto path = plan_send(mixes.ring, as_bytes("To: b@far.test\r\n\r\nb\r\n"), three, now, random);
    CHECK(path.error().code == SendError::Code::Path);
    // Three days on, every subkey has expired: the creator refuses.
    auto late = plan_send(mixes.ring, as_bytes("To: b@far.test\r\n\r\nb\r\n"), {},
                          from_unix(kEpoch + 3 * 24 * 3600), random);
    CHECK(late.error().code == SendError::Code::Create);
}
