// SPDX-License-Identifier: BSD-2-Clause
// envelope.h - the SMTP envelope of one message, as the MTA saw it.
#pragma once

#include <string>
#include <vector>

namespace mixtasy::core {

struct Envelope {
    std::string sender;                   // MAIL FROM address, without <>; may be empty
    std::vector<std::string> recipients;  // RCPT TO addresses of this node only, without <>
};

}  // namespace mixtasy::core
