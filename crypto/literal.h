// SPDX-License-Identifier: BSD-2-Clause
// literal.h - Literal Data packets (tag 11, RFC 4880 5.9).
//
// What it does
//   literal_body(lit)            the packet body: format, filename length,
//                                filename, date (4, BE), contents
//   write_literal(lit, style)    body framed as a packet, in any framing
//                                packet.h writes: new definite, old definite,
//                                old indeterminate, new partial
//   parse_literal_body(body)     the inverse of literal_body
//   read_literal(packets)        the first packet of `packets`, which must be
//                                a literal packet, plus `rest`: what follows
//                                it.  For a Mixtasy final message rest is
//                                FF 00 (a new-format tag 63 packet of length
//                                zero, seed 000 7.4.2) and random padding;
//                                read_literal does not look at it.
//
// Guarantees and refusals
//   - Formats read: 'b', 't', 'u', and 'l', '1' (deprecated, RFC 9580 5.9)
//     and 'm' (drafts); others: bad_packet.  Write refuses (bad_packet) filenames longer than
//     255 bytes and formats other than b/t/u.
//   - Filename bytes are returned as they are; they are attacker-chosen and
//     must never be used as a path.
//   - read_literal refuses (unexpected_packet) a first packet of any other
//     tag; framing errors come from packet.h.  Contents are copied out of
//     the input, so the result does not refer to the caller's buffer except
//     `rest`, a view into `packets`.
#pragma once

#include <cstdint>
#include <string>

#include "common/bytes.h"
#include "crypto/error.h"
#include "crypto/packet.h"

namespace mixtasy::crypto {

struct LiteralData {
    char format = 'b';     // 'b' binary, 't' text, 'u' UTF-8 text
    std::string filename;  // at most 255 bytes; "" when unnamed
    uint32_t date = 0;     // seconds since 1970; 0 when unset
    Bytes contents;
};

struct LiteralRead {
    LiteralData literal;
    ByteView rest;  // bytes after the literal packet (a view into the input)
};

Result<Bytes> literal_body(const LiteralData& lit);
Result<Bytes> write_literal(const LiteralData& lit, WriteStyle style = {});

Result<LiteralData> parse_literal_body(ByteView body, std::size_t base = 0);
Result<LiteralRead> read_literal(ByteView packets, const PacketLimits& limits = {});

}  // namespace mixtasy::crypto
