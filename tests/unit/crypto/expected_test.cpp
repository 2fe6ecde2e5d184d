#include <catch2/catch.hpp>
#include "common/expected.h"

TEST_CASE("Expected holds a value or an error") {
    mixtasy::Expected<int, std::string> ok = 5;
    mixtasy::Expected<int, std::string> bad = mixtasy::Unexpected{std::string("no")};
    REQUIRE(ok);
    REQUIRE(*ok == 5);
    REQUIRE_FALSE(bad);
    REQUIRE(bad.error() == "no");
}
