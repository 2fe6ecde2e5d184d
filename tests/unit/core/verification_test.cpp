// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/format/verification.h.
#include "core/format/verification.h"

#include <catch2/catch.hpp>

#include <string>

#include "core/format/mix_format.h"

using namespace mixtasy;
using namespace mixtasy::core;

TEST_CASE("verification: SHA-1 lower-case hex of known input", "[core][verification]") {
    // FIPS 180 example: SHA-1("abc").
    CHECK(verification_hash(as_bytes("abc")) == "a9993e364706816aba3e25717850c26c9cd0d89d");
}

TEST_CASE("verification: covers exactly the first 20480 bytes", "[core][verification]") {
    std::string rest(kVerifiedSpan, 'x');
    const std::string base = verification_hash(as_bytes(rest));
    std::string longer = rest + "tail that is not covered";
    CHECK(verification_hash(as_bytes(longer)) == base);
    CHECK(verification_matches(base, as_bytes(longer)));

    std::string flipped = longer;
    flipped[kVerifiedSpan - 1] = 'y';
    CHECK_FALSE(verification_matches(base, as_bytes(flipped)));
    flipped = longer;
    flipped[0] = 'y';
    CHECK_FALSE(verification_matches(base, as_bytes(flipped)));
}

TEST_CASE("verification: truncated or badly spelled claims never match", "[core][verification]") {
    std::string rest(kVerifiedSpan, 'x');
    const std::string h = verification_hash(as_bytes(rest));
    CHECK_FALSE(verification_matches(h, as_bytes(rest.substr(0, kVerifiedSpan - 1))));
    std::string upper = h;
    for (auto& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (upper != h) CHECK_FALSE(verification_matches(upper, as_bytes(rest)));
    CHECK_FALSE(verification_matches(h + " ", as_bytes(rest)));
    CHECK_FALSE(verification_matches("", as_bytes(rest)));
}
