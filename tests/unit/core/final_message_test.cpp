// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/format/final_message.h and core/format/literal_payload.h.
#include "core/format/final_message.h"

#include <catch2/catch.hpp>

#include <string>

#include "core/format/literal_payload.h"
#include "core/format/mix_format.h"
#include "core/format/mix_header.h"
#include "core/format/verification.h"
#include "core/ports/random.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {
struct Read {
    ParsedHeader header;
    ByteView verified;
};
Read read_back(const Bytes& msg) {
    auto p = parse_mix_header(msg);
    REQUIRE(p);
    REQUIRE(p->header.verification);
    ByteView verified = ByteView(msg).subspan(p->second_line_offset);
    REQUIRE(verification_matches(*p->header.verification, verified));
    return {std::move(*p), verified};
}
}  // namespace

TEST_CASE("literal: definite and indeterminate framing round trip", "[core][final]") {
    const std::string text = "Subject: hi\r\n\r\nbody\r\n";
    for (auto framing : {LiteralFraming::Definite, LiteralFraming::Indeterminate}) {
        Bytes packet = make_literal(as_bytes(text), framing);
        auto lit = read_literal(packet);
        REQUIRE(lit);
        CHECK(as_chars(lit->contents) == text);
        CHECK(lit->packet_end == packet.size());
    }
    // old-format indeterminate: tag octet 0xAF (tag 11, length type 3)
    CHECK(make_literal(as_bytes(text), LiteralFraming::Indeterminate)[0] == 0xAF);
    CHECK(make_literal(as_bytes(text), LiteralFraming::Definite).size() ==
          text.size() + literal_overhead(text.size()));
    const uint8_t pkesk[] = {0xC1, 0x01, 0x03};
    CHECK(read_literal(pkesk).error() == FormatError::BadLiteral);
    const uint8_t bad[] = {0xCB, 0x03, 'b', 5, 0};
    CHECK_FALSE(read_literal(bad));  // name length beyond the body
    const uint8_t cut[] = {0xCB, 0x20, 'b', 0};
    CHECK(read_literal(cut).error() == FormatError::BadPacket);
}

TEST_CASE("final: exactly 20480 bytes after the Verification line", "[core][final]") {
    DeterministicRandom random(3);
    const std::string original = "To: bob@example.org\r\nSubject: x\r\n\r\nhello\r\n";
    const std::string id = new_mixtasy_id(random);
    auto msg = build_final_message(MixType::Singlepart, id, {}, as_bytes(original), random);
    REQUIRE(msg);
    auto r = read_back(*msg);
    CHECK(r.verified.size() == kFinalMessageSize);
    CHECK(msg->size() == kFinalMessageSize + kVerificationPrefix.size() + 40 + 2);
    auto fields = interpret_mix_fields(r.header.header);
    REQUIRE(fields);
    CHECK(fields->type == MixType::Singlepart);
    CHECK(fields->mixtasy_id == id);
    auto payload =
        read_final_payload(r.verified, r.header.body_offset - r.header.second_line_offset);
    REQUIRE(payload);
    CHECK(as_chars(*payload) == original);
    // the literal packet is followed by FF 00 (seed 000 7.4.2)
    const std::size_t body = r.header.body_offset;
    const std::size_t lit_end = body + original.size() + literal_overhead(original.size());
    CHECK((*msg)[lit_end] == 0xFF);
    CHECK((*msg)[lit_end + 1] == 0x00);
}

