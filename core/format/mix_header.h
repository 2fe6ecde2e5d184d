// SPDX-License-Identifier: BSD-2-Clause
// mix_header.h - the RFC 5322 header of a Mixtasy v1 mix message.
//
// WHAT IT DOES
//   parse_mix_header(bytes, limits) reads the header at the start of `bytes`
//   up to and including the empty line that ends it, and says where the
//   second line and the body begin.  serialize_mix_header(header) writes a
//   header the way every Mixtasy mix writes it.
//
// WHAT IT GUARANTEES
//   - Lines are read by the shared lexer (mail_header.h); the rules of this
//     header (Verification, the field count, the error codes) are kept here.
//   - Reads never go past limits.max_header_bytes: a header that does not end
//     by then is refused, however long the input is.
//   - LF and CRLF line ends are accepted; output always uses CRLF.
//   - A first line that begins with exactly "Verification: " (6.2.4: case-
//     sensitive, one space, no interpretation) becomes `verification`;
//     `second_line_offset` is then where the bytes covered by its hash start.
//   - Folded lines (continuations starting with space or tab) are unfolded
//     into the value with one space; values are trimmed of outer blanks.
//   - Output: Verification first if present, then the other fields sorted by
//     name (byte order, as the reference prototype does), each `Name: value`
//     with CRLF, then the empty CRLF line.
//
// WHAT IT REFUSES (FormatError)
//   A header without its empty line (HeaderTruncated) or beyond its limit
//   (HeaderTooLarge); a line over max_line_bytes; more than max_fields
//   fields; a line that is not `name: value` or holds NUL, a bare CR or
//   8-bit bytes (HeaderBadLine); any field named Verification in any case
//   other than the exact first line (VerificationMisplaced).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/ascii.h"  // callers compare field names with ascii::iequals
#include "common/bytes.h"
#include "common/expected.h"
#include "core/format/format_error.h"

namespace mixtasy::core {

struct MixHeaderLimits {
    std::size_t max_header_bytes = 4096;  // a mix header holds about 5 short fields
    std::size_t max_line_bytes = 998;     // RFC 5322 section 2.1.1
    std::size_t max_fields = 32;
};

struct HeaderField {
    std::string name;
    std::string value;
};

struct MixHeader {
    std::optional<std::string> verification;  // value of the exact first line
    std::vector<HeaderField> fields;          // all other fields, as received

    // The value of the first field called `name` (ASCII case-insensitive).
    const std::string* find(std::string_view name) const;
    // How many fields are called `name`.
    std::size_t count(std::string_view name) const;
    // Replace every field called `name` by one with `value`.
    void set(std::string_view name, std::string value);
};

struct ParsedHeader {
    MixHeader header;
    std::size_t second_line_offset = 0;  // first byte after line one
    std::size_t body_offset = 0;         // first byte after the empty line
};

Expected<ParsedHeader, FormatError> parse_mix_header(ByteView message,
                                                     const MixHeaderLimits& limits = {});

// The header as bytes: Verification line (if set), sorted fields, empty line.
std::string serialize_mix_header(const MixHeader& header);

// Only the part the Verification hash covers begins with: everything but the
// Verification line (sorted fields and the empty line).
std::string serialize_fields(const MixHeader& header);

}  // namespace mixtasy::core
