// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the class of mail to the mix address
// (core/node/plaintext.h).  Invariants checked: no crash; the answer is one
// of the three kinds; an admin command comes only from a Subject naming one
// of the commands; the same input always gets the same class.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "common/ascii.h"
#include "core/node/plaintext.h"

using namespace mixtasy;
using namespace mixtasy::core;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const ByteView input(data, size);
    const MailClass first = classify_mail(input);
    const MailClass again = classify_mail(input);
    if (first.kind != again.kind || first.which != again.which) std::abort();
    switch (first.kind) {
        case MailClass::Kind::MixMessage:
        case MailClass::Kind::Other: break;
        case MailClass::Kind::AdminCommand: {
            const std::string text = ascii::lower(as_chars(input));
            if (text.find("subject") == std::string::npos ||
                text.find("remailer-") == std::string::npos)
                std::abort();
            break;
        }
        default: std::abort();
    }
    return 0;
}
