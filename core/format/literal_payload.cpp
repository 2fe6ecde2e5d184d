// SPDX-License-Identifier: BSD-2-Clause
// literal_payload.cpp - see literal_payload.h.
#include "core/format/literal_payload.h"

#include "crypto/literal.h"

namespace mixtasy::core {
namespace {

constexpr std::size_t kLiteralHeader = 6;  // format, name length 0, date

std::size_t new_length_octets(std::size_t body) {
    if (body < 192) return 1;
    if (body < 8384) return 2;
    return 5;
}

}  // namespace

std::size_t literal_overhead(std::size_t content_size) {
    return 1 + new_length_octets(kLiteralHeader + content_size) + kLiteralHeader;
}

Bytes make_literal(ByteView contents, LiteralFraming framing) {
    crypto::LiteralData lit;
    lit.format = 'b';
    lit.contents.assign(contents.begin(), contents.end());
    crypto::WriteStyle style;
    if (framing == LiteralFraming::Indeterminate) {
        style.format = crypto::Format::OldFormat;
        style.length_kind = crypto::LengthKind::Indeterminate;
    }
    // Cannot fail: no file name, format 'b', bodies far below 4 GiB.
    auto packet = crypto::write_literal(lit, style);
    return packet ? std::move(*packet) : Bytes{};
}

Expected<LiteralContents, FormatError> read_literal(ByteView bytes) {
    auto read = crypto::read_literal(bytes);
    if (!read) {
        return Unexpected{read.error().code == crypto::ErrorCode::UnexpectedPacket ||
                                  read.error().code == crypto::ErrorCode::BadPacket
                              ? FormatError::BadLiteral
                              : FormatError::BadPacket};
    }
    const std::size_t end = bytes.size() - read->rest.size();
    return LiteralContents{std::move(read->literal.contents), end};
}

}  // namespace mixtasy::core
