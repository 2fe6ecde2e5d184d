// SPDX-License-Identifier: BSD-2-Clause
// reply_mail.cpp - header checks, then the clearsigned body.
#include "core/node/reply_mail.h"

#include "core/admin/signed_reply.h"
#include "core/format/mail_address.h"
#include "core/node/exit_stamp.h"
#include "core/ports/random.h"
#include "crypto/key.h"

namespace mixtasy::core {
namespace {

bool printable_line(std::string_view text) {
    if (text.empty() || text.size() > 200) return false;
    for (char c : text) {
        if (c < 0x20 || c > 0x7e) return false;
    }
    return true;
}

bool strict_whole(std::string_view text) {
    auto spec = strict_addr_spec(text);
    return spec && spec->address == text;
}

std::string domain_of(std::string_view address) {
    const auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string("localhost")
                                        : std::string(address.substr(at + 1));
}

}  // namespace

Expected<Bytes, std::string> build_reply(const ReplyHeader& header, std::string_view text,
                                         const crypto::SecretKey& signer, Instant now,
                                         Random& random) {
    if (!strict_whole(header.to)) return Unexpected{std::string("bad-recipient")};
    if (!strict_whole(header.from)) return Unexpected{std::string("bad-sender")};
    if (!printable_line(header.subject)) return Unexpected{std::string("bad-subject")};
    auto signed_text = clearsign(signer, text, crypto::to_timestamp(now), random);
    if (!signed_text) return Unexpected{"signing: " + signed_text.error()};
    std::string mail;
    mail.reserve(signed_text->size() + 512);
    mail += "From: " + header.from + "\r\n";
    mail += "To: " + header.to + "\r\n";
    mail += "Subject: " + header.subject + "\r\n";
    mail += "Date: " + rfc5322_date(now) + "\r\n";
    mail += "Message-ID: " + random_message_id(random, domain_of(header.from)) + "\r\n";
    mail += "MIME-Version: 1.0\r\n";
    mail += "Content-Type: text/plain; charset=us-ascii\r\n";
    mail += "Auto-Submitted: auto-replied\r\n";
    mail += "\r\n";
    mail += *signed_text;
    return Bytes(mail.begin(), mail.end());
}

}  // namespace mixtasy::core
