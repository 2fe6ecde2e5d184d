// SPDX-License-Identifier: BSD-2-Clause
// armor_test.cpp - ASCII armor: round trips, gpg's tolerances, CRC24 and
// every typed refusal.
#include "crypto/armor.h"

#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

#include "crypto/armor_blocks.h"
#include "test_util.h"

using namespace mixtasy;
using namespace mixtasy::crypto;

namespace {
std::string replace_all(std::string s, const std::string& from, const std::string& to) {
    for (std::size_t i = 0; (i = s.find(from, i)) != std::string::npos; i += to.size())
        s.replace(i, from.size(), to);
    return s;
}
}  // namespace

TEST_CASE("CRC24 matches the OpenPGP definition", "[armor]") {
    CHECK(crc24({}) == 0xB704CE);
    // The RFC 9580 A.2 signature has no CRC; gpg's CRC of "OpenPGP"-free
    // data is checked through the armored vector below instead.
    const Bytes abc{'a', 'b', 'c'};
    CHECK(crc24(abc) == 0xBA1C7B);
}

TEST_CASE("armor round trips for every size and keeps headers", "[armor]") {
    for (std::size_t n : {0u, 1u, 2u, 3u, 47u, 48u, 49u, 1000u, 30720u}) {
        Bytes data(n);
        for (std::size_t i = 0; i < n; ++i) data[i] = static_cast<uint8_t>(i * 31 + 7);
        const std::string text = armor_encode(data, kLabelMessage, {{"Comment", "test"}});
        CHECK(is_armored(as_bytes(text)));
        auto a = armor_decode(as_bytes(text));
        REQUIRE(a);
        CHECK(a->label == "PGP MESSAGE");
        CHECK(a->data == data);
        CHECK(a->had_checksum);
        REQUIRE(a->headers.size() == 1);
        CHECK(a->headers[0].first == "Comment");
        CHECK(a->headers[0].second == "test");
    }
}

