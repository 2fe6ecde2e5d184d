// SPDX-License-Identifier: BSD-2-Clause
// destination_list.h - the exit's lists of destinations (block list,
// From opt-in, local domains) and the error an exit's options are refused
// with.  Shared by exit_admission.h and exit_headers.h.
//
// WHAT IT DOES
//   parse_destination(recipient) reads a destination address (mail_address.h's
//   lenient addr-spec, lower-cased).  normalize_destinations(list) trims and
//   lower-cases each entry and checks it.  matches_any(list, destination)
//   says whether an entry names it.  Entries, all compared case-insensitively:
//     "user@example.org"   that address
//     "example.org"        that domain and every subdomain of it
//     "@example.org"       the same (Mixmaster's spelling)
//     anything with * or ? a glob over the whole address ("*+spam@*")
//
// WHAT IT GUARANTEES
//   Stateless and thread-safe; glob matching is O(pattern * address), both
//   bounded by kMaxLenientAddressBytes.  Never throws for bad input.
//
// WHAT IT REFUSES
//   parse_destination: anything that is not a plain local@domain (nullopt).
//   normalize_destinations: an empty or over-long entry, one with a space or
//   control byte, a bare "@" (ExitOptionError::Code::DestinationList).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"

namespace mixtasy::core {

// Why create() refused an exit's options; `detail` is the one-line reason
// the milter prints at start-up.
struct ExitOptionError {
    enum class Code {
        AnonymousFrom,       // empty, with a line break, or too long for one line
        MessageIdDomain,     // not a domain
        DisclaimerField,     // not a field name
        Disclaimer,          // with a line break, or too long for one line
        KeepExtra,           // a bad field name
        DestinationList,     // a malformed block-list, opt-in or local-domain entry
        ExitPrivateNowhere,  // exitprivate without local domains
    };
    Code code;
    std::string detail;
};

const char* to_string(ExitOptionError::Code code) noexcept;

struct Destination {
    std::string full;    // lower case, local@domain
    std::string domain;  // lower case
};

std::optional<Destination> parse_destination(std::string_view recipient);

Expected<void, ExitOptionError> normalize_destinations(std::vector<std::string>& entries);

bool matches_any(const std::vector<std::string>& entries, const Destination& destination);

// `domain` equals `parent` or is a subdomain of it.
bool within_domain(std::string_view domain, std::string_view parent);

}  // namespace mixtasy::core
