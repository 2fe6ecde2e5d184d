// SPDX-License-Identifier: BSD-2-Clause
// mail_address.h - addresses in mail text: one strict and one lenient
// addr-spec parser, and the address out of a "Name <addr>" mailbox.
//
// WHAT IT DOES
//   strict_addr_spec(text)  a plain local@domain of a conservative charset,
//                           for addresses we hand to SMTP as RCPT TO (the
//                           mix header's To and From, our own address).
//   delivery_addr_spec(text) a strict addr-spec whose local part cannot
//                           route the mail on: no '%' (percent hack) and no
//                           '!' (bang path), which MTAs such as Postfix may
//                           rewrite into another destination.  For the one
//                           recipient an exit delivers to.
//   lenient_addr_spec(text) any visible local part before the last '@',
//                           for destinations an exit judges (block list,
//                           rate limit, local domains) rather than trusts.
//   mailbox_address(value)  the part of a To:-like value that names the
//                           address: "<addr>" if the value has one (the last
//                           angle pair), else the whole value.
//
// WHAT IT GUARANTEES
//   Both parsers accept surrounding blanks and one pair of angle brackets
//   around the whole text, and return views into `text`.  Strict: at most
//   kMaxStrictAddressBytes, local part of letters, digits and
//   .!#$%&'*+/=?^_`{|}~-, exactly one '@', a domain of letters, digits, '.'
//   and '-' without empty labels or a leading '-': never blanks, CR, LF or
//   <>.  Lenient: at most kMaxLenientAddressBytes, no byte <= 0x20, no DEL,
//   '<', '>' or ',', non-empty local part and domain, a domain that does
//   not begin or end with '.'.  Case is kept; compare with ascii::iequals.
//
// WHAT IT REFUSES
//   Everything else (nullopt): display names (use mailbox_address first),
//   groups, comments, quoted local parts, source routes.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace mixtasy::core {

inline constexpr std::size_t kMaxStrictAddressBytes = 254;   // RFC 5321 path minus <>
inline constexpr std::size_t kMaxLenientAddressBytes = 320;  // RFC 5321: 64 + 1 + 255

struct AddrSpec {
    std::string_view address;  // local@domain
    std::string_view local;
    std::string_view domain;
};

std::optional<AddrSpec> strict_addr_spec(std::string_view text);
std::optional<AddrSpec> delivery_addr_spec(std::string_view text);
std::optional<AddrSpec> lenient_addr_spec(std::string_view text);
std::string_view mailbox_address(std::string_view value);

}  // namespace mixtasy::core
