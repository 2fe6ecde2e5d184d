// SPDX-License-Identifier: BSD-2-Clause
// hkp_index_test.cpp - the HKP machine-readable index parser
// (core/publish/hkp_index.h): the draft's example, and each refusal.
#include "core/publish/hkp_index.h"

#include <catch2/catch.hpp>

using namespace mixtasy::core;

TEST_CASE("hkp index: the draft's machine-readable example", "[core][hkp]") {
    const std::string text =
        "info:1:2\r\n"
        "pub:44A2D1DB:17:1024:1011383155::\r\n"
        "uid:Jane%20Doe%20%3Cjane@example.org%3E:1011383155::\r\n"
        "pub:0123456789ABCDEF0123456789abcdef01234567:22:255:1700000000:1800000000:r\r\n"
        "uid:Mix%20%28mixtasy-mode%3Amiddleman%29%20%3Cmixtasy@mix1.test%3E:1700000000::\r\n"
        "uat:::\r\n";
    auto index = parse_hkp_index(text);
    REQUIRE(index);
    REQUIRE(index->size() == 2);
    const auto& a = (*index)[0];
    CHECK(a.key_id == "44A2D1DB");
    CHECK(a.created == 1011383155u);
    CHECK(!a.expires);
    CHECK(!a.revoked());
    REQUIRE(a.uids.size() == 1);
    CHECK(a.uids[0].text == "Jane Doe <jane@example.org>");
    const auto& b = (*index)[1];
    CHECK(b.key_id == "0123456789ABCDEF0123456789ABCDEF01234567");
    CHECK(b.expires == 1800000000u);
    CHECK(b.revoked());
    REQUIRE(b.uids.size() == 1);
    CHECK(b.uids[0].text == "Mix (mixtasy-mode:middleman) <mixtasy@mix1.test>");
}

TEST_CASE("hkp index: an empty index and one without info line", "[core][hkp]") {
    auto empty = parse_hkp_index("");
    REQUIRE(empty);
    CHECK(empty->empty());
    auto bare = parse_hkp_index("pub:0011223344556677:22:255:1::\n");
    REQUIRE(bare);
    CHECK(bare->size() == 1);
}

TEST_CASE("hkp index: each refusal has its code and line", "[core][hkp]") {
    auto code_of = [](const std::string& text, const HkpIndexLimits& limits = {}) {
        auto r = parse_hkp_index(text, limits);
        REQUIRE(!r);
        return std::make_pair(r.error().code, r.error().line);
    };
    using C = HkpIndexError::Code;
    CHECK(code_of("info:2:1\n") == std::make_pair(C::BadVersion, std::size_t{1}));
    CHECK(code_of("info:1:1\npub:XYZ:1:1:1::\n") == std::make_pair(C::Malformed, std::size_t{2}));
    CHECK(code_of("pub:0011223:1:1:1::\n").first == C::Malformed);  // 7 digits
    CHECK(code_of("uid:a:1::\n") == std::make_pair(C::Malformed, std::size_t{1}));
    CHECK(code_of("pub:00112233:1:1:soon::\n").first == C::Malformed);
    CHECK(code_of("pub:00112233:1:1:1::\nuid:bad%2:1::\n") ==
          std::make_pair(C::Malformed, std::size_t{2}));
    CHECK(code_of("pub:00112233:1:1:1::\nuid:bad%zz:1::\n").first == C::Malformed);

    HkpIndexLimits two;
    two.max_entries = 2;
    CHECK(code_of("pub:00112233:::::\npub:00112234:::::\npub:00112235:::::\n", two) ==
          std::make_pair(C::LimitExceeded, std::size_t{3}));
    HkpIndexLimits one_uid;
    one_uid.max_uids_per_entry = 1;
    CHECK(code_of("pub:00112233:::::\nuid:a::::\nuid:b::::\n", one_uid).first == C::LimitExceeded);
    HkpIndexLimits short_lines;
    short_lines.max_line_length = 10;
    CHECK(code_of("pub:00112233:::::\n", short_lines).first == C::LimitExceeded);
    HkpIndexLimits small;
    small.max_bytes = 4;
    CHECK(code_of("pub:00112233:::::\n", small) ==
          std::make_pair(C::LimitExceeded, std::size_t{0}));
}
