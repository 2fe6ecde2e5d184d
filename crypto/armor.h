// SPDX-License-Identifier: BSD-2-Clause
// armor.h - OpenPGP ASCII armor (RFC 4880 section 6, RFC 9580 section 6).
//
// What it does
//   armor_decode() finds the first "-----BEGIN <label>-----" line, reads the
//   armor headers up to the blank line, base64-decodes the body and checks
//   the optional "=XXXX" CRC24 line against the data.  Any label is
//   accepted (gpg --enarmor writes "PGP ARMORED FILE"); the END line must
//   name the same label.  armor_encode() writes 64-column base64 with a
//   CRC24 line; armor_append() writes the same into a byte buffer, with CRLF
//   and without the CRC line if asked.  is_armored() tells armored text from binary packets, and
//   to_binary() returns the packet bytes of either.
//
// Tolerance (as gpg)
//   CRLF or LF line endings, trailing spaces and tabs on any line, text
//   before the BEGIN line (a BEGIN line starting within the first
//   max_leading_text bytes), a missing blank line when the first line after
//   BEGIN is not a header, a missing CRC line.  is_armored() and to_binary()
//   see the same text before BEGIN as armor_decode() does.
//
// Limits and refusals (ArmorLimits)
//   - Input above max_input_size, a line above max_line_length, more than
//     max_headers headers: limit_exceeded.  No BEGIN line within
//     max_leading_text bytes, no END line, mismatched
//     labels, bad base64: bad_armor.  CRC mismatch: bad_checksum.  Offsets
//     in errors point at the start of the offending line.
//   - The decoded data is plain Bytes: callers that decode secret keys
//     scrub it (key_io.cpp does).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/bytes.h"
#include "crypto/error.h"

namespace mixtasy::crypto {

struct ArmorLimits {
    std::size_t max_input_size = 64u * 1024 * 1024;
    std::size_t max_line_length = 4096;
    std::size_t max_headers = 64;
    std::size_t max_leading_text = 8 * 1024;  // bytes before the BEGIN line
};

struct Armored {
    std::string label;  // e.g. "PGP MESSAGE", "PGP PUBLIC KEY BLOCK"
    std::vector<std::pair<std::string, std::string>> headers;
    Bytes data;
    bool had_checksum = false;
};

inline constexpr std::string_view kLabelMessage = "PGP MESSAGE";
inline constexpr std::string_view kLabelPublicKey = "PGP PUBLIC KEY BLOCK";
inline constexpr std::string_view kLabelPrivateKey = "PGP PRIVATE KEY BLOCK";
inline constexpr std::string_view kLabelSignature = "PGP SIGNATURE";
inline constexpr std::string_view kLabelArmoredFile = "PGP ARMORED FILE";  // gpg --enarmor

Result<Armored> armor_decode(ByteView text, const ArmorLimits& limits = {});

std::string armor_encode(ByteView data, std::string_view label = kLabelMessage,
                         const std::vector<std::pair<std::string, std::string>>& headers = {});

// How armor_append writes.  RFC 9580 section 6.1: new writers SHOULD NOT
// emit the CRC24 line and readers MUST NOT need it (gpg never did); it
// costs a pass over the data for nothing where something stronger checks
// the contents anyway, as the Verification hash does on a mix message.
struct ArmorStyle {
    bool crlf = false;     // CRLF line ends, as mail on the wire has them
    bool checksum = true;  // the "=XXXX" CRC24 line
};

// armor_encode's text appended to `out`, in `style`, without armor headers.
void armor_append(Bytes& out, ByteView data, std::string_view label, const ArmorStyle& style);

// OpenPGP CRC24 (init 0xB704CE, generator 0x1864CFB), via Botan.
uint32_t crc24(ByteView data);

// True when a line of `input` starting within limits.max_leading_text
// bytes is, after blanks, "-----BEGIN ...".  Input whose first non-space
// byte has bit 7 set is binary (every OpenPGP packet header has it), however
// it continues.  Reads at most max_leading_text bytes plus one line.
bool is_armored(ByteView input, const ArmorLimits& limits = {}) noexcept;

// Binary packets from armored or binary input.
Result<Bytes> to_binary(ByteView input, const ArmorLimits& limits = {});

}  // namespace mixtasy::crypto
