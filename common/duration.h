// SPDX-License-Identifier: BSD-2-Clause
// duration.h - the one reader of durations that admins type: "300", "300s",
// "15m", "2h", "1d" (units s, m, h, d in either case; no unit: seconds).
//
// CONTRACT
//   parse_duration(text)  the duration, or nullopt for anything else: an
//                         empty text, a sign, blanks, a fraction, another
//                         unit, or more than kMaxDuration.
// Shared by mixtasy-milter.conf (milter/config.cpp) and the `mixtasy` options
// (cli/duration_option.h), so a value means the same in both places; the
// bounds of each setting live beside the setting.
#pragma once

#include <charconv>
#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace mixtasy {

// Longer than any setting needs (a subkey's lifetime is capped at 2^32 s,
// about 136 years), short enough that no product overflows.
inline constexpr std::chrono::seconds kMaxDuration{200LL * 366 * 86400};

inline std::optional<std::chrono::seconds> parse_duration(std::string_view s) {
    std::uint64_t unit = 1;
    if (!s.empty()) {
        switch (s.back()) {
            case 's':
            case 'S': unit = 1; break;
            case 'm':
            case 'M': unit = 60; break;
            case 'h':
            case 'H': unit = 3600; break;
            case 'd':
            case 'D': unit = 86400; break;
            default: unit = 0; break;
        }
        if (unit != 0) s.remove_suffix(1);
        else unit = 1;
    }
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
    const auto max = static_cast<std::uint64_t>(kMaxDuration.count());
    if (v > max / unit) return std::nullopt;
    return std::chrono::seconds(static_cast<std::int64_t>(v * unit));
}

}  // namespace mixtasy
