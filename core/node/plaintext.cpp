// SPDX-License-Identifier: BSD-2-Clause
// plaintext.cpp - the classes of plaintext.h: mix message, admin command, other.
#include "core/node/plaintext.h"

#include <array>
#include <optional>
#include <utility>

#include "common/ascii.h"

namespace mixtasy::core {
namespace {

// A line of the body that opens OpenPGP armor: the body of a mix message
// whose Remailer-Type field an MTA or a client lost.
bool has_armor_line(std::string_view body) noexcept {
    constexpr std::string_view begin = "-----BEGIN PGP ";
    for (std::size_t at = body.find(begin); at != std::string_view::npos;
         at = body.find(begin, at + 1)) {
        if (at == 0 || body[at - 1] == '\n') return true;
    }
    return false;
}

}  // namespace

MailClass classify_mail(ByteView message) {
    const std::string_view text = as_chars(message);
    auto header = parse_mail_header(text, kPlaintextHeaderLimits);
    if (!header) return {MailClass::Kind::MixMessage};
    if (header->find("Remailer-Type") != nullptr) return {MailClass::Kind::MixMessage};
    if (const MailField* subject = header->find("Subject")) {
        if (auto command = admin_command_of(subject->value))
            return {MailClass::Kind::AdminCommand, *command};
    }
    if (has_armor_line(text.substr(header->body_offset))) return {MailClass::Kind::MixMessage};
    return {MailClass::Kind::Other};
}

}  // namespace mixtasy::core
