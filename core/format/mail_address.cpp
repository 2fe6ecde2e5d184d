// SPDX-License-Identifier: BSD-2-Clause
// mail_address.cpp - see mail_address.h.
#include "core/format/mail_address.h"

#include <algorithm>

#include "common/ascii.h"

namespace mixtasy::core {
namespace {

bool is_local_char(char c) {
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
    return std::string_view(".!#$%&'*+/=?^_`{|}~-").find(c) != std::string_view::npos;
}

bool is_domain_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
}

bool valid_strict_domain(std::string_view d) {
    if (d.empty() || d.front() == '.' || d.back() == '.' || d.front() == '-') return false;
    if (d.find("..") != std::string_view::npos) return false;
    return std::all_of(d.begin(), d.end(), is_domain_char);
}

bool is_lenient_byte(char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u != 0x7f && c != '<' && c != '>' && c != ',';
}

// Blanks off both ends, then one pair of angle brackets around the whole.
std::string_view unwrap(std::string_view text) {
    text = ascii::trim(text);
    if (text.size() >= 2 && text.front() == '<' && text.back() == '>') {
        text = text.substr(1, text.size() - 2);
    }
    return text;
}

AddrSpec split_at(std::string_view a, std::size_t at) {
    return AddrSpec{a, a.substr(0, at), a.substr(at + 1)};
}

}  // namespace

std::optional<AddrSpec> strict_addr_spec(std::string_view text) {
    const std::string_view a = unwrap(text);
    if (a.empty() || a.size() > kMaxStrictAddressBytes) return std::nullopt;
    const auto at = a.find('@');
    if (at == std::string_view::npos || at == 0 || a.find('@', at + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    const AddrSpec spec = split_at(a, at);
    if (!std::all_of(spec.local.begin(), spec.local.end(), is_local_char) ||
        !valid_strict_domain(spec.domain)) {
        return std::nullopt;
    }
    return spec;
}

std::optional<AddrSpec> delivery_addr_spec(std::string_view text) {
    auto spec = strict_addr_spec(text);
    // Quotes, source routes and a second '@' never pass the strict parser.
    if (!spec || spec->local.find_first_of("%!") != std::string_view::npos) return std::nullopt;
    return spec;
}

std::optional<AddrSpec> lenient_addr_spec(std::string_view text) {
    const std::string_view a = unwrap(text);
    if (a.empty() || a.size() > kMaxLenientAddressBytes) return std::nullopt;
    if (!std::all_of(a.begin(), a.end(), is_lenient_byte)) return std::nullopt;
    const std::size_t at = a.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == a.size()) return std::nullopt;
    const AddrSpec spec = split_at(a, at);
    if (spec.domain.front() == '.' || spec.domain.back() == '.') return std::nullopt;
    return spec;
}

std::string_view mailbox_address(std::string_view value) {
    // "Name <addr>" or "addr": the angle form wins.
    const auto lt = value.rfind('<');
    const auto gt = value.rfind('>');
    if (lt != std::string_view::npos && gt != std::string_view::npos && gt > lt) {
        return value.substr(lt, gt - lt + 1);
    }
    return value;
}

}  // namespace mixtasy::core
