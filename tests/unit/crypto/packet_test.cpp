// SPDX-License-Identifier: BSD-2-Clause
// packet_test.cpp - OpenPGP packet framing: every length encoding, both
// directions, and the typed errors hostile framing must produce.
#include "crypto/packet.h"

#include <catch2/catch.hpp>

using namespace mixtasy;
using namespace mixtasy::crypto;

namespace {

Bytes filled(std::size_t n) {
    Bytes b(n);
    for (std::size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>(i * 7 + 1);
    return b;
}

Packet only_packet(ByteView data) {
    auto packets = read_packets(data);
    REQUIRE(packets);
    REQUIRE(packets->size() == 1);
    return std::move(packets->front());
}

}  // namespace

TEST_CASE("old-format definite lengths use the smallest length type and round trip", "[packet]") {
    struct Case {
        std::size_t size;
        uint8_t length_type;
        std::size_t header;
    };
    for (auto c :
         {Case{0, 0, 2}, Case{255, 0, 2}, Case{256, 1, 3}, Case{65535, 1, 3}, Case{65536, 2, 5}}) {
        const Bytes body = filled(c.size);
        auto wire = write_packet(Tag::Literal, body, {Format::OldFormat, LengthKind::Definite});
        REQUIRE(wire);
        CHECK(((*wire)[0] & 0x03) == c.length_type);
        CHECK(((*wire)[0] >> 2 & 0x0f) == 11);
        CHECK(wire->size() == c.size + c.header);
        Packet p = only_packet(*wire);
        CHECK(p.tag == Tag::Literal);
        CHECK(p.format == Format::OldFormat);
        CHECK(p.length_kind == LengthKind::Definite);
        CHECK(p.header_length == c.header);
        CHECK(p.body_offset == c.header);
        CHECK(Bytes(p.body().begin(), p.body().end()) == body);
    }
}

TEST_CASE("old-format indeterminate length runs to the end of input", "[packet]") {
    const Bytes body = filled(30 * 1024);
    auto wire = write_packet(Tag::Sed, body, {Format::OldFormat, LengthKind::Indeterminate});
    REQUIRE(wire);
    CHECK((*wire)[0] == (0x80 | (9 << 2) | 3));
    Packet p = only_packet(*wire);
    CHECK(p.tag == Tag::Sed);
    CHECK(p.length_kind == LengthKind::Indeterminate);
    CHECK(p.body().size() == body.size());
    CHECK(std::equal(body.begin(), body.end(), p.body().begin()));
}

TEST_CASE("new-format 1-, 2- and 5-byte lengths round trip at their boundaries", "[packet]") {
    struct Case {
        std::size_t size;
        std::size_t header;
    };
    for (auto c :
         {Case{0, 2}, Case{191, 2}, Case{192, 3}, Case{8383, 3}, Case{8384, 6}, Case{100000, 6}}) {
        const Bytes body = filled(c.size);
        auto wire = write_packet(Tag::UserId, body);
        REQUIRE(wire);
        CHECK((*wire)[0] == 0xcd);
        CHECK(wire->size() == c.size + c.header);
        Packet p = only_packet(*wire);
        CHECK(p.format == Format::NewFormat);
        CHECK(p.tag == Tag::UserId);
        CHECK(p.header_length == c.header);
        CHECK(Bytes(p.body().begin(), p.body().end()) == body);
    }
}

TEST_CASE("new-format partial lengths are written in chunks and reassembled", "[packet]") {
    for (std::size_t size : {std::size_t{0}, std::size_t{512}, std::size_t{513}, std::size_t{4096},
                             std::size_t{10000}, std::size_t{20480}}) {
        const Bytes body = filled(size);
        auto wire = write_packet(Tag::Literal, body, {Format::NewFormat, LengthKind::Partial, 9});
        REQUIRE(wire);
        Packet p = only_packet(*wire);
        CHECK(Bytes(p.body().begin(), p.body().end()) == body);
        if (size > 512) {
            CHECK(p.length_kind == LengthKind::Partial);
            CHECK(p.partial_chunks == (size + 511) / 512);
        }
    }
}

TEST_CASE("a sequence of packets keeps absolute offsets", "[packet]") {
    Bytes wire;
    REQUIRE(append_packet(wire, Tag::Marker, as_bytes("PGP")));
    REQUIRE(append_packet(wire, Tag::UserId, as_bytes("a <a@b>"), {Format::OldFormat}));
    REQUIRE(append_packet(wire, Tag::Literal, filled(1000),
                          {Format::NewFormat, LengthKind::Partial, 9}));
    auto packets = read_packets(wire);
    REQUIRE(packets);
    REQUIRE(packets->size() == 3);
    CHECK((*packets)[0].header_offset == 0);
    CHECK((*packets)[1].header_offset == 5);
    CHECK((*packets)[1].body_offset == 7);
    CHECK((*packets)[2].header_offset == 14);
    CHECK(as_chars((*packets)[1].body()) == "a <a@b>");
}

TEST_CASE("malformed framing gives typed errors with offsets", "[packet]") {
    SECTION("bit 7 clear") {
        const Bytes wire{0xcd, 0x00, 0x41};
        auto r = read_packets(wire);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::BadHeader);
        CHECK(r.error().offset == 2);
    }
    SECTION("reserved tag 0") {
        const Bytes wire{0xc0, 0x00};
        auto r = read_packets(wire);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::BadHeader);
    }
    SECTION("body shorter than announced") {
        const Bytes wire{0xcd, 0x05, 'a', 'b'};
        auto r = read_packets(wire);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::Truncated);
        CHECK(r.error().offset == 0);
    }
    SECTION("length field cut off") {
        for (Bytes wire : {Bytes{0xcd}, Bytes{0xcd, 0xc5}, Bytes{0xcd, 0xff, 0, 0},
                           Bytes{0x89, 0x01}, Bytes{0x8a, 0, 0}}) {
            auto r = read_packets(wire);
            REQUIRE(!r);
            CHECK(r.error().code == ErrorCode::Truncated);
        }
    }
    SECTION("5-byte length beyond the limit") {
        const Bytes wire{0xcb, 0xff, 0xff, 0xff, 0xff, 0xff};
        auto r = read_packets(wire);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::LimitExceeded);
    }
    SECTION("partial length on a user ID") {
        const Bytes wire{0xcd, 0xe9};
        auto r = read_packets(wire);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::BadHeader);
    }
    SECTION("partial chunks without a final definite chunk") {
        Bytes wire{0xcb, 0xe1, 'a', 'b'};  // chunk of 2, then nothing
        auto r = read_packets(wire);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::Truncated);
        CHECK(r.error().offset == 4);
    }
    SECTION("too many partial chunks") {
        Bytes wire{0xcb};
        for (int i = 0; i < 20; ++i) {
            wire.push_back(0xe0);
            wire.push_back('x');
        }
        wire.push_back(0);
        PacketLimits limits;
        limits.max_partial_chunks = 10;
        auto r = read_packets(wire, limits);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::LimitExceeded);
    }
    SECTION("partial body beyond the size limit") {
        Bytes wire{0xcb};
        for (int i = 0; i < 4; ++i) {
            wire.push_back(0xe4);
            wire.insert(wire.end(), 16, 'x');
        }
        wire.push_back(0);
        PacketLimits limits;
        limits.max_packet_size = 40;
        auto r = read_packets(wire, limits);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::LimitExceeded);
    }
    SECTION("too many packets") {
        Bytes wire;
        for (int i = 0; i < 11; ++i) REQUIRE(append_packet(wire, Tag::Marker, as_bytes("PGP")));
        PacketLimits limits;
        limits.max_packets = 10;
        auto r = read_packets(wire, limits);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::LimitExceeded);
        CHECK(r.error().offset == 50);
    }
}

TEST_CASE("the reader stays failed after an error", "[packet]") {
    const Bytes wire{0x41, 0x41};
    PacketReader reader(wire);
    auto first = reader.next();
    REQUIRE(!first);
    auto second = reader.next();
    REQUIRE(!second);
    CHECK(second.error().code == first.error().code);
}

TEST_CASE("impossible write styles are refused", "[packet]") {
    CHECK(!write_packet(Tag::Seipd, as_bytes("x"), {Format::OldFormat}));
    CHECK(
        !write_packet(Tag::Literal, as_bytes("x"), {Format::NewFormat, LengthKind::Indeterminate}));
    CHECK(!write_packet(Tag::Literal, as_bytes("x"), {Format::OldFormat, LengthKind::Partial}));
    CHECK(!write_packet(Tag::UserId, as_bytes("x"), {Format::NewFormat, LengthKind::Partial}));
    CHECK(!write_packet(Tag::Literal, as_bytes("x"), {Format::NewFormat, LengthKind::Partial, 4}));
}
