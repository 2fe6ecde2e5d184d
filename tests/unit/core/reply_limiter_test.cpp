// SPDX-License-Identifier: BSD-2-Clause
// reply_limiter_test.cpp - core/node/reply_limiter.h: per requester, in all,
// per UTC hour.
#include <catch2/catch.hpp>

#include "core/node/reply_limiter.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {
const Instant kHour = from_unix(1'800'000'000 / 3600 * 3600);
}

TEST_CASE("reply limiter: per requester, any case, until the hour turns", "[core][reply]") {
    ReplyLimiter limiter({2, 0});
    CHECK(limiter.allow("a@x.example", kHour));
    CHECK(limiter.allow("A@X.example", kHour + std::chrono::seconds(10)));
    CHECK_FALSE(limiter.allow("a@x.example", kHour + std::chrono::seconds(20)));
    CHECK(limiter.allow("b@x.example", kHour + std::chrono::seconds(30)));  // another requester
    CHECK(limiter.allow("a@x.example", kHour + std::chrono::hours(1)));     // next hour
}

TEST_CASE("reply limiter: the global limit holds whoever asks", "[core][reply]") {
    ReplyLimiter limiter({0, 3});
    CHECK(limiter.allow("a@x.example", kHour));
    CHECK(limiter.allow("b@x.example", kHour));
    CHECK(limiter.allow("c@x.example", kHour));
    CHECK_FALSE(limiter.allow("d@x.example", kHour));
    limiter.set_limits({0, 4});
    CHECK(limiter.allow("d@x.example", kHour));
}

TEST_CASE("reply limiter: memory bounded by the tracked requesters", "[core][reply]") {
    ReplyLimiter limiter({1, 0});
    for (std::size_t i = 0; i < kMaxTrackedRequesters; ++i)
        REQUIRE(limiter.allow("r" + std::to_string(i) + "@x.example", kHour));
    CHECK_FALSE(limiter.allow("new@x.example", kHour));
    CHECK(limiter.allow("new@x.example", kHour + std::chrono::hours(1)));
}
