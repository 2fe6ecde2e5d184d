// SPDX-License-Identifier: BSD-2-Clause
// literal.cpp - see literal.h.
#include "crypto/literal.h"

#include "crypto/cursor.h"

namespace mixtasy::crypto {

namespace {

constexpr size_t kMaxFilename = 255;

// RFC 9580 5.9: b, u, t, and the deprecated l and 1; m from drafts (MIME).
bool readable_format(uint8_t f) {
    return f == 'b' || f == 't' || f == 'u' || f == 'm' || f == 'l' || f == '1';
}
bool writable_format(char f) { return f == 'b' || f == 't' || f == 'u'; }

}  // namespace

Result<Bytes> literal_body(const LiteralData& lit) {
    if (!writable_format(lit.format)) return fail(ErrorCode::BadPacket, 0, "literal format");
    if (lit.filename.size() > kMaxFilename)
        return fail(ErrorCode::BadPacket, 0, "literal filename over 255 bytes");
    Bytes body;
    body.reserve(6 + lit.filename.size() + lit.contents.size());
    body.push_back(static_cast<uint8_t>(lit.format));
    body.push_back(static_cast<uint8_t>(lit.filename.size()));
    body.insert(body.end(), lit.filename.begin(), lit.filename.end());
    for (int shift = 24; shift >= 0; shift -= 8)
        body.push_back(static_cast<uint8_t>(lit.date >> shift));
    body.insert(body.end(), lit.contents.begin(), lit.contents.end());
    return body;
}

Result<Bytes> write_literal(const LiteralData& lit, WriteStyle style) {
    MIXTASY_TRY(body, literal_body(lit));
    return write_packet(Tag::Literal, *body, style);
}

Result<LiteralData> parse_literal_body(ByteView body, std::size_t base) {
    Cursor in(body, base);
    MIXTASY_TRY(format, in.u8("literal format"));
    if (!readable_format(*format)) return fail(ErrorCode::BadPacket, base, "literal format");
    MIXTASY_TRY(name_len, in.u8("literal filename length"));
    MIXTASY_TRY(name, in.take(*name_len, "literal filename"));
    MIXTASY_TRY(date, in.u32("literal date"));
    LiteralData lit;
    lit.format = static_cast<char>(*format);
    lit.filename.assign(name->begin(), name->end());
    lit.date = *date;
    const ByteView contents = in.take_rest();
    lit.contents.assign(contents.begin(), contents.end());
    return lit;
}

Result<LiteralRead> read_literal(ByteView packets, const PacketLimits& limits) {
    PacketReader reader(packets, limits);
    MIXTASY_TRY(packet, reader.next());
    if (!*packet) return fail(ErrorCode::Truncated, 0, "no packet where a literal packet belongs");
    const Packet& p = **packet;
    if (p.tag != Tag::Literal)
        return fail(ErrorCode::UnexpectedPacket, p.header_offset, "expected a literal data packet");
    MIXTASY_TRY(lit, parse_literal_body(p.body(), p.body_offset));
    LiteralRead out;
    out.literal = std::move(*lit);
    out.rest = packets.subspan(reader.offset());
    return out;
}

}  // namespace mixtasy::crypto
