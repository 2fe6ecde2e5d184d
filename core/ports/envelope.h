// SPDX-License-Identifier: BSD-2-Clause
// envelope.h - the SMTP envelope of one message, as the MTA saw it.
#pragma once

#include <string>
#include <vector>

namespace mixtasy::core {

struct Envelope {
    std::string sender;                   // MAIL FROM address, without <>; may be empty
    std::vector<std::string> recipients;  // RCPT TO addresses of this node only, without <>
    // The login the MTA authenticated the sender as (the {auth_authen}
    // macro); empty if none.  Only as trustworthy as the milter socket:
    // seed 004's Key Publication relies on it, nothing else does.
    std::string authenticated{};  // initializer: Envelope{sender, rcpts} stays valid
};

}  // namespace mixtasy::core
