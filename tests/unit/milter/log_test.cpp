// SPDX-License-Identifier: BSD-2-Clause
// Tests of milter/log.h: the level words the configuration accepts and the
// filter's direction, now that the milter shares core's LogLevel (whose
// order rises with severity, the opposite of the milter's old enum).
#include "milter/log.h"

#include <catch2/catch.hpp>

using namespace mixtasy;
using namespace mixtasy::milter;

TEST_CASE("log: level words, any case", "[milter][log]") {
    LogLevel level = LogLevel::Info;
    for (auto [word, want] : {std::pair{"error", LogLevel::Error},
                              {"WARNING", LogLevel::Warning},
                              {"Notice", LogLevel::Notice},
                              {"info", LogLevel::Info},
                              {"debug", LogLevel::Debug}}) {
        INFO(word);
        REQUIRE(parse_log_level(word, level));
        CHECK(level == want);
    }
    for (const char* bad : {"", "chatty", "warn", "err", "debug "}) {
        INFO(bad);
        CHECK_FALSE(parse_log_level(bad, level));
    }
    CHECK(level == LogLevel::Debug);  // untouched by the refusals
}

TEST_CASE("log: the threshold passes lines at least as severe", "[milter][log]") {
    log_set_level(LogLevel::Notice);
    CHECK(log_enabled(LogLevel::Error));
    CHECK(log_enabled(LogLevel::Warning));
    CHECK(log_enabled(LogLevel::Notice));
    CHECK_FALSE(log_enabled(LogLevel::Info));
    CHECK_FALSE(log_enabled(LogLevel::Debug));
    log_set_level(LogLevel::Debug);
    CHECK(log_enabled(LogLevel::Debug));
    log_set_level(LogLevel::Error);
    CHECK_FALSE(log_enabled(LogLevel::Warning));
    log_set_level(LogLevel::Info);  // the default, for the other tests
}
