// SPDX-License-Identifier: BSD-2-Clause
// client_config.cpp - see client_config.h.  One table row per key, its
// check beside it.
#include "core/sender/client_config.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <set>

#include "common/ascii.h"
#include "core/format/mail_address.h"

namespace mixtasy::core {
namespace {

using SetResult = std::optional<std::string>;  // nullopt: accepted; else why not
using Setter = SetResult (*)(ClientConfig&, std::string_view);

std::optional<std::chrono::seconds> parse_duration(std::string_view s) {
    std::int64_t unit = 1;
    if (!s.empty() && (s.back() == 'h' || s.back() == 'm' || s.back() == 'd' || s.back() == 's')) {
        unit = s.back() == 'h' ? 3600 : s.back() == 'm' ? 60 : s.back() == 'd' ? 86400 : 1;
        s.remove_suffix(1);
    }
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size() || v < 0 ||
        v > 30 * 86400 / unit)
        return std::nullopt;
    return std::chrono::seconds(v * unit);
}

bool is_domain(std::string_view d) { return strict_addr_spec("x@" + std::string(d)).has_value(); }

SetResult url(std::string& out, std::string_view v,
              std::initializer_list<std::string_view> schemes) {
    for (auto s : schemes) {
        if (ascii::istarts_with(v, s) && v.size() > s.size() &&
            v.find_first_of(" \t") == std::string_view::npos) {
            out = std::string(v);
            return std::nullopt;
        }
    }
    return std::string("needs a URL starting ") + std::string(*schemes.begin());
}

SetResult path(std::string& out, std::string_view v) {
    if (v.empty() || v.front() == '-') return "needs a path";
    out = std::string(v);
    return std::nullopt;
}

// One more path for a key that may repeat (KeyFile, RankingKey).
SetResult append_domain(std::vector<std::string>& out, std::string_view v) {
    if (!is_domain(v)) return "needs a domain";
    out.push_back(ascii::lower(v));
    return std::nullopt;
}

SetResult append_path(std::vector<std::string>& out, std::string_view v) {
    std::string p;
    if (auto bad = path(p, v)) return bad;
    out.push_back(std::move(p));
    return std::nullopt;
}

SetResult duration(std::chrono::seconds& out, std::string_view v) {
    auto d = parse_duration(v);
    if (!d || d->count() == 0) return "needs a duration such as 12h (at most 30 days)";
    out = *d;
    return std::nullopt;
}

struct Key {
    std::string_view name;
    bool repeats;
    Setter set;
};

const std::array<Key, 15> kKeys{{
    {"KeyServer", true,
     [](ClientConfig& c, std::string_view v) -> SetResult {
         std::string u;
         if (auto bad = url(u, v, {"hkps://", "hkp://", "https://", "http://"})) return bad;
         c.key_servers.push_back(u);
         return std::nullopt;
     }},
    {"MixDomain", true,
     [](ClientConfig& c, std::string_view v) {
         return append_domain(c.mix_domains, v);
     }},
    {"KeyServiceDomain", true,
     [](ClientConfig& c, std::string_view v) {
         return append_domain(c.key_service_domains, v);
     }},
    {"KeyFile", true,
     [](ClientConfig& c, std::string_view v) {
         return append_path(c.key_files, v);
     }},
    {"Sendmail", false,
     [](ClientConfig& c, std::string_view v) {
         return path(c.sendmail, v);
     }},
    {"SmtpUrl", false,
     [](ClientConfig& c, std::string_view v) {
         return url(c.smtp_url, v, {"smtp://", "smtps://"});
     }},
    {"SmtpUser", false,
     [](ClientConfig& c, std::string_view v) -> SetResult {
         c.smtp_user = std::string(v);
         return std::nullopt;
     }},
    {"SmtpTls", false,
     [](ClientConfig& c, std::string_view v) -> SetResult {
         if (!ascii::iequals(v, "starttls") && !ascii::iequals(v, "none"))
             return "needs starttls or none";
         c.smtp_starttls = ascii::iequals(v, "starttls");
         return std::nullopt;
     }},
    {"SmtpPasswordFile", false,
     [](ClientConfig& c, std::string_view v) {
         return path(c.smtp_password_file, v);
     }},
    {"EnvelopeSender", false,
     [](ClientConfig& c, std::string_view v) -> SetResult {
         if (v == "<>") {
             c.envelope_sender = std::string();
             return std::nullopt;
         }
         if (!strict_addr_spec(v)) return "needs a plain address or <>";
         c.envelope_sender = std::string(v);
         return std::nullopt;
     }},
    {"SenderDomain", false,
     [](ClientConfig& c, std::string_view v) -> SetResult {
         if (!is_domain(v)) return "needs a domain";
         c.sender_domain = ascii::lower(v);
         return std::nullopt;
     }},
    {"MinSubkeyValidity", false,
     [](ClientConfig& c, std::string_view v) {
         return duration(c.min_subkey_validity, v);
     }},
    {"HalfLife", false,
     [](ClientConfig& c, std::string_view v) {
         return duration(c.half_life, v);
     }},
    {"MinRank", false,
     [](ClientConfig& c, std::string_view v) -> SetResult {
         std::size_t n = 0;
         const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
         if (v.empty() || ec != std::errc() || end != v.data() + v.size() || n > kMaxMinRank)
             return "needs a number of ranking keys (0 to " + std::to_string(kMaxMinRank) + ")";
         c.min_rank = n;
         return std::nullopt;
     }},
    {"RankingKey", true,
     [](ClientConfig& c, std::string_view v) {
         return append_path(c.ranking_keys, v);
     }},
}};

Unexpected<ClientConfigError> fail(std::size_t line, std::string detail) {
    return Unexpected{ClientConfigError{line, std::move(detail)}};
}

}  // namespace

Expected<ClientConfig, ClientConfigError> parse_client_config(std::string_view text) {
    if (text.size() > kMaxConfigBytes) return fail(0, "configuration file over 64 KiB");
    if (text.find('\0') != std::string_view::npos) return fail(0, "configuration holds a NUL byte");
    ClientConfig config;
    std::set<std::string_view> seen;
    std::size_t number = 0;
    while (!text.empty()) {
        const auto lf = text.find('\n');
        std::string_view line = text.substr(0, lf);
        text.remove_prefix(lf == std::string_view::npos ? text.size() : lf + 1);
        if (++number > kMaxLines) return fail(number, "too many lines");
        if (line.size() > kMaxLineBytes) return fail(number, "line too long");
        if (auto hash = line.find('#'); hash != std::string_view::npos) line = line.substr(0, hash);
        line = ascii::trim_space(line);
        if (line.empty()) continue;
        const auto gap = line.find_first_of(" \t");
        const std::string_view name = line.substr(0, gap);
        const std::string_view value = gap == std::string_view::npos
                                           ? std::string_view()
                                           : ascii::trim_space(line.substr(gap));
        const auto key = std::find_if(kKeys.begin(), kKeys.end(),
                                      [&](const Key& k) { return ascii::iequals(k.name, name); });
        if (key == kKeys.end()) return fail(number, "unknown key '" + std::string(name) + "'");
        if (value.empty() || value.find('\r') != std::string_view::npos)
            return fail(number, std::string(key->name) + " needs a value");
        if (!key->repeats && !seen.insert(key->name).second)
            return fail(number, std::string(key->name) + " given twice");
        if (auto bad = key->set(config, value))
            return fail(number, std::string(key->name) + ": " + *bad);
    }
    return config;
}

}  // namespace mixtasy::core
