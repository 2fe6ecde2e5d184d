// SPDX-License-Identifier: BSD-2-Clause
// format_error_text_test.cpp - format errors read as sentences for people
// (issue 15), while their log tokens stay stable.
#include <catch2/catch.hpp>

#include <string>

#include "core/format/format_error.h"

using namespace mixtasy::core;

TEST_CASE("format errors: a sentence each, the token unchanged", "[core][format]") {
    for (int i = 0; i <= static_cast<int>(FormatError::PayloadTooLarge); ++i) {
        const auto e = static_cast<FormatError>(i);
        const std::string sentence = describe(e);
        INFO(to_string(e));
        CHECK(sentence.find(' ') != std::string::npos);
        CHECK(sentence != to_string(e));
        CHECK(sentence != "the message is malformed");
    }
    CHECK(std::string(to_string(FormatError::HeaderDuplicateField)) == "header-duplicate-field");
    CHECK(std::string(describe(FormatError::HeaderDuplicateField)) ==
          "the mix header has a field twice");
}
