// SPDX-License-Identifier: BSD-2-Clause
// submit.h - handing a finished Mixtasy message to the sender's mail
// system: the local `sendmail -i` binary, or SMTP submission with libcurl.
//
// WHAT IT DOES
//   submit(config, first_hop, message) sends `message` to the envelope
//   recipient `first_hop` (the route's first mix) with the configured
//   envelope sender:
//     - SmtpUrl set: libcurl, STARTTLS required on smtp:// unless SmtpTls
//       none, implicit TLS on smtps://, AUTH with SmtpUser and the first
//       line of SmtpPasswordFile where configured;
//     - else `Sendmail -i -f SENDER -- FIRST_HOP` with the message on
//       stdin (no -f for an explicit empty sender <>: -f '' is not portable;
//       the sendmail stand-in then uses its own default).
//
// WHAT IT GUARANTEES
//   Returns success only when the MTA accepted the message (sendmail exit
//   0, SMTP 250 after DATA).  The password is read when it is needed and
//   never printed.
//
// WHAT IT REFUSES (one-line reason)
//   No EnvelopeSender configured (before anything is sent: the caller
//   checks with envelope_sender_ready()), a sendmail that cannot be run or
//   exits non-zero, an SMTP failure (curl's message).
#pragma once

#include <string>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/sender/client_config.h"

namespace mixtasy::cli {

// Why sending cannot start with this config, or empty.
std::string submission_problem(const core::ClientConfig& config);

Expected<void, std::string> submit(const core::ClientConfig& config, const std::string& first_hop,
                                   ByteView message);

}  // namespace mixtasy::cli
