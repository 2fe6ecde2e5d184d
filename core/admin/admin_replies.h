// SPDX-License-Identifier: BSD-2-Clause
// admin_replies.h - the texts of the remailer-* commands (Mixmaster v2
// section 6.2) that a node answers when a plaintext message to its mix
// address has one of them as its Subject.
//
// WHAT IT DOES
//   admin_command_of(subject)  (format/admin_command.h) the command a Subject names: one of
//       remailer-help, remailer-key, remailer-stats, remailer-conf,
//       remailer-adminkey, ASCII case-insensitive, blanks around ignored.
//   remailer_help(info)        what the node is and which commands it knows
//   remailer_key(cert)         the node's current public key, armored
//   remailer_stats(rows, first_day, last_day)
//                              messages per UTC day from the store's daily
//                              counters: pooled (real and cover traffic in
//                              one number) and sent
//   remailer_conf(info)        modes, size limits (the largest original an
//                              exit takes), pool parameters, block-list
//                              policy, software version
//   remailer_adminkey(info)    the operator's key, or a line saying none
//
// WHAT IT GUARANTEES
//   Only aggregate per-day numbers: no per-message data, and no separate
//   count of dummies (Dummy is added into pooled), so the stats never tell
//   cover traffic from real traffic.  Lines end in CRLF, as mail does.
//   Pure functions: the node builds the message around the text, signs and
//   sends it through the pool transport, rate limited (the lead's wiring).
//
// WHAT IT REFUSES
//   Any other Subject (nullopt): the hardening rules decide what happens to
//   other plaintext mail to the mix address.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/format/admin_command.h"
#include "core/stats/counters.h"
#include "crypto/key.h"

namespace mixtasy::core {

struct AdminInfo {
    std::string address;  // mixtasy@fqdn
    std::string version;  // "mixtasy-milter 0.1.0"
    std::vector<std::string> modes;
    std::size_t max_message_bytes = 0;   // a mix message the node accepts
    std::size_t max_original_bytes = 0;  // the largest original the exit delivers
    std::chrono::seconds pool_interval{0};
    std::size_t pool_min_messages = 0;
    std::size_t pool_min_keep = 0;
    double pool_fraction = 0;
    std::size_t blocked_destinations = 0;  // entries of the block list
    std::size_t exit_rate_per_hour = 0;    // 0: no limit
    std::optional<std::string> admin_key;  // armored operator key
};

std::string remailer_help(const AdminInfo& info);
std::string remailer_key(const crypto::Certificate& cert);
std::string remailer_stats(const std::vector<store::StatRow>& rows, std::int64_t first_day,
                           std::int64_t last_day);
std::string remailer_conf(const AdminInfo& info);
std::string remailer_adminkey(const AdminInfo& info);

}  // namespace mixtasy::core
