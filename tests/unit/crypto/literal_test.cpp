// SPDX-License-Identifier: BSD-2-Clause
#include "crypto/literal.h"

#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

using namespace mixtasy::crypto;
using mixtasy::Bytes;

namespace {
LiteralData sample(size_t n) {
    LiteralData lit;
    lit.format = 'b';
    lit.filename = "msg.txt";
    lit.date = 0x5F000001;
    lit.contents.resize(n);
    for (size_t i = 0; i < n; ++i) lit.contents[i] = static_cast<uint8_t>(i * 7);
    return lit;
}
}  // namespace

TEST_CASE("literal body layout is format, name length, name, date, contents", "[literal]") {
    LiteralData lit;
    lit.format = 't';
    lit.filename = "ab";
    lit.date = 0x01020304;
    lit.contents = {'x', 'y'};
    auto body = literal_body(lit);
    REQUIRE(body);
    REQUIRE(*body == Bytes{'t', 2, 'a', 'b', 1, 2, 3, 4, 'x', 'y'});
}

TEST_CASE("literal packets round trip in every framing", "[literal]") {
    const WriteStyle styles[] = {
        {Format::NewFormat, LengthKind::Definite},
        {Format::OldFormat, LengthKind::Definite},
        {Format::OldFormat, LengthKind::Indeterminate},
        {Format::NewFormat, LengthKind::Partial, 9},
    };
    for (const auto& style : styles) {
        for (size_t n : {size_t(0), size_t(100), size_t(20000)}) {
            const auto lit = sample(n);
            auto packet = write_literal(lit, style);
            REQUIRE(packet);
            auto back = read_literal(*packet);
            REQUIRE(back);
            REQUIRE(back->literal.format == 'b');
            REQUIRE(back->literal.filename == "msg.txt");
            REQUIRE(back->literal.date == 0x5F000001);
            REQUIRE(back->literal.contents == lit.contents);
            REQUIRE(back->rest.empty());
        }
    }
}

TEST_CASE("read_literal returns what follows: FF 00 and padding of a final message", "[literal]") {
    auto packet = write_literal(sample(500));
    REQUIRE(packet);
    Bytes msg = *packet;
    msg.push_back(0xFF);
    msg.push_back(0x00);
    Botan::AutoSeeded_RNG rng;
    const auto pad = rng.random_vec(3000);
    msg.insert(msg.end(), pad.begin(), pad.end());
    auto back = read_literal(msg);
    REQUIRE(back);
    REQUIRE(back->literal.contents == sample(500).contents);
    REQUIRE(back->rest.size() == 3002);
    REQUIRE(back->rest[0] == 0xFF);
    REQUIRE(back->rest[1] == 0x00);
}

TEST_CASE("indeterminate literal swallows what follows it", "[literal]") {
    auto packet = write_literal(sample(10), {Format::OldFormat, LengthKind::Indeterminate});
    Bytes msg = *packet;
    msg.insert(msg.end(), {0xFF, 0x00, 1, 2, 3});
    auto back = read_literal(msg);
    REQUIRE(back);
    REQUIRE(back->literal.contents.size() == 15);
    REQUIRE(back->rest.empty());
}

TEST_CASE("literal reading refuses malformed input with typed errors", "[literal]") {
    REQUIRE(read_literal(Bytes{}).error().code == ErrorCode::Truncated);
    // A PKESK tag where the literal belongs.
    REQUIRE(read_literal(Bytes{0xC1, 0x01, 0x03}).error().code == ErrorCode::UnexpectedPacket);
    // Unknown format byte.
    REQUIRE(parse_literal_body(Bytes{'x', 0, 0, 0, 0, 0}).error().code == ErrorCode::BadPacket);
    for (uint8_t f : {'b', 't', 'u', 'l', '1', 'm'})
        REQUIRE(parse_literal_body(Bytes{f, 0, 0, 0, 0, 0}));
    // Every truncation of the header fields.
    const Bytes body{'b', 3, 'a', 'b', 'c', 1, 2, 3, 4};
    for (size_t n = 0; n < body.size(); ++n) {
        auto r = parse_literal_body(mixtasy::ByteView(body.data(), n), 100);
        REQUIRE_FALSE(r);
        REQUIRE(r.error().code == ErrorCode::Truncated);
        REQUIRE(r.error().offset >= 100);
    }
    REQUIRE(parse_literal_body(body));
    // A packet whose length runs beyond the input.
    auto packet = write_literal(sample(100));
    packet->resize(packet->size() - 1);
    REQUIRE_FALSE(read_literal(*packet));
}

TEST_CASE("literal writing refuses long names and unknown formats", "[literal]") {
    LiteralData lit;
    lit.filename.assign(256, 'a');
    REQUIRE(write_literal(lit).error().code == ErrorCode::BadPacket);
    lit.filename.assign(255, 'a');
    REQUIRE(write_literal(lit));
    lit.format = 'q';
    REQUIRE(write_literal(lit).error().code == ErrorCode::BadPacket);
}
