// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/sender/path.h.
#include "core/sender/path.h"

#include <catch2/catch.hpp>

#include <map>

using namespace mixtasy;
using namespace mixtasy::core;

TEST_CASE("path: protocol rules", "[core][path]") {
    std::vector<std::string> ok{"a", "b", "a", "c"};
    CHECK(check_path(ok, 4));
    std::vector<std::string> three{"a", "b", "c"};
    CHECK(check_path(three, 4).error() == PathError::TooShort);
    std::vector<std::string> twice{"a", "b", "b", "c"};
    CHECK(check_path(twice, 4).error() == PathError::Repeated);
}

TEST_CASE("path: random paths never repeat a mix in a row", "[core][path]") {
    DeterministicRandom random(7);
    std::vector<std::string> mixes{"a", "b", "c", "d", "e"};
    std::map<std::string, int> seen;
    for (int i = 0; i < 2000; ++i) {
        auto p = choose_path(mixes, {8, std::nullopt, std::nullopt}, random);
        REQUIRE(p);
        REQUIRE(p->size() == 8);
        REQUIRE(check_path(*p, 8));
        for (auto& m : *p) ++seen[m];
    }
    // every mix is used, roughly uniformly (16000 draws / 5 = 3200 each)
    for (auto& m : mixes) {
        CHECK(seen[m] > 2800);
        CHECK(seen[m] < 3600);
    }
}

TEST_CASE("path: pinned ends and scarce candidates", "[core][path]") {
    DeterministicRandom random(1);
    std::vector<std::string> two{"a", "b"};
    auto p = choose_path(two, {4, std::string("a"), std::string("b")}, random);
    REQUIRE(p);
    CHECK(*p == std::vector<std::string>{"a", "b", "a", "b"});
    std::vector<std::string> one{"a"};
    CHECK(choose_path(one, {4, std::nullopt, std::nullopt}, random).error() ==
          PathError::NoCandidates);
    CHECK(choose_path(one, {1, std::nullopt, std::nullopt}, random));
    std::vector<std::string> none;
    CHECK(choose_path(none, {1, std::nullopt, std::nullopt}, random).error() ==
          PathError::NoCandidates);
    // a-?-a with only {a, b}: b; length 3 with first=a, last=a works
    auto q = choose_path(two, {3, std::string("a"), std::string("a")}, random);
    REQUIRE(q);
    CHECK((*q)[1] == "b");
}

TEST_CASE("path: the same mix twice in a row is caught whatever its case", "[core][path]") {
    // Issue 11, Low 3.
    std::vector<std::string> path{"mixtasy@mix1.test", "MIXTASY@mix1.test", "mixtasy@mix2.test",
                                  "mixtasy@mix3.test"};
    CHECK(check_path(path, 4).error() == PathError::Repeated);
    DeterministicRandom random(3);
    std::vector<std::string> one_mix_two_spellings{"mixtasy@a.test", "MIXTASY@A.TEST"};
    CHECK(choose_path(one_mix_two_spellings, {4, std::nullopt, std::nullopt}, random).error() ==
          PathError::NoCandidates);
}
