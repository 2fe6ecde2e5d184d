// SPDX-License-Identifier: BSD-2-Clause
// Timed dynamic pool count (seed 000 6.4.5): exhaustive over small pools,
// thresholds, fractions at their bounds, decimal rounding.
#include "core/pool/pool_policy.h"

#include <catch2/catch.hpp>

#include <cmath>
#include <limits>

using mixtasy::core::messages_to_send;
using mixtasy::core::PoolParameters;

namespace {
PoolParameters params(std::size_t n, std::size_t f_min, double frac) {
    PoolParameters p;
    p.min_pool = n;
    p.min_keep = f_min;
    p.fraction = frac;
    return p;
}
}  // namespace

TEST_CASE("pool policy: Mixmaster defaults", "[pool_policy]") {
    const PoolParameters p;  // n = 45, f_min = 0, frac = 0.65
    CHECK(p.min_pool == 45);
    CHECK(p.min_keep == 0);
    CHECK(p.fraction == 0.65);
    CHECK(p.interval == std::chrono::minutes(15));
    CHECK(messages_to_send(p, 0) == 0);
    CHECK(messages_to_send(p, 44) == 0);    // just below n
    CHECK(messages_to_send(p, 45) == 29);   // floor(45 * 0.65) = floor(29.25)
    CHECK(messages_to_send(p, 46) == 29);   // floor(29.9)
    CHECK(messages_to_send(p, 100) == 65);  // exactly 65, not 64
    CHECK(messages_to_send(p, 1000) == 650);
}

TEST_CASE("pool policy: threshold is n + f_min and f_min is kept", "[pool_policy]") {
    const PoolParameters p = params(10, 5, 0.5);
    CHECK(messages_to_send(p, 14) == 0);  // n + f_min - 1
    CHECK(messages_to_send(p, 15) == 5);  // (15 - 5) * 0.5
    CHECK(messages_to_send(p, 16) == 5);  // floor(5.5)
    CHECK(messages_to_send(p, 17) == 6);
    CHECK(messages_to_send(p, 4) == 0);  // below f_min alone
}

TEST_CASE("pool policy: frac 0 and 1 and out of range", "[pool_policy]") {
    CHECK(messages_to_send(params(0, 0, 0.0), 100) == 0);
    CHECK(messages_to_send(params(0, 0, 1.0), 100) == 100);
    CHECK(messages_to_send(params(0, 7, 1.0), 100) == 93);  // f_min stays
    CHECK(messages_to_send(params(0, 0, 1.5), 100) == 100);
    CHECK(messages_to_send(params(0, 0, -0.5), 100) == 0);
    CHECK(messages_to_send(params(0, 0, std::nan("")), 100) == 0);
    CHECK(messages_to_send(params(0, 0, std::numeric_limits<double>::infinity()), 100) == 100);
}

TEST_CASE("pool policy: n = 0 sends from an empty pool nothing", "[pool_policy]") {
    CHECK(messages_to_send(params(0, 0, 0.65), 0) == 0);
    CHECK(messages_to_send(params(0, 0, 0.65), 1) == 0);  // floor(0.65)
    CHECK(messages_to_send(params(0, 0, 0.65), 2) == 1);
}

TEST_CASE("pool policy: decimal fractions round as written", "[pool_policy]") {
    // 100 * 0.29 is 28.999999999999996 in binary floating point.
    CHECK(messages_to_send(params(0, 0, 0.29), 100) == 29);
    CHECK(messages_to_send(params(0, 0, 0.57), 100) == 57);
    CHECK(messages_to_send(params(0, 0, 0.1), 30) == 3);
    CHECK(messages_to_send(params(0, 0, 0.7), 10) == 7);
}

TEST_CASE("pool policy: exhaustive against exact integer arithmetic", "[pool_policy]") {
    // frac = num/100 exactly; the answer is floor((m - f_min) * num / 100).
    for (std::size_t num = 0; num <= 100; ++num) {
        for (std::size_t n = 0; n <= 50; n += 7) {
            for (std::size_t f_min = 0; f_min <= 6; f_min += 3) {
                const PoolParameters p = params(n, f_min, static_cast<double>(num) / 100.0);
                for (std::size_t m = 0; m <= 300; ++m) {
                    std::size_t expected = 0;
                    if (m >= n + f_min) expected = (m - f_min) * num / 100;
                    const std::size_t got = messages_to_send(p, m);
                    if (got != expected) {
                        FAIL("num=" << num << " n=" << n << " f_min=" << f_min << " m=" << m
                                    << " got " << got << " expected " << expected);
                    }
                    REQUIRE(got <= m);
                }
            }
        }
    }
}

TEST_CASE("pool policy: huge values do not overflow", "[pool_policy]") {
    const std::size_t big = std::numeric_limits<std::size_t>::max();
    CHECK(messages_to_send(params(big, big, 0.5), 10) == 0);
    CHECK(messages_to_send(params(big, 1, 0.5), big) == 0);  // n + f_min > max
    CHECK(messages_to_send(params(0, 0, 1.0), big) == big);
}
