// SPDX-License-Identifier: BSD-2-Clause
// key_summary.cpp - see key_summary.h.
#include "cli/key_summary.h"

#include <ctime>
#include <string>

namespace mixtasy::cli {
namespace {

std::string utc(crypto::Timestamp t) {
    const std::time_t tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return text;
}

}  // namespace

void print_key_summary(const crypto::Certificate& cert, std::ostream& out) {
    out << "fingerprint " << crypto::to_hex(cert.fingerprint()) << "\n"
        << "user ID     " << cert.user_ids.front().text << "\n";
    for (const auto& sub : cert.subkeys)
        out << "subkey      " << crypto::to_hex(sub.key.key_id) << " encrypt, expires "
            << (sub.expires ? utc(*sub.expires) : std::string("never")) << "\n";
}

}  // namespace mixtasy::cli
