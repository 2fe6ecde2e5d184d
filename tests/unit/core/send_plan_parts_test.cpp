// SPDX-License-Identifier: BSD-2-Clause
// Tests of independent paths per part (seed 000: the parts of a multipart
// original share the exit and take independent random paths before it):
// core/sender/creator.h's create_messages_on_paths and part_count, and
// core/sender/send_plan.h, which draws one route per part.
#include <catch2/catch.hpp>

#include <set>
#include <string>
#include <vector>

#include "core/sender/creator.h"
#include "core/sender/send_plan.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::unit;

namespace {

std::string original_of(std::size_t size) {
    std::string original = "To: bob@far.example\r\nSubject: parts\r\n\r\n";
    for (std::size_t line = 0; original.size() < size; ++line)
        original += "line " + std::to_string(line) + " of a multipart original\r\n";
    return original;
}

std::vector<std::string> path_of(std::initializer_list<int> mixes) {
    std::vector<std::string> out;
    for (int i : mixes) out.push_back(mix_address(static_cast<std::size_t>(i)));
    return out;
}

// Peels part `m` along `route` at the real mix keys: each mix must forward
// it to the route's next mix, the last must deliver it.
Peeled follow(UnitMixes& mixes, const std::vector<std::string>& route, const CreatedMessage& m) {
    REQUIRE(m.first_hop == route.front());
    Bytes at_exit = mixes.forward_along(route, m.message, route.size() - 1);
    return mixes.peel_at(route.back(), at_exit);
}

}  // namespace

TEST_CASE("creator: part_count is the number of parts create_messages makes", "[core][creator]") {
    UnitMixes mixes(4);
    const auto path = path_of({0, 1, 2, 3});
    for (std::size_t size : {100u, 20000u, 21000u, 45000u, 130000u}) {
        CAPTURE(size);
        const std::string original = original_of(size);
        auto created =
            create_messages(mixes.ring, path, as_bytes(original), mixes.now, mixes.random);
        REQUIRE(created);
        CHECK(part_count(original.size()) == created->size());
    }
    CHECK(part_count(std::size_t{1} << 30) == 0);
}

TEST_CASE("creator: each part travels its own path to the shared exit", "[core][creator]") {
    UnitMixes mixes(6);
    const std::string original = original_of(45000);
    REQUIRE(part_count(original.size()) == 3);
    const std::vector<std::vector<std::string>> paths = {
        path_of({0, 1, 2, 5}), path_of({3, 4, 0, 5}), path_of({2, 0, 4, 5})};
    auto created =
        create_messages_on_paths(mixes.ring, paths, as_bytes(original), mixes.now, mixes.random);
    if (!created) FAIL(created.error().detail);
    REQUIRE(created->size() == 3);
    std::string joined;
    for (std::size_t i = 0; i < 3; ++i) {
        CAPTURE(i);
        Peeled p = follow(mixes, paths[i], (*created)[i]);
        REQUIRE(p.kind == Peeled::Kind::Final);
        CHECK(p.fields.part.number == i + 1);
        joined += text_of(p.message);
    }
    CHECK(joined == original);
}

TEST_CASE("creator: per-part paths must match the parts and share the exit", "[core][creator]") {
    UnitMixes mixes(6);
    const std::string original = original_of(45000);
    const auto refused = [&](const std::vector<std::vector<std::string>>& paths) {
        auto r = create_messages_on_paths(mixes.ring, paths, as_bytes(original), mixes.now,
                                          mixes.random);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == CreateError::Code::BadPath);
        return r.error().detail;
    };
    CHECK(refused({path_of({0, 1, 2, 5}), path_of({3, 4, 0, 5})}) == "2 paths for 3 parts");
    CHECK(refused({path_of({0, 1, 2, 5}), path_of({3, 4, 0, 5}), path_of({2, 0, 5, 4})}) ==
          "the parts' paths end at different exits");
    CHECK(refused({}) == "no path");
    // The exit compared as every address is: case-insensitively.
    auto upper = path_of({3, 4, 0, 5});
    upper.back() = "MIXTASY@N5.EXAMPLE";
    auto ok = create_messages_on_paths(
        mixes.ring, std::vector{path_of({0, 1, 2, 5}), upper, path_of({2, 0, 4, 5})},
        as_bytes(original), mixes.now, mixes.random);
    CHECK(ok);
}

// The property: over several seeds, every part of a multipart plan reaches
// one exit along its own route, and the routes before the exit are drawn
// independently (they differ; identical prefixes for all parts of one
// message would have probability (1/150)^2 per seed with eight mixes).
TEST_CASE("send plan: a multipart original's parts take independent paths", "[core][original]") {
    UnitMixes mixes(8);
    const std::string original = original_of(45000);
    const std::size_t parts = part_count(original.size());
    REQUIRE(parts == 3);
    for (std::uint64_t seed = 1; seed <= 6; ++seed) {
        CAPTURE(seed);
        DeterministicRandom random{seed};
        auto plan = plan_send(mixes.ring, as_bytes(original), {}, mixes.now, random);
        if (!plan) FAIL(plan.error().detail);
        REQUIRE(plan->size() == 1);
        const PlannedMessage& m = plan->front();
        REQUIRE(m.parts.size() == parts);
        REQUIRE(m.routes.size() == parts);
        std::set<std::vector<std::string>> prefixes;
        std::string joined;
        for (std::size_t i = 0; i < parts; ++i) {
            CAPTURE(i);
            CHECK(check_path(m.routes[i], kMinRouteLength));
            CHECK(m.routes[i].back() == m.routes[0].back());
            prefixes.insert(std::vector<std::string>(m.routes[i].begin(), m.routes[i].end() - 1));
            Peeled p = follow(mixes, m.routes[i], m.parts[i]);
            REQUIRE(p.kind == Peeled::Kind::Final);
            joined += text_of(p.message);
        }
        CHECK(prefixes.size() > 1);
        CHECK(joined.find("line 1000 of a multipart original") != std::string::npos);
    }
}
