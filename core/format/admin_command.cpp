// SPDX-License-Identifier: BSD-2-Clause
// admin_command.cpp - see admin_command.h.
#include "core/format/admin_command.h"

#include <array>
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

}  // namespace

std::optional<AdminCommand> admin_command_of(std::string_view subject) noexcept {
    subject = ascii::trim_space(subject);
    for (const auto& [name, command] : kCommands) {
        if (ascii::iequals(subject, name)) return command;
    }
    if (is_help_with_language(subject)) return AdminCommand::Help;
    return std::nullopt;
}

const char* to_string(AdminCommand command) noexcept {
    for (const auto& [name, which] : kCommands) {
        if (which == command) return name.data();
    }
    return "remailer-help";
}

}  // namespace mixtasy::core