TEST_CASE("armor decoding tolerates what gpg tolerates", "[armor]") {
    const Bytes data{1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    const std::string clean = armor_encode(data, "PGP ARMORED FILE");
    SECTION("CRLF line endings and trailing whitespace") {
        std::string t = replace_all(clean, "\n", " \t\r\n");
        auto a = armor_decode(as_bytes(t));
        REQUIRE(a);
        CHECK(a->data == data);
        CHECK(a->label == "PGP ARMORED FILE");
    }
    SECTION("text before the BEGIN line") {
        auto a = armor_decode(as_bytes("Hello\r\nsome prose\n\n" + clean));
        REQUIRE(a);
        CHECK(a->data == data);
    }
    SECTION("no checksum line") {
        std::string t = clean;
        const auto eq = t.find("\n=");
        t.erase(eq + 1, t.find('\n', eq + 1) - eq);
        auto a = armor_decode(as_bytes(t));
        REQUIRE(a);
        CHECK(a->data == data);
        CHECK(!a->had_checksum);
    }
    SECTION("missing blank line after BEGIN") {
        std::string t = replace_all(clean, "-----\n\n", "-----\n");
        auto a = armor_decode(as_bytes(t));
        REQUIRE(a);
        CHECK(a->data == data);
    }
    SECTION("the RFC 9580 sample key armor (no CRC)") {
        auto a = armor_decode(as_bytes(test::data_text("rfc9580_a1_v4_ed25519_key.asc")));
        REQUIRE(a);
        CHECK(a->label == "PGP PUBLIC KEY BLOCK");
        CHECK(a->data.size() == 53);
    }
}

TEST_CASE("armor refusals are typed", "[armor]") {
    const Bytes data{1, 2, 3, 4, 5, 6};
    const std::string clean = armor_encode(data);
    auto code = [](const std::string& t, ArmorLimits l = {}) {
        auto a = armor_decode(as_bytes(t), l);
        REQUIRE(!a);
        return a.error().code;
    };
    CHECK(code("no armor here") == ErrorCode::BadArmor);
    CHECK(code(clean.substr(0, clean.find("-----END"))) == ErrorCode::BadArmor);
    CHECK(code(replace_all(clean, "-----END PGP MESSAGE", "-----END PGP SIGNATURE")) ==
          ErrorCode::BadArmor);
    CHECK(code(replace_all(clean, "AQID", "A*ID")) == ErrorCode::BadArmor);
    SECTION("checksum mismatch") {
        std::string t = clean;
        const auto eq = t.find("\n=") + 2;
        t[eq] = t[eq] == 'A' ? 'B' : 'A';
        CHECK(code(t) == ErrorCode::BadChecksum);
    }
    SECTION("limits") {
        ArmorLimits small;
        small.max_input_size = 10;
        CHECK(code(clean, small) == ErrorCode::LimitExceeded);
        ArmorLimits lines;
        lines.max_line_length = 8;
        CHECK(code(clean, lines) == ErrorCode::LimitExceeded);
        ArmorLimits headers;
        headers.max_headers = 1;
        CHECK(code(armor_encode(data, kLabelMessage, {{"A", "1"}, {"B", "2"}}), headers) ==
              ErrorCode::LimitExceeded);
    }
}

TEST_CASE("binary and armored input are told apart", "[armor]") {
    const Bytes binary{0xc6, 0x01, 0x04};
    CHECK(!is_armored(binary));
    auto b = to_binary(binary);
    REQUIRE(b);
    CHECK(*b == binary);
    auto a = to_binary(as_bytes("\n  " + armor_encode(binary)));
    REQUIRE(a);
    CHECK(*a == binary);
}

TEST_CASE("the message base64 codec agrees with Botan's constant-time one", "[armor]") {
    Botan::AutoSeeded_RNG rng;
    for (std::size_t n = 0; n < 200; ++n) {
        Bytes data(n);
        rng.randomize(data.data(), data.size());
        const std::string fast = armor_encode(data, kLabelMessage);
        const std::string slow = armor_encode(data, kLabelPrivateKey);
        // Same base64 text line for line; only the labels differ.
        const auto body = [](const std::string& t) {
            return t.substr(t.find("\n\n"), t.find("-----END") - t.find("\n\n"));
        };
        CHECK(body(fast) == body(slow));
        auto a = armor_decode(as_bytes(fast));
        auto b = armor_decode(as_bytes(slow));
        REQUIRE(a);
        REQUIRE(b);
        CHECK(a->data == data);
        CHECK(b->data == data);
    }
}

TEST_CASE("base64 padding is accepted only at the end", "[armor]") {
    auto decode = [](const std::string& b64) {
        return armor_decode(
            as_bytes("-----BEGIN PGP MESSAGE-----\n\n" + b64 + "\n-----END PGP MESSAGE-----\n"));
    };
    CHECK(decode("AQID")->data == Bytes{1, 2, 3});
    CHECK(decode("AQI=")->data == Bytes{1, 2});
    CHECK(decode("AQ==")->data == Bytes{1});
    CHECK(decode("AQ")->data == Bytes{1});  // unpadded last quantum, as some writers do
    for (const char* bad : {"A", "AQ=", "A===", "AQ==AQID", "AQ=D", "AQID="}) {
        INFO(bad);
        auto r = decode(bad);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::BadArmor);
    }
}

TEST_CASE("armor_append writes CRLF lines without a CRC line when asked", "[armor]") {
    Botan::AutoSeeded_RNG rng;
    for (std::size_t n : {0u, 1u, 2u, 3u, 47u, 48u, 49u, 95u, 96u, 97u, 1000u, 30720u}) {
        INFO(n);
        Bytes data(n);
        rng.randomize(data.data(), data.size());
        Bytes out{'x'};  // appended after what is there
        armor_append(out, data, kLabelMessage, {.crlf = true, .checksum = false});
        REQUIRE(out.front() == 'x');
        const std::string text(out.begin() + 1, out.end());
        // Same base64 as the LF writer with its CRC, line for line.
        std::string lf = armor_encode(data, kLabelMessage);
        lf.erase(lf.find("\n=") + 1, 6);
        CHECK(replace_all(text, "\r\n", "\n") == lf);
        CHECK(text.find("\n\n") == std::string::npos);  // every LF has its CR
        auto a = armor_decode(as_bytes(text));
        REQUIRE(a);
        CHECK(a->data == data);
        CHECK(!a->had_checksum);
    }
}

