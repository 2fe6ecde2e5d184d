// SPDX-License-Identifier: BSD-2-Clause
// Tests of format_vec.h, the reader of the core/format known-answer files:
// its escapes and its `Name: value` split, on which every case relies.
#include "format_vec.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mixtasy::core;

TEST_CASE("format vec: escapes give the bytes they name", "[core][header]") {
    const std::string where = "test";
    CHECK(vec::unescape("plain text", where) == "plain text");
    CHECK(vec::unescape("a\\r\\nb\\tc\\\\d", where) == "a\r\nb\tc\\d");
    CHECK(vec::unescape("a\\0b", where) == std::string("a\0b", 3));
    CHECK(vec::unescape("\\xc3\\xA4\\x20", where) == "\xc3\xa4 ");
    CHECK(vec::unescape("<\\{3:ab}>", where) == "<ababab>");
    CHECK(vec::unescape("\\{2:\\r\\n}x\\{0:y}", where) == "\r\n\r\nx");
    CHECK(vec::unescape("", where).empty());
}

TEST_CASE("format vec: a field line is split at its first colon", "[core][header]") {
    const HeaderField f = vec::field_of("To: a@b: c", "test");
    CHECK(f.name == "To");
    CHECK(f.value == "a@b: c");
    CHECK(vec::field_of("Part:", "test").value.empty());
    CHECK(vec::field_of("X:  two", "test").value == " two");
}
