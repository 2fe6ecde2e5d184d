// SPDX-License-Identifier: BSD-2-Clause
// destination_list.cpp - see destination_list.h.
#include "core/node/destination_list.h"

#include <algorithm>

#include "common/ascii.h"
#include "core/format/mail_address.h"

namespace mixtasy::core {
namespace {

// '*' matches any run, '?' one byte.  Greedy with one backtrack point:
// O(pattern * text) at worst, both bounded by kMaxLenientAddressBytes.
bool glob_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

bool entry_matches(std::string_view entry, const Destination& destination) {
    if (entry.find_first_of("*?") != std::string_view::npos) {
        return glob_match(entry, destination.full);
    }
    if (entry.front() == '@') return within_domain(destination.domain, entry.substr(1));
    if (entry.find('@') != std::string_view::npos) return entry == destination.full;
    return within_domain(destination.domain, entry);
}

Unexpected<ExitOptionError> bad_entry(const char* why) {
    return Unexpected{ExitOptionError{ExitOptionError::Code::DestinationList,
                                      std::string("destination list: ") + why}};
}

Expected<void, ExitOptionError> check_entry(std::string_view entry) {
    if (entry.empty() || entry.size() > kMaxLenientAddressBytes) {
        return bad_entry("entry empty or too long");
    }
    for (char c : entry) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) return bad_entry("entry with space or control byte");
    }
    if (entry == "@") return bad_entry("bare '@'");
    return {};
}

}  // namespace

const char* to_string(ExitOptionError::Code code) noexcept {
    using C = ExitOptionError::Code;
    switch (code) {
        case C::AnonymousFrom: return "anonymous-from";
        case C::MessageIdDomain: return "message-id-domain";
        case C::DisclaimerField: return "disclaimer-field";
        case C::Disclaimer: return "disclaimer";
        case C::KeepExtra: return "keep-extra";
        case C::DestinationList: return "destination-list";
        case C::ExitPrivateNowhere: return "exit-private-nowhere";
    }
    return "unknown";
}

std::optional<Destination> parse_destination(std::string_view recipient) {
    const auto spec = lenient_addr_spec(recipient);
    if (!spec) return std::nullopt;
    return Destination{ascii::lower(spec->address), ascii::lower(spec->domain)};
}

Expected<void, ExitOptionError> normalize_destinations(std::vector<std::string>& entries) {
    for (auto& entry : entries) {
        entry = ascii::lower(ascii::trim(entry));
        MIXTASY_CHECK(check_entry(entry));
    }
    return {};
}

bool matches_any(const std::vector<std::string>& entries, const Destination& destination) {
    return std::any_of(entries.begin(), entries.end(),
                       [&](const std::string& e) { return entry_matches(e, destination); });
}

bool within_domain(std::string_view domain, std::string_view parent) {
    if (parent.empty()) return false;
    if (domain == parent) return true;
    return domain.size() > parent.size() && domain.ends_with(parent) &&
           domain[domain.size() - parent.size() - 1] == '.';
}

}  // namespace mixtasy::core