TEST_CASE("armor decoding takes base64 quanta split across lines", "[armor]") {
    auto decode = [](const std::string& body) {
        return armor_decode(
            as_bytes("-----BEGIN PGP MESSAGE-----\n\n" + body + "\n-----END PGP MESSAGE-----\n"));
    };
    CHECK(decode("AQ\nID\nBA")->data == Bytes{1, 2, 3, 4});
    CHECK(decode("A\nQI=")->data == Bytes{1, 2});
    CHECK(decode("AQ\n==")->data == Bytes{1});
    CHECK(!decode("AQ=\nAQID"));
    CHECK(!decode("AQ\n*D"));
}

TEST_CASE("split_armor_blocks cuts concatenated blocks, bounded", "[armor]") {
    const std::string a =
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n";
    const std::string b = "-----BEGIN PGP MESSAGE-----\r\n\r\nBBBB\r\n-----END PGP MESSAGE-----";
    const std::string text = "junk before\n" + a + "between\n" + b;
    auto blocks = split_armor_blocks(text, 10);
    REQUIRE(blocks.size() == 2);
    CHECK(blocks[0] == a);
    CHECK(blocks[1] == b);  // no line feed after END: runs to the end
    CHECK(split_armor_blocks(text, 1).size() == 1);
    CHECK(split_armor_blocks(text, 0).empty());
    CHECK(split_armor_blocks("-----BEGIN PGP MESSAGE-----\n\nAAAA\n", 10).empty());  // no END
    CHECK(split_armor_blocks("no armor here", 10).empty());
    std::string many;
    for (int i = 0; i < 50; ++i) many += a;
    CHECK(split_armor_blocks(many, 20).size() == 20);
    auto decoded = armor_decode(as_bytes(blocks[1]));
    REQUIRE(decoded);
    CHECK(decoded->label == "PGP MESSAGE");
}

TEST_CASE("text before BEGIN: to_binary and is_armored agree with armor_decode", "[armor]") {
    const Bytes data{0xc6, 0x01, 0x04, 0x05};
    const std::string armored = armor_encode(data);
    const std::string prose = "This is an OpenPGP message.\r\nPlease decrypt it.\r\n\r\n";
    CHECK(is_armored(as_bytes(prose + armored)));
    auto b = to_binary(as_bytes(prose + armored));
    REQUIRE(b);
    CHECK(*b == data);
    // Within the bound and beyond it, for all three the same way.
    ArmorLimits limits;
    limits.max_leading_text = prose.size();
    CHECK(is_armored(as_bytes(prose + armored), limits));
    CHECK(armor_decode(as_bytes(prose + armored), limits));
    const std::string longer = prose + "one more line\r\n";
    CHECK_FALSE(is_armored(as_bytes(longer + armored), limits));
    auto refused = armor_decode(as_bytes(longer + armored), limits);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == ErrorCode::BadArmor);
    // Binary packets stay binary even when a BEGIN line follows them.
    Bytes binary_then_text = data;
    const std::string tail = "\n" + armored;
    binary_then_text.insert(binary_then_text.end(), tail.begin(), tail.end());
    CHECK_FALSE(is_armored(binary_then_text));
    auto kept = to_binary(binary_then_text);
    REQUIRE(kept);
    CHECK(*kept == binary_then_text);
    // A BEGIN line inside a line is no BEGIN line.
    CHECK_FALSE(is_armored(as_bytes("see -----BEGIN PGP MESSAGE----- below")));
}
