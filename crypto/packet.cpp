// SPDX-License-Identifier: BSD-2-Clause
// packet.cpp - OpenPGP packet framing; see packet.h for the contract.
#include "crypto/packet.h"

#include <string>

#include "crypto/cursor.h"

namespace mixtasy::crypto {
namespace {

bool partial_allowed(Tag tag) noexcept {
    return tag == Tag::Literal || tag == Tag::Compressed || tag == Tag::Sed || tag == Tag::Seipd ||
           tag == Tag::Aead;
}

// One new-format length field: either a definite length or a partial chunk.
struct NewLength {
    uint32_t length;
    bool partial;
};

Result<NewLength> read_new_length(Cursor& in) {
    MIXTASY_TRY(first, in.u8("new-format length"));
    const uint8_t o1 = *first;
    if (o1 < 192) return NewLength{o1, false};
    if (o1 < 224) {
        MIXTASY_TRY(o2, in.u8("two-octet length"));
        return NewLength{static_cast<uint32_t>(((o1 - 192) << 8) + *o2 + 192), false};
    }
    if (o1 < 255) return NewLength{uint32_t{1} << (o1 & 0x1f), true};
    MIXTASY_TRY(v, in.u32("five-octet length"));
    return NewLength{*v, false};
}

// The tag octet: format and tag.  Refuses bit 7 clear and tag 0.
Result<uint8_t> read_tag_octet(Cursor& in, Packet& p) {
    const uint8_t ctb = *in.u8();  // the reader was not at its end, so one byte exists
    if ((ctb & 0x80) == 0)
        return fail(ErrorCode::BadHeader, p.header_offset,
                    "bit 7 of the packet tag octet is clear");
    if (ctb & 0x40) {
        p.format = Format::NewFormat;
        p.tag = static_cast<Tag>(ctb & 0x3f);
    } else {
        p.format = Format::OldFormat;
        p.tag = static_cast<Tag>((ctb >> 2) & 0x0f);
    }
    if (p.tag == Tag::Reserved)
        return fail(ErrorCode::BadHeader, p.header_offset, "reserved tag 0");
    return ctb;
}

// Old format: a 1, 2 or 4 octet length, or (type 3) the rest of the input.
Result<std::size_t> read_old_length(Cursor& in, uint8_t ctb, Packet& p) {
    switch (ctb & 0x03) {
        case 0: {
            MIXTASY_TRY(v, in.u8("old-format length"));
            return static_cast<std::size_t>(*v);
        }
        case 1: {
            MIXTASY_TRY(v, in.u16("old-format length"));
            return static_cast<std::size_t>(*v);
        }
        case 2: {
            MIXTASY_TRY(v, in.u32("old-format length"));
            return static_cast<std::size_t>(*v);
        }
        default: p.length_kind = LengthKind::Indeterminate; return in.remaining();
    }
}

// New format: the first length field; a partial one only on data packets.
Result<std::size_t> read_first_new_length(Cursor& in, Packet& p) {
    MIXTASY_TRY(len, read_new_length(in));
    if (len->partial) {
        if (!partial_allowed(p.tag))
            return fail(ErrorCode::BadHeader, p.header_offset,
                        "partial body length on a non-data packet");
        p.length_kind = LengthKind::Partial;
    }
    return static_cast<std::size_t>(len->length);
}

// A definite or indeterminate body: a view into the input.
Result<void> take_body(Cursor& in, Packet& p, std::size_t body_length) {
    auto body = in.take(body_length, "packet body");
    if (!body)
        return fail(ErrorCode::Truncated, p.header_offset,
                    "packet body announces " + std::to_string(body_length) + " bytes, only " +
                        std::to_string(in.remaining()) + " present");
    p.view_ = *body;
    return {};
}

// A partial body: chunk, length, chunk, ..., final definite chunk, copied
// into one buffer within the limits.
Result<void> reassemble_partial(Cursor& in, Packet& p, std::size_t first_chunk,
                                const PacketLimits& limits) {
    std::size_t chunk = first_chunk;
    bool more = true;
    while (true) {
        if (p.owned_.size() + chunk > limits.max_packet_size)
            return fail(
                ErrorCode::LimitExceeded, p.header_offset,
                "partial body exceeds the limit of " + std::to_string(limits.max_packet_size));
        if (++p.partial_chunks > limits.max_partial_chunks)
            return fail(
                ErrorCode::LimitExceeded, in.offset(),
                "more than " + std::to_string(limits.max_partial_chunks) + " partial chunks");
        const std::size_t chunk_at = in.offset();
        auto piece = in.take(chunk, "partial body chunk");
        if (!piece)
            return fail(ErrorCode::Truncated, chunk_at,
                        "partial chunk announces " + std::to_string(chunk) + " bytes, only " +
                            std::to_string(in.remaining()) + " present");
        p.owned_.insert(p.owned_.end(), piece->begin(), piece->end());
        if (!more) return {};
        MIXTASY_TRY(len, read_new_length(in));
        chunk = len->length;
        more = len->partial;
    }
}

// One packet from the start of `in`: header, then its body within limits.
Result<Packet> read_packet(Cursor& in, const PacketLimits& limits) {
    Packet p;
    p.header_offset = in.offset();
    MIXTASY_TRY(ctb, read_tag_octet(in, p));
    MIXTASY_TRY(body_length, p.format == Format::OldFormat ? read_old_length(in, *ctb, p)
                                                           : read_first_new_length(in, p));
    p.header_length = in.offset() - p.header_offset;
    p.body_offset = in.offset();
    if (*body_length > limits.max_packet_size)
        return fail(ErrorCode::LimitExceeded, p.header_offset,
                    "packet body of " + std::to_string(*body_length) +
                        " bytes exceeds the limit of " + std::to_string(limits.max_packet_size));
    if (p.length_kind == LengthKind::Partial) {
        MIXTASY_CHECK(reassemble_partial(in, p, *body_length, limits));
    } else {
        MIXTASY_CHECK(take_body(in, p, *body_length));
    }
    return p;
}

}  // namespace

std::string_view tag_name(Tag tag) noexcept {
    switch (tag) {
        case Tag::Reserved: return "Reserved";
        case Tag::Pkesk: return "PKESK";
        case Tag::Signature: return "Signature";
        case Tag::Skesk: return "SKESK";
        case Tag::OnePassSignature: return "OnePassSignature";
        case Tag::SecretKey: return "SecretKey";
        case Tag::PublicKey: return "PublicKey";
        case Tag::SecretSubkey: return "SecretSubkey";
        case Tag::Compressed: return "Compressed";
        case Tag::Sed: return "SED";
        case Tag::Marker: return "Marker";
        case Tag::Literal: return "Literal";
        case Tag::Trust: return "Trust";
        case Tag::UserId: return "UserID";
        case Tag::PublicSubkey: return "PublicSubkey";
        case Tag::UserAttribute: return "UserAttribute";
        case Tag::Seipd: return "SEIPD";
        case Tag::Mdc: return "MDC";
        case Tag::Aead: return "AEAD";
        case Tag::Padding: return "Padding";
        case Tag::Private60:
        case Tag::Private61:
        case Tag::Private62:
        case Tag::Private63: return "Private";
    }
    return "Unknown";
}

Result<std::optional<Packet>> PacketReader::next() {
    if (failed_) return Unexpected{*failed_};
    if (at_end()) return std::optional<Packet>{};
    if (count_ >= limits_.max_packets) {
        failed_ = Error{ErrorCode::LimitExceeded, offset(),
                        "more than " + std::to_string(limits_.max_packets) + " packets"};
        return Unexpected{*failed_};
    }
    Cursor in(data_.subspan(pos_), base_ + pos_);
    auto packet = read_packet(in, limits_);
    if (!packet) {
        failed_ = packet.error();
        return Unexpected{*failed_};
    }
    pos_ += in.consumed();
    ++count_;
    return std::optional<Packet>{std::move(*packet)};
}

Result<std::vector<Packet>> read_packets(ByteView data, PacketLimits limits) {
    PacketReader reader(data, limits);
    std::vector<Packet> packets;
    while (true) {
        MIXTASY_TRY(p, reader.next());
        if (!*p) break;
        packets.push_back(std::move(**p));
    }
    return packets;
}

void append_new_length(Bytes& out, uint32_t length) {
    if (length < 192) {
        out.push_back(static_cast<uint8_t>(length));
    } else if (length < 8384) {
        const uint32_t v = length - 192;
        out.push_back(static_cast<uint8_t>((v >> 8) + 192));
        out.push_back(static_cast<uint8_t>(v & 0xff));
    } else {
        out.push_back(0xff);
        for (int shift = 24; shift >= 0; shift -= 8)
            out.push_back(static_cast<uint8_t>(length >> shift));
    }
}

namespace {

// Old format: 1, 2 or 4 length octets by size, or indeterminate.
Result<void> append_old_format(Bytes& out, uint8_t tag_value, ByteView body,
                               LengthKind length_kind) {
    if (tag_value > 15)
        return fail(ErrorCode::BadHeader, 0, "old format cannot carry a tag above 15");
    const uint8_t ctb = static_cast<uint8_t>(0x80 | (tag_value << 2));
    if (length_kind == LengthKind::Partial)
        return fail(ErrorCode::BadHeader, 0, "old format has no partial lengths");
    if (length_kind == LengthKind::Indeterminate) {
        out.push_back(ctb | 3);
    } else if (body.size() > 0xffffffffu) {
        return fail(ErrorCode::LengthOverflow, 0, "body too large for a definite length");
    } else if (body.size() < 256) {
        out.push_back(ctb | 0);
        out.push_back(static_cast<uint8_t>(body.size()));
    } else if (body.size() < 65536) {
        out.push_back(ctb | 1);
        out.push_back(static_cast<uint8_t>(body.size() >> 8));
        out.push_back(static_cast<uint8_t>(body.size()));
    } else {
        out.push_back(ctb | 2);
        for (int shift = 24; shift >= 0; shift -= 8)
            out.push_back(static_cast<uint8_t>(body.size() >> shift));
    }
    out.insert(out.end(), body.begin(), body.end());
    return {};
}

// New format, partial: full chunks of 2^k while more than one chunk
// remains, then the rest with a definite length (possibly zero).
Result<void> append_partial(Bytes& out, Tag tag, uint8_t ctb, ByteView body, unsigned chunk_log2) {
    if (chunk_log2 < 9 || chunk_log2 > 30)
        return fail(ErrorCode::BadHeader, 0, "partial chunk size must be 2^9..2^30");
    if (!partial_allowed(tag))
        return fail(ErrorCode::BadHeader, 0, "partial lengths only on data packets");
    const std::size_t chunk = std::size_t{1} << chunk_log2;
    out.push_back(ctb);
    std::size_t pos = 0;
    while (body.size() - pos > chunk) {
        out.push_back(static_cast<uint8_t>(224 + chunk_log2));
        out.insert(out.end(), body.begin() + static_cast<std::ptrdiff_t>(pos),
                   body.begin() + static_cast<std::ptrdiff_t>(pos + chunk));
        pos += chunk;
    }
    const std::size_t rest = body.size() - pos;
    append_new_length(out, static_cast<uint32_t>(rest));
    out.insert(out.end(), body.begin() + static_cast<std::ptrdiff_t>(pos), body.end());
    return {};
}

}  // namespace

Result<void> append_packet(Bytes& out, Tag tag, ByteView body, WriteStyle style) {
    const auto tag_value = static_cast<uint8_t>(tag);
    if (tag_value == 0 || tag_value > 63) return fail(ErrorCode::BadHeader, 0, "tag out of range");
    if (style.format == Format::OldFormat)
        return append_old_format(out, tag_value, body, style.length_kind);

    const uint8_t ctb = static_cast<uint8_t>(0xc0 | tag_value);
    if (style.length_kind == LengthKind::Indeterminate)
        return fail(ErrorCode::BadHeader, 0, "new format has no indeterminate length");
    if (style.length_kind == LengthKind::Partial)
        return append_partial(out, tag, ctb, body, style.partial_chunk_log2);
    if (body.size() > 0xffffffffu)
        return fail(ErrorCode::LengthOverflow, 0, "body too large for a definite length");
    out.push_back(ctb);
    append_new_length(out, static_cast<uint32_t>(body.size()));
    out.insert(out.end(), body.begin(), body.end());
    return {};
}

Result<Bytes> write_packet(Tag tag, ByteView body, WriteStyle style) {
    Bytes out;
    out.reserve(body.size() + 6);
    MIXTASY_TRY(r, append_packet(out, tag, body, style));
    return out;
}

}  // namespace mixtasy::crypto
