// SPDX-License-Identifier: BSD-2-Clause
// admin_replies.cpp - the remailer-* reply texts; see admin_replies.h.
#include "core/admin/admin_replies.h"

#include <array>
#include <cstdio>
#include <map>
#include <sstream>

#include "common/ascii.h"
#include "crypto/key_io.h"

namespace mixtasy::core {
namespace {

// LF to CRLF, for text built with '\n' (the armor of export_public too).
std::string crlf(const std::string& text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
        out += text[i];
    }
    return out;
}

std::string join(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& s : items) out += (out.empty() ? "" : ", ") + s;
    return out.empty() ? "none" : out;
}

// The civil date of a UTC day number (days since 1970-01-01).
std::string date_of(std::int64_t day) {
    const std::chrono::sys_days d{std::chrono::days{day}};
    const std::chrono::year_month_day ymd{d};
    char buf[16];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
    return buf;
}

}  // namespace

std::string remailer_help(const AdminInfo& info) {
    std::ostringstream o;
    o << "This is " << info.address << ", a Mixtasy v1 mix node (" << info.version << ").\n"
      << "Modes: " << join(info.modes) << "\n\n"
      << "Send a message to " << info.address << " with one of these subjects:\n"
      << "  remailer-help      this text\n"
      << "  remailer-key       the node's public key\n"
      << "  remailer-stats     messages per day\n"
      << "  remailer-conf      modes, size limits, pool parameters\n"
      << "  remailer-adminkey  the operator's key\n";
    return crlf(o.str());
}

std::string remailer_key(const crypto::Certificate& cert) {
    return crlf(crypto::export_public(cert));
}

std::string remailer_stats(const std::vector<store::StatRow>& rows, std::int64_t first_day,
                           std::int64_t last_day) {
    struct Day {
        std::int64_t pooled = 0, sent = 0;
    };
    std::map<std::int64_t, Day> days;
    for (std::int64_t d = first_day; d <= last_day; ++d) days[d];
    const std::string pooled = to_string(Counter::Pooled), dummy = to_string(Counter::Dummy),
                      sent = to_string(Counter::Sent);
    for (const store::StatRow& r : rows) {
        auto it = days.find(r.day);
        if (it == days.end()) continue;
        // Cover traffic is counted into pooled, never shown on its own.
        if (r.counter == pooled || r.counter == dummy) it->second.pooled += r.value;
        if (r.counter == sent) it->second.sent += r.value;
    }
    std::ostringstream o;
    o << "Messages per UTC day (pooled includes cover traffic)\n"
      << "date        pooled    sent\n";
    for (auto it = days.rbegin(); it != days.rend(); ++it) {
        char line[64];
        std::snprintf(line, sizeof line, "%s %8lld %7lld\n", date_of(it->first).c_str(),
                      static_cast<long long>(it->second.pooled),
                      static_cast<long long>(it->second.sent));
        o << line;
    }
    return crlf(o.str());
}

std::string remailer_conf(const AdminInfo& info) {
    std::ostringstream o;
    o << "Remailer-Type: Mixtasy v1\n"
      << "Software: " << info.version << "\n"
      << "Address: " << info.address << "\n"
      << "Modes: " << join(info.modes) << "\n"
      << "Max-Message-Size: " << info.max_message_bytes << "\n"
      << "Max-Original-Size: " << info.max_original_bytes << "\n"
      << "Pool-Interval: " << info.pool_interval.count() << "\n"
      << "Pool-Min-Messages: " << info.pool_min_messages << "\n"
      << "Pool-Min-Keep: " << info.pool_min_keep << "\n"
      << "Pool-Fraction: " << info.pool_fraction << "\n"
      << "Blocked-Destinations: " << info.blocked_destinations << "\n"
      << "Exit-Rate-Per-Hour: "
      << (info.exit_rate_per_hour ? std::to_string(info.exit_rate_per_hour) : "unlimited") << "\n";
    return crlf(o.str());
}

std::string remailer_adminkey(const AdminInfo& info) {
    if (!info.admin_key) return crlf("This node's operator has not published a key.\n");
    return crlf(*info.admin_key);
}

}  // namespace mixtasy::core
