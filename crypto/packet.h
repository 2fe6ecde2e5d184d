// SPDX-License-Identifier: BSD-2-Clause
// packet.h - OpenPGP packet framing (RFC 4880 / RFC 9580 section 4).
//
// What it does
//   Reading: PacketReader walks a binary OpenPGP byte sequence and yields one
//   Packet per header: its tag, header format, how its length was encoded,
//   where it started and its body.  Every length encoding is understood:
//     old format: 1-, 2- and 4-byte lengths, and indeterminate (the body runs
//                 to the end of the input);
//     new format: 1-, 2- and 5-byte lengths, and partial body lengths, whose
//                 chunks are reassembled here into one contiguous body.
//   Writing: write_packet()/append_packet() frame a body in any of the four
//   styles the project emits (new definite, old definite with the smallest
//   length type, old indeterminate, new partial for streaming).
//
// Guarantees
//   - Hostile input never reads out of bounds, never loops, never allocates
//     more than PacketLimits allow.  Errors carry the absolute offset of the
//     header or length octet at fault.
//   - A definite or indeterminate body is a view into the caller's buffer
//     (no copy): the caller keeps that buffer alive while using the Packet.
//     A partial body is reassembled into memory the Packet owns.
//
// Refusals
//   - Bit 7 clear in the first header octet, tag 0 (reserved): bad_header.
//   - Partial body lengths on any packet but the data packets (literal,
//     compressed, SED, SEIPD, AEAD 20): bad_header (RFC 4880 4.2.2.4).
//   - Old format with a tag above 15 cannot be written: bad_header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "crypto/error.h"

namespace mixtasy::crypto {

enum class Tag : uint8_t {
    Reserved = 0,
    Pkesk = 1,
    Signature = 2,
    Skesk = 3,
    OnePassSignature = 4,
    SecretKey = 5,
    PublicKey = 6,
    SecretSubkey = 7,
    Compressed = 8,
    Sed = 9,
    Marker = 10,
    Literal = 11,
    Trust = 12,
    UserId = 13,
    PublicSubkey = 14,
    UserAttribute = 17,
    Seipd = 18,
    Mdc = 19,
    Aead = 20,
    Padding = 21,
    Private60 = 60,
    Private61 = 61,
    Private62 = 62,
    Private63 = 63,
};

// "PKESK", "Signature", ..., "Unknown" for tags without a name.
std::string_view tag_name(Tag tag) noexcept;

enum class Format : uint8_t { OldFormat, NewFormat };

// How the body length was (or is to be) encoded.
enum class LengthKind : uint8_t {
    Definite,       // one length field gives the whole body
    Indeterminate,  // old format only: body runs to end of input
    Partial,        // new format only: chunked, reassembled
};

struct Packet {
    Tag tag = Tag::Reserved;
    Format format = Format::NewFormat;
    LengthKind length_kind = LengthKind::Definite;
    std::size_t header_offset = 0;   // absolute offset of the tag octet
    std::size_t header_length = 0;   // tag octet + (first) length field
    std::size_t body_offset = 0;     // absolute offset of the first body byte
    std::size_t partial_chunks = 0;  // number of chunks when partial

    // The body, wherever it lives.
    ByteView body() const noexcept {
        return length_kind == LengthKind::Partial ? ByteView(owned_) : view_;
    }

    // Internal to the reader; use body().
    ByteView view_;
    Bytes owned_;
};

struct PacketLimits {
    std::size_t max_packet_size = 64u * 1024 * 1024;  // one body, bytes
    std::size_t max_packets = 100000;                 // per input
    std::size_t max_partial_chunks = 65536;           // per packet
};

class PacketReader {
public:
    // `base` is the absolute offset of `data` inside a larger input, so that
    // offsets in packets and errors refer to the outer buffer.
    explicit PacketReader(ByteView data, PacketLimits limits = {}, std::size_t base = 0) noexcept
        : data_(data), limits_(limits), base_(base) {}

    // The next packet, std::nullopt at a clean end of input, or an error.
    // After an error the reader stays failed and returns the same error.
    Result<std::optional<Packet>> next();

    bool at_end() const noexcept { return pos_ >= data_.size(); }
    std::size_t offset() const noexcept { return base_ + pos_; }

private:
    ByteView data_;
    PacketLimits limits_;
    std::size_t base_;
    std::size_t pos_ = 0;
    std::size_t count_ = 0;
    std::optional<Error> failed_;
};

// All packets of `data`, or the first error.
Result<std::vector<Packet>> read_packets(ByteView data, PacketLimits limits = {});

// ---- writing ---------------------------------------------------------------

struct WriteStyle {
    Format format = Format::NewFormat;
    LengthKind length_kind = LengthKind::Definite;
    // For new-format partial: log2 of each chunk size (9..30); the last
    // chunk is written with a definite length.  RFC 4880 requires the first
    // chunk to be at least 512 bytes.
    unsigned partial_chunk_log2 = 13;
};

// Frames `body` as one packet.  Errors (bad_header) only for impossible
// combinations: old format with tag > 15, new format indeterminate, old
// format partial, chunk log2 out of range, body beyond 4 GiB - 1 for a
// definite length.
Result<void> append_packet(Bytes& out, Tag tag, ByteView body, WriteStyle style = {});
Result<Bytes> write_packet(Tag tag, ByteView body, WriteStyle style = {});

// New-format (and subpacket) definite length octets: 1, 2 or 5 bytes.
void append_new_length(Bytes& out, uint32_t length);

}  // namespace mixtasy::crypto
