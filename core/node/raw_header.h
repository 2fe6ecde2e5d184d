// SPDX-License-Identifier: BSD-2-Clause
// raw_header.h - the header of an original as the exit rewrites it: each
// field whole, folded lines kept, under the exit's limits.
//
// WHAT IT DOES
//   read_raw_header(text, limits) runs the one mail-header lexer
//   (format/mail_header.h) over `text` and returns every field with its
//   lower-cased name and its raw text (folded lines joined with CRLF), and
//   where the body starts.  8-bit text passes (it is the recipient's mail),
//   and a message may be a header only.  Both exit jobs read an original
//   this way: the sanitizer (exit_headers.h) and the MIME normaliser
//   (exit_mime.h, also for the headers of MIME parts).
//
// WHAT IT REFUSES
//   What the lexer refuses under HeaderLimits: the lexer's own error.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "core/format/mail_header.h"

namespace mixtasy::core {

struct HeaderLimits {
    std::size_t max_header_bytes = 64 * 1024;
    std::size_t max_line_bytes = 4096;  // RFC 5322 says 998; be lenient in
    std::size_t max_fields = 500;
    std::size_t max_message_bytes = 4 * 1024 * 1024;
};

struct RawField {
    std::string name;  // lower case
    std::string raw;   // the whole field, folded lines joined with CRLF
};

struct RawHeader {
    std::vector<RawField> fields;
    std::size_t body_offset = 0;  // first byte after the blank line
};

Expected<RawHeader, MailHeaderError> read_raw_header(std::string_view text,
                                                     const HeaderLimits& limits);

}  // namespace mixtasy::core
