// SPDX-License-Identifier: BSD-2-Clause
// hkp_index.cpp - the HKP machine-readable index; see hkp_index.h.
#include "core/publish/hkp_index.h"

#include <charconv>

#include "common/ascii.h"

namespace mixtasy::core {
namespace {

using Result = Expected<std::vector<HkpIndexEntry>, HkpIndexError>;

Unexpected<HkpIndexError> fail(HkpIndexError::Code code, std::size_t line, std::string detail) {
    return Unexpected{HkpIndexError{code, line, std::move(detail)}};
}

std::vector<std::string_view> split_fields(std::string_view line) {
    std::vector<std::string_view> out;
    std::size_t start = 0;
    while (true) {
        const std::size_t colon = line.find(':', start);
        out.push_back(line.substr(start, colon - start));
        if (colon == std::string_view::npos) return out;
        start = colon + 1;
    }
}

std::string_view field(const std::vector<std::string_view>& f, std::size_t i) {
    return i < f.size() ? f[i] : std::string_view{};
}

// An empty field is an absent time; anything else must be decimal seconds.
bool parse_time(std::string_view s, std::optional<std::uint64_t>& out) {
    if (s.empty()) return true;
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc{} || end != s.data() + s.size()) return false;
    out = v;
    return true;
}

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    const char l = ascii::lower(c);
    if (l >= 'a' && l <= 'f') return l - 'a' + 10;
    return -1;
}

bool parse_key_id(std::string_view s, std::string& out) {
    if (s.size() != 8 && s.size() != 16 && s.size() != 40 && s.size() != 64) return false;
    out.clear();
    for (char c : s) {
        if (hex_value(c) < 0) return false;
        out += (c >= 'a' && c <= 'f') ? static_cast<char>(c - 'a' + 'A') : c;
    }
    return true;
}

bool unescape(std::string_view s, std::string& out) {
    out.clear();
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out += s[i];
            continue;
        }
        if (i + 2 >= s.size()) return false;
        const int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
        if (hi < 0 || lo < 0) return false;
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
    }
    return true;
}

Expected<void, HkpIndexError> read_info(const std::vector<std::string_view>& f, std::size_t n) {
    if (field(f, 1) != "1")
        return fail(HkpIndexError::Code::BadVersion, n, "index version is not 1");
    return {};
}

Expected<void, HkpIndexError> read_pub(const std::vector<std::string_view>& f, std::size_t n,
                                       const HkpIndexLimits& limits,
                                       std::vector<HkpIndexEntry>& out) {
    if (out.size() >= limits.max_entries)
        return fail(HkpIndexError::Code::LimitExceeded, n,
                    "more than " + std::to_string(limits.max_entries) + " keys");
    HkpIndexEntry e;
    if (!parse_key_id(field(f, 1), e.key_id))
        return fail(HkpIndexError::Code::Malformed, n, "pub key ID is not a hex key ID");
    if (!parse_time(field(f, 4), e.created) || !parse_time(field(f, 5), e.expires))
        return fail(HkpIndexError::Code::Malformed, n, "pub time is not a number");
    e.flags = std::string(field(f, 6));
    out.push_back(std::move(e));
    return {};
}

Expected<void, HkpIndexError> read_uid(const std::vector<std::string_view>& f, std::size_t n,
                                       const HkpIndexLimits& limits,
                                       std::vector<HkpIndexEntry>& out) {
    if (out.empty()) return fail(HkpIndexError::Code::Malformed, n, "uid before any pub");
    if (out.back().uids.size() >= limits.max_uids_per_entry)
        return fail(HkpIndexError::Code::LimitExceeded, n,
                    "more than " + std::to_string(limits.max_uids_per_entry) + " uids");
    HkpIndexUid u;
    if (!unescape(field(f, 1), u.text))
        return fail(HkpIndexError::Code::Malformed, n, "bad %-escape in uid");
    if (!parse_time(field(f, 2), u.created) || !parse_time(field(f, 3), u.expires))
        return fail(HkpIndexError::Code::Malformed, n, "uid time is not a number");
    u.flags = std::string(field(f, 4));
    out.back().uids.push_back(std::move(u));
    return {};
}

}  // namespace

const char* to_string(HkpIndexError::Code code) noexcept {
    switch (code) {
        case HkpIndexError::Code::LimitExceeded: return "limit_exceeded";
        case HkpIndexError::Code::BadVersion: return "bad_version";
        case HkpIndexError::Code::Malformed: return "malformed";
    }
    return "malformed";
}

Result parse_hkp_index(std::string_view text, const HkpIndexLimits& limits) {
    if (text.size() > limits.max_bytes)
        return fail(HkpIndexError::Code::LimitExceeded, 0, "index above the size limit");
    std::vector<HkpIndexEntry> out;
    std::size_t n = 0;
    while (!text.empty()) {
        ++n;
        const std::size_t lf = text.find('\n');
        std::string_view line = text.substr(0, lf);
        text = lf == std::string_view::npos ? std::string_view{} : text.substr(lf + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() > limits.max_line_length)
            return fail(HkpIndexError::Code::LimitExceeded, n, "line above the length limit");
        const auto f = split_fields(line);
        const std::string_view type = f.front();
        if (type == "info" && n == 1) {
            MIXTASY_CHECK(read_info(f, n));
        } else if (type == "pub") {
            MIXTASY_CHECK(read_pub(f, n, limits, out));
        } else if (type == "uid") {
            MIXTASY_CHECK(read_uid(f, n, limits, out));
        }
    }
    return out;
}

}  // namespace mixtasy::core
