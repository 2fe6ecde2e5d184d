// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/node/decision.h: what the default log level may say.
#include "core/node/decision.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mixtasy::core;

TEST_CASE("decision: every destroy reads the same at the default level", "[core][decision]") {
    // Among them the end of a dummy: at the default level it must not
    // stand out from a replay or a failed check (DESIGN section 8).
    for (const char* reason :
         {"dummy", "replay", "verification-failed", "no-valid-subkey", "wrong-mode", "bad-next-hop",
          "malformed", "blocked", "rate-limited", "duplicate-part", "discarded-set"}) {
        INFO(reason);
        const Decision d = Decision::dropped(reason);
        CHECK(std::string(default_level_reason(d)) == kNeutralDestroyed);
        CHECK(d.reason == reason);  // the detail stays for debug level
    }
    CHECK(std::string(default_level_reason(Decision::pooled())) == "pooled");
    CHECK(std::string(default_level_reason(Decision::tempfail("store-unavailable"))) ==
          "temporary-failure");
    CHECK(std::string(default_level_reason(Decision::quarantine("plain"))) == "quarantined");
}
