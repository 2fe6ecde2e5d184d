// SPDX-License-Identifier: BSD-2-Clause
#include "common/expected.h"

#include <catch2/catch.hpp>

TEST_CASE("Expected holds a value or an error") {
    mixtasy::Expected<int, std::string> ok = 5;
    mixtasy::Expected<int, std::string> bad = mixtasy::Unexpected{std::string("no")};
    REQUIRE(ok);
    REQUIRE(*ok == 5);
    REQUIRE_FALSE(bad);
    REQUIRE(bad.error() == "no");
}

namespace {

mixtasy::Expected<int, std::string> parse_digit(char c) {
    if (c < '0' || c > '9') return mixtasy::Unexpected{std::string("not a digit")};
    return c - '0';
}

mixtasy::Expected<int, std::string> sum_of(char a, char b) {
    MIXTASY_TRY(x, parse_digit(a));
    MIXTASY_TRY(y, parse_digit(b));
    return *x + *y;
}

mixtasy::Expected<void, std::string> both_digits(char a, char b) {
    MIXTASY_CHECK(parse_digit(a));
    MIXTASY_CHECK(parse_digit(b));
    return {};
}

}  // namespace

TEST_CASE("MIXTASY_TRY passes the value on and returns the first error") {
    REQUIRE(*sum_of('2', '3') == 5);
    auto bad = sum_of('2', 'x');
    REQUIRE_FALSE(bad);
    REQUIRE(bad.error() == "not a digit");
}

TEST_CASE("MIXTASY_CHECK returns the error of an Expected whose value is unused") {
    REQUIRE(both_digits('1', '9'));
    REQUIRE_FALSE(both_digits('x', '9'));
}
