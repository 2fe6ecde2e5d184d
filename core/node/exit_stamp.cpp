// SPDX-License-Identifier: BSD-2-Clause
// exit_stamp.cpp - see exit_stamp.h.
#include "core/node/exit_stamp.h"

#include <array>
#include <chrono>
#include <cstdio>

#include "core/ports/random.h"

namespace mixtasy::core {
namespace {

constexpr std::size_t max_our_line = 998;  // RFC 5322 line limit
constexpr std::size_t max_domain = 253;    // RFC 1035, as text

bool one_printable_line(std::string_view s) {
    for (char c : s) {
        if (static_cast<unsigned char>(c) < 0x21 || c == 0x7f) return false;
    }
    return true;
}

void append_field(Bytes& out, std::string_view name, std::string_view value) {
    out.insert(out.end(), name.begin(), name.end());
    out.push_back(':');
    out.push_back(' ');
    out.insert(out.end(), value.begin(), value.end());
    out.push_back('\r');
    out.push_back('\n');
}

// Where the header ends: after the CRLF of its last field.  The exit's
// sanitizer always writes a header and a blank line; should a message have
// none, the fields go first, which is still a valid header.
std::size_t end_of_header(ByteView message) {
    static constexpr std::string_view blank = "\r\n\r\n";
    const std::string_view text = as_chars(message);
    if (text.starts_with("\r\n")) return 0;
    const std::size_t at = text.find(blank);
    return at == std::string_view::npos ? 0 : at + 2;
}

}  // namespace

std::string rfc5322_date(Instant now) {
    static constexpr std::array<const char*, 7> weekdays = {"Sun", "Mon", "Tue", "Wed",
                                                            "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months = {
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    const auto day = std::chrono::floor<std::chrono::days>(now);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{now - day};
    const std::chrono::weekday wd{day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                  weekdays[wd.c_encoding()], static_cast<unsigned>(ymd.day()),
                  months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

std::string random_message_id(Random& random, std::string_view domain) {
    static constexpr char hex[] = "0123456789abcdef";
    const Bytes id = random.bytes(16);
    std::string out = "<";
    for (std::uint8_t b : id) {
        out.push_back(hex[b >> 4]);
        out.push_back(hex[b & 15]);
    }
    out.append("@").append(domain).append(">");
    return out;
}

std::unique_ptr<ExitStamp> ExitStamp::create(std::string message_id_domain) {
    if (message_id_domain.empty() || message_id_domain.size() > max_domain ||
        !one_printable_line(message_id_domain))
        return nullptr;
    return std::unique_ptr<ExitStamp>(new ExitStamp(std::move(message_id_domain)));
}

std::string ExitStamp::delivery_id(Random& random) { return random_message_id(random, domain_); }

Bytes ExitStamp::stamp(ByteView message, std::string_view delivery_id, Instant now) {
    Bytes fields;
    append_field(fields, "Date", rfc5322_date(now));
    if (!delivery_id.empty() && delivery_id.size() + 12 <= max_our_line &&
        one_printable_line(delivery_id))
        append_field(fields, "Message-ID", delivery_id);

    const std::size_t at = end_of_header(message);
    Bytes out;
    out.reserve(message.size() + fields.size());
    out.insert(out.end(), message.begin(), message.begin() + static_cast<std::ptrdiff_t>(at));
    out.insert(out.end(), fields.begin(), fields.end());
    out.insert(out.end(), message.begin() + static_cast<std::ptrdiff_t>(at), message.end());
    return out;
}

}  // namespace mixtasy::core
