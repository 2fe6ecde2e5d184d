// SPDX-License-Identifier: BSD-2-Clause
// mail_header.h - one bounded reader of RFC 5322 header text, for every
// part of the node that reads a mail header (mix header, exit sanitizer,
// received mix messages, the sender's original, later admin-command and
// key-service mail).
//
// WHAT IT DOES
//   Three levels, each on top of the one before:
//   - HeaderLines splits text into physical lines at LF (one CR before the
//     LF is dropped), looking no further than max_header_bytes.  No other
//     check: callers that only need the end of a header use it.
//   - HeaderLexer classifies each line as the start of a field (`name:
//     value`), a folded continuation (starts with space or tab) or the End
//     of the header (the empty line, or the input's end where allowed), and
//     enforces the limits below.  Callers with rules of their own (the
//     Verification line of seed 000 6.2.4) read its tokens.
//   - parse_mail_header() collects the fields with their unfolded values.
//
// WHAT IT GUARANTEES
//   - Never reads past max_header_bytes: a header that does not end by then
//     is refused however long the input is.  Views point into the input.
//   - Errors carry the byte offset of the line that broke a rule (stop
//     reading at the first one: the reader does not resynchronise); when
//     several rules are broken, the first line that breaks one decides, and
//     on that line the header limit comes before the line limit, then bytes,
//     then the line's shape, then the field count.
//   - Unfolding (unfold_into): each continuation's outer blanks are trimmed
//     and it is joined to the value with one space; empty ones add nothing.
//
// WHAT IT REFUSES (MailHeaderError, with the offset)
//   HeaderTooLarge (no line end within max_header_bytes), LineTooLong (a
//   line over max_line_bytes, its line end not counted), Truncated (input
//   ends before the empty line, unless allow_header_only), ForbiddenByte
//   (NUL, a CR not before LF, bytes >= 0x80 unless allow_8bit),
//   ContinuationFirst (a folded line before any field), BadFieldName (no
//   colon, or a name that is empty or not printable ASCII), TooManyFields.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"

namespace mixtasy::core {

struct MailHeaderLimits {
    std::size_t max_header_bytes = 64 * 1024;
    std::size_t max_line_bytes = 998;  // RFC 5322 section 2.1.1
    std::size_t max_fields = 500;
    bool allow_8bit = true;          // RFC 6532 UTF-8 header text
    bool allow_header_only = false;  // the input's end may end the header
};

struct MailHeaderError {
    enum class Code {
        HeaderTooLarge,
        LineTooLong,
        Truncated,
        ForbiddenByte,
        ContinuationFirst,
        BadFieldName,
        TooManyFields,
    };
    Code code;
    std::size_t offset = 0;  // first byte of the offending line
};

const char* to_string(MailHeaderError::Code code) noexcept;

// One physical line.
struct HeaderLine {
    std::string_view text;   // without LF and the one CR before it
    std::size_t offset = 0;  // its first byte
    std::size_t next = 0;    // first byte after its line end
    bool terminated = true;  // false: the input ended without an LF
};

class HeaderLines {
public:
    HeaderLines(std::string_view text, std::size_t max_header_bytes, std::size_t max_line_bytes);
    // The next line; nullopt at the end of the input; HeaderTooLarge or
    // LineTooLong as above.
    Expected<std::optional<HeaderLine>, MailHeaderError> next();

private:
    std::string_view text_;
    std::size_t window_;  // min(text size, max_header_bytes)
    std::size_t max_line_;
    std::size_t pos_ = 0;
};

struct HeaderToken {
    enum class Kind { Field, Continuation, End };
    Kind kind = Kind::End;
    HeaderLine line;         // End: the empty line, or empty at the input's end
    std::string_view name;   // Field: before the colon, as written
    std::string_view value;  // Field: after the colon, untrimmed
    // End: first byte of the body (the input's size if it has none).
    std::size_t body_offset() const noexcept { return line.next; }
};

class HeaderLexer {
public:
    HeaderLexer(std::string_view text, const MailHeaderLimits& limits);
    // The next token; after End, End again.
    Expected<HeaderToken, MailHeaderError> next();

private:
    Expected<HeaderToken, MailHeaderError> classify(const HeaderLine& line);

    HeaderLines lines_;
    MailHeaderLimits limits_;
    std::size_t size_;
    std::size_t fields_ = 0;
    std::optional<HeaderToken> end_;
};

struct MailField {
    std::string_view name;  // as written
    std::string value;      // unfolded, outer blanks trimmed
    std::size_t offset = 0;
};

struct MailHeader {
    std::vector<MailField> fields;
    std::size_t body_offset = 0;

    // The first field called `name` (ASCII case-insensitive), or nullptr.
    const MailField* find(std::string_view name) const;
};

Expected<MailHeader, MailHeaderError> parse_mail_header(std::string_view text,
                                                        const MailHeaderLimits& limits = {});

// Appends one folded continuation line to a field value (see above).
void unfold_into(std::string& value, std::string_view continuation);

// RFC 5322 ftext: printable US-ASCII except colon, at least one byte.
bool is_field_name(std::string_view name) noexcept;

}  // namespace mixtasy::core
