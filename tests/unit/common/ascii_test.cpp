// SPDX-License-Identifier: BSD-2-Clause
#include "common/ascii.h"

#include <catch2/catch.hpp>

using namespace mixtasy;

TEST_CASE("ascii::lower changes A-Z only") {
    REQUIRE(ascii::lower("MiXtAsY@Example.ORG") == "mixtasy@example.org");
    const std::string high = "\xC4\xD6[@]";
    REQUIRE(ascii::lower(high) == high);  // no locale, no 8-bit mapping
}

TEST_CASE("ascii::trim strips blanks, trim_space also line ends") {
    REQUIRE(ascii::trim(" \tvalue \t") == "value");
    REQUIRE(ascii::trim(" value\r\n") == "value\r\n");
    REQUIRE(ascii::trim_space(" value\r\n") == "value");
    REQUIRE(ascii::trim("   ").empty());
}

TEST_CASE("ascii::iequals and istarts_with ignore ASCII case only") {
    REQUIRE(ascii::iequals("Remailer-Type", "remailer-type"));
    REQUIRE_FALSE(ascii::iequals("To", "Tox"));
    REQUIRE_FALSE(ascii::iequals("\xC4", "\xE4"));
    REQUIRE(ascii::istarts_with("Content-Type: text", "content-"));
    REQUIRE_FALSE(ascii::istarts_with("Con", "content-"));
}
