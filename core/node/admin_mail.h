// SPDX-License-Identifier: BSD-2-Clause
// admin_mail.h - the answer to one remailer-* command mailed to the mix
// address (Mixmaster v2 section 6.2): which text, under which Subject.
//
// WHAT IT DOES
//   admin_reply_text(command, sources) picks core/admin/admin_replies.h's
//   text for the command: help and conf from the node's AdminInfo, key from
//   its certificate, stats from the store's per-day counters of the last
//   kStatsDays UTC days (today included), adminkey from the operator's key
//   file (<home>/adminkey.asc, read by the node when it answers).
//   admin_reply_subject(command) is "Re: remailer-key" and so on.
//
// WHAT IT GUARANTEES
//   Pure: the node reads the store and files, this picks and formats.  The
//   stats are aggregates only (admin_replies.h: no separate dummy count).
//
// WHAT IT REFUSES
//   Nothing: every command has an answer; an absent operator key is a line
//   saying so.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "common/build_config.h"
#include "core/admin/admin_replies.h"
#include "core/format/admin_command.h"
#include "crypto/key.h"
#include "store/store.h"

namespace mixtasy::core {

// The software and version remailer-help and remailer-conf report: the one
// place it is spelled (the packaging may derive it from CMake's project()).
inline constexpr const char* kNodeSoftware = build::kSoftware;
inline constexpr std::int64_t kStatsDays = 7;

struct AdminSources {
    const AdminInfo& info;
    const crypto::Certificate& cert;
    std::vector<store::StatRow> stats;  // days [first_day, last_day]
    std::int64_t first_day = 0;
    std::int64_t last_day = 0;
};

std::string admin_reply_text(AdminCommand command, const AdminSources& sources);
std::string admin_reply_subject(AdminCommand command);

}  // namespace mixtasy::core
