// SPDX-License-Identifier: BSD-2-Clause
// config_publish_test.cpp - the key publication keys of milter/config.cpp:
// KeyServer (a list of HKP URLs) and WkdDirectory.
#include <catch2/catch.hpp>

#include "milter/config.h"

using namespace mixtasy::milter;

TEST_CASE("KeyServer and WkdDirectory: defaults, lists, refusals", "[config][publish]") {
    auto none = parse_config("");
    REQUIRE(none);
    CHECK(none->key_servers.empty());
    CHECK(none->wkd_directory.empty());

    auto some = parse_config(
        "KeyServer hkps://keys.example, hkp://127.0.0.1:11371\n"
        "WkdDirectory /var/www/mix1\n");
    REQUIRE(some);
    CHECK(some->key_servers ==
          std::vector<std::string>{"hkps://keys.example", "hkp://127.0.0.1:11371"});
    CHECK(some->wkd_directory == "/var/www/mix1");

    for (const char* bad : {"KeyServer ldap://keys.example\n", "KeyServer hkp://a/b\n",
                            "WkdDirectory relative/path\n"}) {
        auto c = parse_config(bad);
        REQUIRE(!c);
        CHECK(c.error().front().line == 1);
    }
}
