// plaintext.cpp - the classes of plaintext.h: mix message, admin command, other.
#include "core/node/plaintext.h"

#include <array>
#include <optional>
#include <utility>

#include "common/ascii.h"

namespace mixtasy::core {
namespace {

constexpr std::array<std::pair<std::string_view, AdminCommand>, 5> kCommands{{
    {"remailer-help", AdminCommand::Help},
    {"remailer-key", AdminCommand::Key},
    {"remailer-stats", AdminCommand::Stats},
    {"remailer-conf", AdminCommand::Conf},
    {"remailer-adminkey", AdminCommand::AdminKey},
}};

constexpr bool is_letter(char c) noexcept {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

// Mixmaster v2 6.2: `remailer-help-ar` asks for the help in Arabic, so
// help alone may carry a dash and a two-letter ISO 639 code.
bool is_help_with_language(std::string_view subject) noexcept {
    constexpr std::string_view help = "remailer-help-";
    return subject.size() == help.size() + 2 && ascii::istarts_with(subject, help) &&
           is_letter(subject[help.size()]) && is_letter(subject[help.size() + 1]);
}

std::optional<AdminCommand> admin_command(std::string_view subject) noexcept {
    subject = ascii::trim(subject);
    for (const auto& [name, command] : kCommands) {
        if (ascii::iequals(subject, name)) return command;
    }
    if (is_help_with_language(subject)) return AdminCommand::Help;
    return std::nullopt;
}

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

const char* to_string(AdminCommand command) noexcept {
    for (const auto& [name, which] : kCommands) {
        if (which == command) return name.data();
    }
    return "remailer-unknown";
}

MailClass classify_mail(ByteView message) {
    const std::string_view text = as_chars(message);
    auto header = parse_mail_header(text, kPlaintextHeaderLimits);
    if (!header) return {MailClass::Kind::MixMessage};
    if (header->find("Remailer-Type") != nullptr) return {MailClass::Kind::MixMessage};
    if (const MailField* subject = header->find("Subject")) {
        if (auto command = admin_command(subject->value))
            return {MailClass::Kind::AdminCommand, *command};
    }
    if (has_armor_line(text.substr(header->body_offset))) return {MailClass::Kind::MixMessage};
    return {MailClass::Kind::Other};
}

}  // namespace mixtasy::core
