// SPDX-License-Identifier: BSD-2-Clause
// exit_headers.h - the header an exit node gives an original message
// before it delivers it (Mixmaster v2 section 6.5 as the floor).
//
// WHAT IT DOES
//   sanitize(original, recipient, now, random) rebuilds the header:
//   only the fields on the keep list survive (Subject, the one To that
//   exit_mime.h leaves, MIME fields, plus keep_extra); everything that
//   could identify the path or the sender goes: Received, Return-Path,
//   Message-ID, Date, Sender, From, Reply-To (unless allow_reply_to),
//   X-*, DKIM/ARC, User-Agent, Organization, Bcc, Resent-*, read-receipt
//   requests, ...  Then it adds: From = anonymous_from (or the original
//   From if the destination is on from_opt_in, destination_list.h) and the
//   disclaimer field if configured.  Date and Message-ID are NOT added
//   here: the row waits in the pool without them and the flusher stamps
//   both when it sends (exit_stamp.h), so Date is the send time.  The
//   body is kept, line ends normalised to CRLF.  The header is read with
//   mail_header.h's lexer; a message may be a header only.
//
// WHAT IT GUARANTEES
//   Output lines end in CRLF, no line of ours is longer than 998 bytes, no
//   field value we add carries CR or LF (options are checked by create()).
//   sanitize() is const and thread-safe given a thread-safe Random.  Never
//   throws for bad input.
//
// WHAT IT REFUSES (HeaderError, with the offset of the offending line)
//   A header over max_header_bytes or max_fields, a physical line over
//   max_line_bytes, a field name that is not printable ASCII, a first line
//   that is a continuation, NUL or bare CR in the header, a message over
//   max_message_bytes.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/node/destination_list.h"
#include "core/node/raw_header.h"  // HeaderLimits
#include "core/ports/clock.h"
#include "core/ports/random.h"

namespace mixtasy::core {

struct ExitHeaderOptions {
    std::string anonymous_from = "Anonymous <nobody@localhost>";  // From value
    std::string message_id_domain = "localhost";                  // right side of Message-ID
    std::string disclaimer_field = "Comments";                    // empty: no disclaimer
    std::string disclaimer =
        "This message was sent through an anonymous remailer. "
        "The operator cannot identify its sender.";
    std::vector<std::string> keep_extra;  // more field names to keep
    bool allow_reply_to = false;
    std::vector<std::string> from_opt_in;  // destinations that accept a chosen From
    HeaderLimits limits;
};

struct HeaderError {
    enum class Code {
        HeaderTooLarge,
        LineTooLong,
        TooManyFields,
        BadFieldName,
        ContinuationFirst,
        ForbiddenByte,
        MessageTooLarge,
    };
    Code code;
    std::size_t offset = 0;  // byte offset in the original where it failed
};

const char* to_string(HeaderError::Code code) noexcept;

class ExitHeaders {
public:
    // Refuses options that would let a configured value break the header
    // (CR, LF, NUL, over one line) or a malformed opt-in entry.
    static Expected<std::unique_ptr<ExitHeaders>, ExitOptionError> create(
        ExitHeaderOptions options);

    Expected<Bytes, HeaderError> sanitize(ByteView original, std::string_view recipient,
                                          Instant now, Random& random) const;

    const ExitHeaderOptions& options() const noexcept { return options_; }

private:
    explicit ExitHeaders(ExitHeaderOptions options);
    bool keeps(std::string_view field_name) const;
    bool opted_in(std::string_view recipient) const;

    ExitHeaderOptions options_;
    std::vector<std::string> keep_;  // lower-case field names
};

}  // namespace mixtasy::core