TEST_CASE("final: capacity is exact for every framing size", "[core][final]") {
    DeterministicRandom random(4);
    for (auto type : {MixType::Singlepart, MixType::Multipart}) {
        PartNumber part{7, 30};
        const std::size_t cap = final_payload_capacity(type, "<id@x>", part);
        CHECK(cap > 20000);
        CHECK(cap < kFinalMessageSize);
        Bytes full(cap, 'a');
        auto ok = build_final_message(type, "<id@x>", part, full, random);
        REQUIRE(ok);
        auto r = read_back(*ok);
        CHECK(r.verified.size() == kFinalMessageSize);
        auto payload =
            read_final_payload(r.verified, r.header.body_offset - r.header.second_line_offset);
        REQUIRE(payload);
        CHECK(payload->size() == cap);
        Bytes over(cap + 1, 'a');
        CHECK(build_final_message(type, "<id@x>", part, over, random).error() ==
              FormatError::PayloadTooLarge);
    }
    // small payloads at the 1-, 2- and 5-octet length boundaries
    for (std::size_t n : {0u, 1u, 185u, 186u, 187u, 8377u, 8378u, 8379u}) {
        Bytes p(n, 'z');
        auto m = build_final_message(MixType::Singlepart, "i", {}, p, random);
        REQUIRE(m);
        CHECK(read_back(*m).verified.size() == kFinalMessageSize);
    }
}

TEST_CASE("final: dummy is 20480 random bytes after its header", "[core][final]") {
    DeterministicRandom random(5);
    auto m = build_final_message(MixType::Dummy, "d", {}, {}, random);
    REQUIRE(m);
    auto r = read_back(*m);
    CHECK(r.verified.size() == kFinalMessageSize);
    CHECK(interpret_mix_fields(r.header.header)->type == MixType::Dummy);
}

TEST_CASE("final: a payload packet reaching beyond the verified span is refused", "[core][final]") {
    DeterministicRandom random(6);
    // Indeterminate literal: runs into unverified bytes.
    std::string head =
        "Mixtasy-ID: i\r\nMixtasy-Type: singlepart\r\nRemailer-Type: Mixtasy v1\r\n\r\n";
    Bytes verified(head.begin(), head.end());
    Bytes lit = make_literal(as_bytes("x"), LiteralFraming::Indeterminate);
    verified.insert(verified.end(), lit.begin(), lit.end());
    verified.resize(kFinalMessageSize + 100, 0x55);
    CHECK(read_final_payload(verified, head.size()).error() == FormatError::BodyTooLarge);
    // Definite literal longer than the span.
    Bytes big = make_literal(Bytes(kFinalMessageSize, 'q'), LiteralFraming::Definite);
    Bytes v2(head.begin(), head.end());
    v2.insert(v2.end(), big.begin(), big.end());
    CHECK(read_final_payload(v2, head.size()).error() == FormatError::BadPacket);
    // Shorter than the span.
    CHECK(read_final_payload(ByteView(v2).first(100), head.size()).error() ==
          FormatError::BodyTooShort);
}

TEST_CASE("final: any padding may follow the literal, FF 00 or not (6.4.4)", "[core][final]") {
    DeterministicRandom random(7);
    const std::string original = "To: bob@dest.example\r\n\r\nHello.\r\n";
    auto m =
        build_final_message(MixType::Singlepart, "<id@mixtasy>", {}, as_bytes(original), random);
    REQUIRE(m);
    const Read r = read_back(*m);
    const std::size_t body = r.header.body_offset - r.header.second_line_offset;
    auto with_marker = read_final_payload(r.verified, body);
    REQUIRE(with_marker);
    CHECK(as_chars(*with_marker) == original);

    // Where our writer put FF 00, another writer may put anything.
    Bytes verified(r.verified.begin(), r.verified.end());
    auto lit = read_literal(ByteView(verified).subspan(body));
    REQUIRE(lit);
    const std::size_t marker = body + lit->packet_end;
    REQUIRE(verified[marker] == 0xFF);
    REQUIRE(verified[marker + 1] == 0x00);
    for (const Bytes& padding : {Bytes{0x12, 0x34}, Bytes{0x00, 0x00}, Bytes{0xFF, 0xFF}}) {
        verified[marker] = padding[0];
        verified[marker + 1] = padding[1];
        auto without = read_final_payload(verified, body);
        REQUIRE(without);
        CHECK(as_chars(*without) == original);
    }
}
