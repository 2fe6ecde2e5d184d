// SPDX-License-Identifier: BSD-2-Clause
// plaintext.h - what kind of mail reached the mix address, before anything
// is decrypted: a mix message, an admin command, or other plain mail.
//
// WHAT IT DOES
//   classify_mail(message) reads the header (mail_header.h, bounded by
//   kPlaintextHeaderLimits) and, when needed, looks for an armor line in
//   the body:
//     MixMessage    a `Remailer-Type:` field (any value: a wrong one is the
//                   peel's to destroy), or a body line that starts with
//                   `-----BEGIN PGP ` (armor without the field), or a
//                   header that cannot be read at all;
//     AdminCommand  otherwise, a Subject that is one of Mixmaster v2 section
//                   6.2's commands (`remailer-help` with an optional
//                   `-xx` language suffix, `remailer-key`, `remailer-stats`,
//                   `remailer-conf`, `remailer-adminkey`), any case;
//     Other         everything else: plain mail an admin may want to read.
//
// WHAT IT GUARANTEES
//   Throws nothing but std::bad_alloc (Node::accept turns that into
//   TempFail); reads no more than the header limit plus one pass over the
//   body.  When in doubt it answers MixMessage: mix messages that fail
//   a check are destroyed (seed 000 6.4), so a doubt never keeps a
//   hostile message around.
//
// WHAT IT REFUSES
//   Nothing: every input gets a class.  Unreadable headers are MixMessage
//   (destroyed as malformed by the peel), never quarantined.
#pragma once

#include <string_view>

#include "common/bytes.h"
#include "core/format/admin_command.h"
#include "core/format/mail_header.h"

namespace mixtasy::core {

// The header of mail to the mix address: the same limits the peel applies
// to a received header, and a header that ends with the input is allowed
// (plain mail may have no body).
inline constexpr MailHeaderLimits kPlaintextHeaderLimits{64 * 1024, 998, 500, true, true};

struct MailClass {
    enum class Kind { MixMessage, AdminCommand, Other };
    Kind kind = Kind::MixMessage;
    AdminCommand which = AdminCommand::Help;  // with Kind::AdminCommand
};

MailClass classify_mail(ByteView message);

}  // namespace mixtasy::core
