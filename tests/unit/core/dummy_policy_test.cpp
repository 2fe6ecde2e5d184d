// SPDX-License-Identifier: BSD-2-Clause
// Dummy counts (seed 000 6.6, Mixmaster v2 3.2): means, minimums, caps, and
// the distribution helpers of core/ports/random.h they rest on.
#include "core/pool/dummy_policy.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <set>

#include "core/ports/random.h"

using namespace mixtasy::core;

TEST_CASE("random: deterministic stream repeats per seed", "[random]") {
    DeterministicRandom a(42), b(42), c(43);
    const auto xa = a.bytes(64);
    CHECK(xa == b.bytes(64));
    CHECK(xa != c.bytes(64));
}

TEST_CASE("random: system rng gives distinct output", "[random]") {
    SystemRandom r;
    CHECK(r.bytes(32) != r.bytes(32));
    CHECK(r.bytes(0).empty());
}

TEST_CASE("random: uniform stays in range and hits every value", "[random]") {
    DeterministicRandom r(1);
    CHECK(r.uniform(0) == 0);
    CHECK(r.uniform(1) == 0);
    std::array<int, 7> hits{};
    for (int i = 0; i < 7000; ++i) {
        const auto v = r.uniform(7);
        REQUIRE(v < 7);
        ++hits[v];
    }
    for (int h : hits) CHECK(h > 850);  // expected 1000 each
    for (int i = 0; i < 1000; ++i) {
        const auto v = r.between(10, 13);
        REQUIRE(v >= 10);
        REQUIRE(v <= 13);
    }
    CHECK(r.between(5, 5) == 5);
    const auto big = std::numeric_limits<std::uint64_t>::max();
    (void)r.between(0, big);  // no overflow, no hang
    CHECK(r.uniform(big) < big);
}

TEST_CASE("random: unit interval", "[random]") {
    DeterministicRandom r(2);
    double sum = 0;
    for (int i = 0; i < 10000; ++i) {
        const double u = r.unit();
        REQUIRE(u >= 0.0);
        REQUIRE(u < 1.0);
        sum += u;
    }
    CHECK(sum / 10000 == Approx(0.5).margin(0.02));
}

TEST_CASE("random: geometric, exponential and poisson means and caps", "[random]") {
    DeterministicRandom r(3);
    const int draws = 40000;
    double g = 0, e = 0, p = 0, pbig = 0;
    for (int i = 0; i < draws; ++i) {
        g += static_cast<double>(r.geometric(2.0, 1000));
        e += r.exponential(3.0, 1e9);
        p += static_cast<double>(r.poisson(4.0, 1000));
    }
    for (int i = 0; i < 2000; ++i) pbig += static_cast<double>(r.poisson(100.0, 100000));
    CHECK(g / draws == Approx(2.0).epsilon(0.05));
    CHECK(e / draws == Approx(3.0).epsilon(0.05));
    CHECK(p / draws == Approx(4.0).epsilon(0.05));
    CHECK(pbig / 2000 == Approx(100.0).epsilon(0.03));

    CHECK(r.geometric(0.0, 10) == 0);
    CHECK(r.geometric(-1.0, 10) == 0);
    CHECK(r.geometric(std::nan(""), 10) == 0);
    CHECK(r.geometric(std::numeric_limits<double>::infinity(), 10) == 10);
    CHECK(r.geometric(1e12, 5) <= 5);
    for (int i = 0; i < 100; ++i) {
        CHECK(r.geometric(1e300, 5) == 5);  // p rounds to 0: no float-to-int overflow
        CHECK(r.geometric(std::numeric_limits<double>::max(), 9) == 9);
        CHECK(r.exponential(std::numeric_limits<double>::infinity(), 3.0) == 3.0);
    }
    CHECK(r.poisson(1e15, 50) == 50);  // bounded work for a huge mean
    CHECK(r.exponential(1e9, 7.0) <= 7.0);
    CHECK(r.exponential(0.0, 7.0) == 0.0);
}

TEST_CASE("dummy policy: Mixmaster rates on average", "[dummy_policy]") {
    DeterministicRandom r(4);
    DummyParameters params;                  // 1 per 9 rounds, 1 per 32 messages
    CHECK(params.flush_triggered_min == 1);  // seed 000: every flush has dummies
    params.flush_triggered_min = 0;
    const int rounds = 90000;
    double time_total = 0, flush_total = 0;
    for (int i = 0; i < rounds; ++i) {
        time_total += static_cast<double>(time_triggered_dummies(params, r));
        flush_total += static_cast<double>(flush_triggered_dummies(params, 32, r));
    }
    CHECK(time_total / rounds == Approx(1.0 / 9.0).epsilon(0.05));
    CHECK(flush_total / rounds == Approx(1.0).epsilon(0.05));
}

TEST_CASE("dummy policy: no flush, no flush-triggered dummies", "[dummy_policy]") {
    DeterministicRandom r(5);
    DummyParameters params;
    params.flush_triggered_min = 3;
    params.flush_triggered_mean_per_message = 100.0;
    for (int i = 0; i < 100; ++i) CHECK(flush_triggered_dummies(params, 0, r) == 0);
}

TEST_CASE("dummy policy: minimum and cap", "[dummy_policy]") {
    DeterministicRandom r(6);
    DummyParameters params;
    params.time_triggered_min = 2;
    params.time_triggered_mean = 0.0;
    params.flush_triggered_min = 1;
    params.flush_triggered_mean_per_message = 0.0;
    for (int i = 0; i < 100; ++i) {
        CHECK(time_triggered_dummies(params, r) == 2);
        CHECK(flush_triggered_dummies(params, 10, r) == 1);
    }
    params.time_triggered_mean = 1e9;
    params.max_per_round = 4;
    std::set<std::size_t> seen;
    for (int i = 0; i < 100; ++i) {
        const auto n = time_triggered_dummies(params, r);
        REQUIRE(n <= 4);
        REQUIRE(n >= 2);
        seen.insert(n);
    }
    CHECK(seen.count(4) == 1);
    params.time_triggered_min = 10;  // minimum above the cap: the cap wins
    CHECK(time_triggered_dummies(params, r) == 4);
}

TEST_CASE("dummy policy: all zero makes no dummies", "[dummy_policy]") {
    DeterministicRandom r(7);
    DummyParameters params;
    params.time_triggered_mean = 0;
    params.flush_triggered_mean_per_message = 0;
    params.flush_triggered_min = 0;
    for (int i = 0; i < 1000; ++i) {
        CHECK(time_triggered_dummies(params, r) == 0);
        CHECK(flush_triggered_dummies(params, 50, r) == 0);
    }
}
