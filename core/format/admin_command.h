// SPDX-License-Identifier: BSD-2-Clause
// admin_command.h - the remailer-* commands a plaintext message to a mix
// address may ask for by its Subject (Mixmaster v2 section 6.2).
//
// WHAT IT DOES
//   admin_command_of(subject) names the command a Subject asks for:
//   remailer-help, remailer-key, remailer-stats, remailer-conf or
//   remailer-adminkey, ASCII case-insensitive, blanks (and CR, LF) around ignored, and
//   remailer-help-XX (help in the language of the two-letter ISO 639 code
//   XX) as Help.  to_string gives the command's Subject.
//
// WHAT IT GUARANTEES
//   One list of commands for the node that classifies mail (node/plaintext.h)
//   and the room that answers it (admin/admin_replies.h).  Never throws.
//
// WHAT IT REFUSES
//   Anything else, including a command with more text around it: nullopt.
#pragma once

#include <optional>
#include <string_view>

namespace mixtasy::core {

enum class AdminCommand { Help, Key, Stats, Conf, AdminKey };

std::optional<AdminCommand> admin_command_of(std::string_view subject) noexcept;
const char* to_string(AdminCommand command) noexcept;  // "remailer-help", ...

}  // namespace mixtasy::core
