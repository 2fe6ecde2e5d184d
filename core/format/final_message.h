// SPDX-License-Identifier: BSD-2-Clause
// final_message.h - the final mix message (seed 000 6.2.2, DESIGN.md 4).
//
// WHAT IT DOES
//   build_final_message() writes one final mix message: the Verification
//   line, then the header (Mixtasy-ID, Mixtasy-Type, Part for multipart,
//   Remailer-Type), the empty line, a literal data packet holding `payload`
//   (the original message or one part of it), FF 00 (the reference
//   prototype's habit, 7.4.2, kept so that gpg stops there) and random
//   padding, so that everything after the Verification line is
//   exactly kFinalMessageSize (20480) bytes and the Verification hash covers
//   all of it.  A dummy carries random bytes instead of a literal packet.
//   final_payload_capacity() says how many payload bytes fit.
//   read_final_payload() reads the literal contents back out of a received
//   final message and insists that the packet lies inside the verified span.
//   Whatever follows the packet is padding (6.4.4): FF 00 or not, it is
//   never read.
//
// WHAT IT GUARANTEES
//   Sizes are exact or the call fails: never a final message of another
//   size.  The payload a reader returns was covered by the Verification
//   hash, so a tagging attacker cannot change it undetected.
//
// WHAT IT REFUSES
//   A payload larger than the capacity (PayloadTooLarge); on reading, a body
//   that is not a literal packet (BadLiteral/BadPacket) or whose packet ends
//   beyond the verified span (BodyTooLarge).
#pragma once

#include <cstddef>
#include <string_view>

#include <botan/rng.h>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/format/format_error.h"
#include "core/format/mix_fields.h"

namespace mixtasy::core {

std::size_t final_payload_capacity(MixType type, std::string_view mixtasy_id, PartNumber part);

Expected<Bytes, FormatError> build_final_message(MixType type, std::string_view mixtasy_id,
                                                 PartNumber part, ByteView payload,
                                                 Botan::RandomNumberGenerator& rng);

// `verified` is the message from its second line on (as the Verification
// hash saw it); `body_offset` is where its body starts within `verified`.
// Returns the literal contents.
Expected<Bytes, FormatError> read_final_payload(ByteView verified, std::size_t body_offset);

// A fresh random Mixtasy-ID in message-id form: "<32 hex digits@mixtasy>".
std::string new_mixtasy_id(Botan::RandomNumberGenerator& rng);

}  // namespace mixtasy::core
