// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/format/mix_header.h.  The known answers of the parser are
// data: tests/data/core/mix_header.vec, one block a case, each group run by
// the TEST_CASE of the same name below (format_vec.h reads them).
#include "core/format/mix_header.h"

#include <catch2/catch.hpp>

#include <string>

#include "format_vec.h"

using namespace mixtasy;
using namespace mixtasy::core;
using mixtasy::core::vec::VecBlock;

namespace {
Expected<ParsedHeader, FormatError> parse(const std::string& s, const MixHeaderLimits& l = {}) {
    return parse_mix_header(as_bytes(s), l);
}

MixHeaderLimits limits_of(const VecBlock& v) {
    MixHeaderLimits limits;
    if (v.has("max_header_bytes")) limits.max_header_bytes = v.number("max_header_bytes");
    if (v.has("max_line_bytes")) limits.max_line_bytes = v.number("max_line_bytes");
    if (v.has("max_fields")) limits.max_fields = v.number("max_fields");
    return limits;
}

void check_parsed(const VecBlock& v, const std::string& input, const ParsedHeader& p) {
    if (v.has("verification")) {
        if (v.at("verification") == "(absent)") {
            CHECK_FALSE(p.header.verification);
        } else {
            REQUIRE(p.header.verification);
            CHECK(*p.header.verification == v.at("verification"));
        }
    }
    for (const std::string& line : v.all("find")) {
        const HeaderField want = vec::field_of(line, v.where);
        CAPTURE(want.name);
        const std::string* got = p.header.find(want.name);
        REQUIRE(got != nullptr);
        CHECK(*got == want.value);
    }
    if (v.has("second_line_offset")) CHECK(p.second_line_offset == v.number("second_line_offset"));
    if (v.has("body_offset")) CHECK(p.body_offset == v.number("body_offset"));
    if (v.has("body")) CHECK(input.substr(p.body_offset) == v.at("body"));
}

// Runs every block of `group` in mix_header.vec.
void run_group(const std::string& group) {
    for (const VecBlock& v : vec::blocks_in("mix_header.vec", group)) {
        INFO(v.where);
        const std::string input = v.at("header");
        auto p = parse(input, limits_of(v));
        if (v.has("error")) {
            REQUIRE_FALSE(p);
            CHECK(std::string(to_string(p.error())) == v.at("error"));
            continue;
        }
        REQUIRE(p);
        check_parsed(v, input, *p);
    }
}
}  // namespace

TEST_CASE("header: every block of mix_header.vec is run", "[core][header]") {
    vec::check_groups("mix_header.vec", {"crlf-verification-first", "lf-and-folded",
                                         "verification-exact-first", "limits-and-garbage"});
}

TEST_CASE("header: CRLF header with Verification first", "[core][header]") {
    run_group("crlf-verification-first");
}

TEST_CASE("header: LF line ends and folded lines are accepted", "[core][header]") {
    run_group("lf-and-folded");
}

TEST_CASE("header: Verification must be exact and first", "[core][header]") {
    run_group("verification-exact-first");
}

TEST_CASE("header: limits and garbage are refused", "[core][header]") {
    run_group("limits-and-garbage");
    // A header that never ends is refused after max_header_bytes, however
    // long the input.
    std::string endless;
    for (int i = 0; i < 100000; ++i) endless += "A: 1\r\n";
    CHECK(parse(endless).error() == FormatError::HeaderTooManyFields);
    MixHeaderLimits many;
    many.max_fields = 1000000;
    CHECK(parse(endless, many).error() == FormatError::HeaderTooLarge);
}

TEST_CASE("header: serialization puts Verification first and sorts the rest", "[core][header]") {
    MixHeader h;
    h.set("To", "mixtasy@c.example");
    h.set("Remailer-Type", "Mixtasy v1");
    h.set("Mixtasy-Type", "singlepart");
    h.verification = "abc";
    CHECK(serialize_mix_header(h) ==
          "Verification: abc\r\nMixtasy-Type: singlepart\r\nRemailer-Type: Mixtasy v1\r\n"
          "To: mixtasy@c.example\r\n\r\n");
    CHECK(serialize_fields(h) ==
          "Mixtasy-Type: singlepart\r\nRemailer-Type: Mixtasy v1\r\nTo: mixtasy@c.example\r\n\r\n");
    auto again = parse(serialize_mix_header(h));
    REQUIRE(again);
    CHECK(serialize_mix_header(again->header) == serialize_mix_header(h));
}
