// SPDX-License-Identifier: BSD-2-Clause
// final_message.cpp - see final_message.h.
#include "core/format/final_message.h"

#include <botan/hex.h>

#include "core/format/literal_payload.h"
#include "core/format/mix_format.h"
#include "core/format/mix_header.h"
#include "core/format/verification.h"

namespace mixtasy::core {
namespace {

// Bytes the header (without Verification) takes after the Verification line.
std::size_t header_size(MixType type, std::string_view id, PartNumber part) {
    return serialize_fields(final_header(type, id, part)).size();
}

// The largest payload whose literal packet plus FF 00 fits `room` bytes.
std::size_t fit_payload(std::size_t room) {
    if (room < sizeof kPaddingMarker) return 0;
    std::size_t available = room - sizeof kPaddingMarker;
    // The length field grows with the payload: try the largest candidate and
    // step down while the framing does not fit (at most a few steps).
    std::size_t candidate = available;
    while (candidate > 0 && candidate + literal_overhead(candidate) > available) --candidate;
    return candidate;
}

}  // namespace

std::size_t final_payload_capacity(MixType type, std::string_view mixtasy_id, PartNumber part) {
    const std::size_t header = header_size(type, mixtasy_id, part);
    if (header >= kFinalMessageSize) return 0;
    return fit_payload(kFinalMessageSize - header);
}

std::string new_mixtasy_id(Botan::RandomNumberGenerator& rng) {
    std::uint8_t raw[16];
    rng.randomize(raw, sizeof raw);
    return "<" + Botan::hex_encode(raw, sizeof raw, false) + "@mixtasy>";
}

Expected<Bytes, FormatError> build_final_message(MixType type, std::string_view mixtasy_id,
                                                 PartNumber part, ByteView payload,
                                                 Botan::RandomNumberGenerator& rng) {
    const MixHeader header = final_header(type, mixtasy_id, part);
    const std::string fields = serialize_fields(header);
    if (fields.size() >= kFinalMessageSize) return Unexpected{FormatError::PayloadTooLarge};

    Bytes rest(fields.begin(), fields.end());
    rest.reserve(kFinalMessageSize);
    if (type != MixType::Dummy) {
        if (payload.size() > final_payload_capacity(type, mixtasy_id, part)) {
            return Unexpected{FormatError::PayloadTooLarge};
        }
        const Bytes literal = make_literal(payload, LiteralFraming::Definite);
        rest.insert(rest.end(), literal.begin(), literal.end());
        rest.insert(rest.end(), std::begin(kPaddingMarker), std::end(kPaddingMarker));
    }
    const std::size_t used = rest.size();
    rest.resize(kFinalMessageSize);
    rng.randomize(rest.data() + used, kFinalMessageSize - used);

    const std::string line = std::string(kVerificationPrefix) + verification_hash(rest) + "\r\n";
    Bytes out(line.begin(), line.end());
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

Expected<Bytes, FormatError> read_final_payload(ByteView verified, std::size_t body_offset) {
    if (verified.size() < kVerifiedSpan || body_offset > kVerifiedSpan) {
        return Unexpected{FormatError::BodyTooShort};
    }
    // Only the verified span counts: bytes after it are decrypted padding of
    // earlier hops, which anybody on the path could have changed.
    const ByteView body = verified.subspan(body_offset, kVerifiedSpan - body_offset);
    MIXTASY_TRY(literal, read_literal(body));
    // Any padding may follow the literal (seed 000 6.4.4): its own length
    // says where it ends.  FF 00 is the reference prototype's habit (7.4.2),
    // which our writer keeps so that gpg stops there; no reader may rely on
    // it, so it is not checked (final_message_test delivers both).
    // Indeterminate or partial framing that ran to the end of the span has
    // no end inside the verified bytes: refused, as is a literal leaving
    // less than the two bytes every writer leaves (capacity() keeps them).
    if (literal->packet_end + sizeof kPaddingMarker > body.size()) {
        return Unexpected{FormatError::BodyTooLarge};
    }
    return std::move(literal->contents);
}

}  // namespace mixtasy::core
