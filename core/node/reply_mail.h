// SPDX-License-Identifier: BSD-2-Clause
// reply_mail.h - the mail a node service sends back: a remailer-* answer or
// a keys@ reply, clearsigned with the node key, to the envelope sender.
//
// WHAT IT DOES
//   build_reply(header, text, signer, now, random) returns the complete
//   message: From, To, Subject, Date, Message-ID, MIME-Version,
//   Content-Type text/plain, Auto-Submitted: auto-replied (RFC 3834, so
//   that vacation programs do not answer the answer), an empty line, then
//   `text` as a cleartext signed message (core/admin/signed_reply.h) made
//   with `signer`, the node's primary key (Mixmaster v2 section 7).
//
// WHAT IT GUARANTEES
//   Lines end in CRLF.  No header line is built from unchecked text: From
//   and To must be strict addresses (mail_address.h), Subject printable
//   ASCII without line breaks, so a forged envelope sender cannot inject a
//   header.  The requester's address appears only in To (and is the RCPT
//   of the pool row the caller builds), never in a log.
//
// WHAT IT REFUSES (a one-line reason, no address in it)
//   "bad-recipient" (To not a strict address, or empty: the null sender of
//   a bounce gets no reply), "bad-sender", "bad-subject", or the signer's
//   failure ("signing: ...").
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/expected.h"
#include "common/time.h"
#include "crypto/key_packet.h"

namespace mixtasy::core {

class Random;

struct ReplyHeader {
    std::string from;     // the service address that answers (keys@, mixtasy@)
    std::string to;       // the envelope sender of the request
    std::string subject;  // e.g. "Re: remailer-key"
};

Expected<Bytes, std::string> build_reply(const ReplyHeader& header, std::string_view text,
                                         const crypto::SecretKey& signer, Instant now,
                                         Random& random);

}  // namespace mixtasy::core
