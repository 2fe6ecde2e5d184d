// SPDX-License-Identifier: BSD-2-Clause
// transport.h - how core hands a message to the mail system for delivery.
//
// core owns this interface; the milter implements it with SMTP to the MTA's
// reinjection listener (or the MTA's sendmail binary), tests with a fake.
// send() returns only after the MTA accepted (Accepted) or refused the
// message; a row is marked sent only on Accepted, so a crash in between
// resends it (at least once; the next mix's replay cache makes it once).
#pragma once

#include <string>

#include "common/bytes.h"

namespace mixtasy::core {

struct OutgoingMessage {
    std::string envelope_from;  // MAIL FROM for the reinjection
    std::string recipient;      // RCPT TO: next mix address, or final recipient
    ByteView message;           // complete RFC 5322 message, CRLF line ends
};

enum class SendResult {
    Accepted,  // the MTA took responsibility (250 after DATA)
    TempFail,  // try again later (4xx, connection failure, timeout)
    PermFail,  // the MTA refused it for good (5xx)
};

class Transport {
public:
    virtual ~Transport() = default;
    virtual SendResult send(const OutgoingMessage& msg) = 0;
};

}  // namespace mixtasy::core
