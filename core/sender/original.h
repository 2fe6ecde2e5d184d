// SPDX-License-Identifier: BSD-2-Clause
// original.h - the sender's original message, made ready for wrapping
// (seed 000 6.2.1): cleaned of what names the sender, and split into one
// copy per recipient.
//
// WHAT IT DOES
//   prepare_originals(original, options) reads the original's header with
//   the one mail-header lexer (core/format/mail_header.h) and returns one
//   copy per distinct recipient of its To, Cc and Bcc fields, in order:
//     - each copy's header holds `To: <that recipient>` and no Cc or Bcc,
//       so the exit sees, and delivers to, exactly one recipient;
//     - the fields that name the sender, its software, its clock or the
//       thread (kStrippedFields: From, Message-ID, In-Reply-To, References,
//       User-Agent, X-Mailer, Date, and a few of the same kind) are left
//       out unless the sender keeps one by name (`--keep FIELD`);
//     - every other field line is copied byte for byte (folding and line
//       ends kept), the body too.
//   split_address_list(value) reads the addresses of one To-like value:
//   commas outside quotes, comments and angle brackets separate mailboxes;
//   groups ("name: a, b;") give their members.
//
// WHAT IT GUARANTEES
//   Every recipient is a strict addr-spec (mail_address.h), compared
//   case-insensitively for duplicates; the header of each copy ends as the
//   original's did, with the original's line ending.
//
// WHAT IT REFUSES (OriginalError)
//   BadHeader (the lexer's limits: 64 KiB of header, 998-byte lines, 500
//   fields), BadAddress (a mailbox that is no plain address),
//   NoRecipient, TooManyRecipients (over OriginalLimits::max_recipients).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/format/mail_header.h"

namespace mixtasy::core {

inline constexpr std::string_view kStrippedFields[] = {
    "From",         "Sender",     "Reply-To",    "Mail-Followup-To", "Message-ID",
    "In-Reply-To",  "References", "User-Agent",  "X-Mailer",         "Date",
    "Organization", "Received",   "Return-Path", "X-Originating-IP", "Face",
    "X-Face",
};

struct OriginalLimits {
    MailHeaderLimits header{};
    std::size_t max_recipients = 100;
    std::size_t max_list_entries = 1000;  // mailboxes in one field
};

struct OriginalOptions {
    std::vector<std::string> keep;  // field names kept although stripped by default
};

struct OriginalError {
    enum class Code { BadHeader, BadAddress, NoRecipient, TooManyRecipients };
    Code code;
    std::string detail;
};
const char* to_string(OriginalError::Code code) noexcept;

struct AddressedOriginal {
    std::string recipient;
    Bytes message;
};

Expected<std::vector<AddressedOriginal>, OriginalError> prepare_originals(
    ByteView original, const OriginalOptions& options, const OriginalLimits& limits = {});

// The plain addresses of one To-like field value, at most `max_entries`.
Expected<std::vector<std::string>, OriginalError> split_address_list(std::string_view value,
                                                                     std::size_t max_entries);

}  // namespace mixtasy::core
