// SPDX-License-Identifier: BSD-2-Clause
// ascii.h - the small ASCII helpers every reader of mail text and config
// needs, written once.
//
// Mail headers, addresses, config keys and protocol tokens are ASCII and
// compared case-insensitively in ASCII only (RFC 5321/5322): never through
// the C locale, whose tolower() may map bytes >= 0x80.  Every function here
// leaves bytes outside A-Z untouched, never throws and allocates only where
// it returns a std::string.
//
//   lower(c), lower(s)          A-Z to a-z
//   is_blank(c)                 RFC 5322 WSP: space or tab
//   is_space(c)                 WSP, CR or LF
//   trim(s)                     strip WSP at both ends
//   trim_space(s)               strip WSP, CR and LF at both ends
//   iequals(a, b)               equal ignoring ASCII case
//   istarts_with(s, prefix)     prefix test ignoring ASCII case
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mixtasy::ascii {

constexpr char lower(char c) noexcept {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out) c = lower(c);
    return out;
}

constexpr bool is_blank(char c) noexcept { return c == ' ' || c == '\t'; }
constexpr bool is_space(char c) noexcept { return is_blank(c) || c == '\r' || c == '\n'; }

constexpr std::string_view trim(std::string_view s) noexcept {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

constexpr std::string_view trim_space(std::string_view s) noexcept {
    while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

constexpr bool iequals(std::string_view a, std::string_view b) noexcept {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

constexpr bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

}  // namespace mixtasy::ascii
