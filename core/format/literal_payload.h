// SPDX-License-Identifier: BSD-2-Clause
// literal_payload.h - the OpenPGP literal data packet (tag 11) as Mixtasy
// uses it: the payload of a final mix message and the plaintext of every
// layer (seed 000 6.2.2, 6.2.3, 7.4.3).
//
// WHAT IT DOES
//   make_literal(contents, framing) writes a binary ('b') literal packet with
//   an empty file name and a zero date, framed either with a definite new-
//   format length (final payload: its end must be findable, the padding
//   follows) or with an old-format indeterminate length (layer plaintext:
//   the contents run to the end, so decrypted padding becomes part of them).
//   read_literal(bytes) reads the first packet of `bytes`, which must be a
//   literal packet, and returns its contents and where the packet ends.
//
// WHAT IT GUARANTEES
//   A thin policy layer over crypto/literal.h, which does the framing (every
//   length encoding, bounds checked) and the literal header.  The contents
//   are copied out of the input.
//
// WHAT IT REFUSES
//   Anything but a literal packet first (BadLiteral), a literal header that
//   does not fit its body (BadLiteral), framing errors (BadPacket).
#pragma once

#include <cstddef>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/format/format_error.h"

namespace mixtasy::core {

enum class LiteralFraming { Definite, Indeterminate };

Bytes make_literal(ByteView contents, LiteralFraming framing);

// Bytes make_literal() adds in front of `contents` for a definite packet
// holding `content_size` bytes.
std::size_t literal_overhead(std::size_t content_size);

struct LiteralContents {
    Bytes contents;
    std::size_t packet_end = 0;  // offset in the input just after the packet
};

Expected<LiteralContents, FormatError> read_literal(ByteView bytes);

}  // namespace mixtasy::core
