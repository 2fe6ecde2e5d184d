// SPDX-License-Identifier: BSD-2-Clause
// exit_stamp.h - the Date and Message-ID of an exit delivery, written when
// the flusher sends it (core/pool/send_stamp.h), not when it arrived.
//
// WHAT IT DOES
//   ExitStamp implements the pool's SendStamp for exit deliveries: the
//   sanitized original waits in the pool WITHOUT Date and Message-ID
//   (core/node/exit_headers.h); at its first send delivery_id() makes a
//   random Message-ID (<32 hex digits@message_id_domain>), which the
//   flusher fixes in the pool row; stamp() inserts
//       Date: <the send time, RFC 5322, UTC>
//       Message-ID: <that id>
//   as the last two fields of the header.  A delivery repeated after a
//   crash gets a fresh Date but the same Message-ID, so the recipient's
//   software can recognise the repeat (issue 11, Medium 6).
//   rfc5322_date() and random_message_id() are the two helpers, for
//   whoever else writes those fields.
//
// WHAT IT GUARANTEES
//   The lines it adds end in CRLF and are under 998 bytes; the rest of the
//   message is copied unchanged.  Thread-safe given a thread-safe Random.
//   Why the pool's time and not the arrival's: a Date at arrival lets the
//   recipient match a delivery to the previous hop's SMTP session and
//   undoes the exit's pool (issue 11, High 2).
//
// WHAT IT REFUSES
//   A delivery id with CR, LF or NUL, or longer than one header line (only
//   a tampered store holds one): the message then goes without Message-ID
//   rather than with a broken header.  A domain that is not one line of
//   printable text: create() returns nullptr.
#pragma once

#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/time.h"
#include "core/pool/send_stamp.h"

namespace mixtasy::core {

class Random;

// "Thu, 01 Jan 1970 00:00:00 +0000"
std::string rfc5322_date(Instant now);
// "<" 32 lower-case hex digits of 16 random bytes "@" domain ">"
std::string random_message_id(Random& random, std::string_view domain);

class ExitStamp final : public SendStamp {
public:
    static std::unique_ptr<ExitStamp> create(std::string message_id_domain);

    std::string delivery_id(Random& random) override;
    Bytes stamp(ByteView message, std::string_view delivery_id, Instant now) override;

private:
    explicit ExitStamp(std::string domain) : domain_(std::move(domain)) {}
    std::string domain_;
};

}  // namespace mixtasy::core
