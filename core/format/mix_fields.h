// SPDX-License-Identifier: BSD-2-Clause
// mix_fields.h - what the header of a mix message says, checked.
//
// WHAT IT DOES
//   interpret_mix_fields(header) classifies a parsed header (mix_header.h)
//   as an intermediate mix message (To: next mix) or a final mix message
//   (Mixtasy-ID, Mixtasy-Type, Part) per seed 000 table 6.1, and returns the
//   values a node acts on.  intermediate_header() / final_header() build the
//   headers our creator emits.
//
// WHAT IT GUARANTEES
//   - Remailer-Type is present once and is "Mixtasy v1" or the prototype's
//     "Mixtasy 1"; we emit "Mixtasy v1".
//   - Addresses are plain addr-specs (local@domain, optionally in <>) made of
//     a conservative character set, at most kMaxAddressBytes: safe to hand
//     to SMTP as RCPT TO, never containing blanks, CR, LF or <>.
//   - Mixtasy-ID: 1..kMaxMixtasyIdBytes visible ASCII characters.
//   - Part n/total: 1 <= n <= total <= kMaxParts, only with multipart;
//     singlepart without Part means 1/1.
//
// WHAT IT REFUSES (FormatError)
//   NotMixtasy, BadAddress, BadMixtasyId, BadMixtasyType, BadPart,
//   HeaderDuplicateField (a mix field twice), MixedFields (To together with
//   final fields, or neither kind).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/expected.h"
#include "core/format/format_error.h"
#include "core/format/mail_address.h"
#include "core/format/mix_header.h"

namespace mixtasy::core {

inline constexpr std::size_t kMaxAddressBytes = kMaxStrictAddressBytes;
inline constexpr std::size_t kMaxMixtasyIdBytes = 128;
inline constexpr std::uint32_t kMaxParts = 256;

enum class MixType { Intermediate, Singlepart, Multipart, Dummy };
const char* to_string(MixType type);

struct PartNumber {
    std::uint32_t number = 1;  // 1-based
    std::uint32_t total = 1;
};

struct MixFields {
    MixType type = MixType::Intermediate;
    std::string to;          // intermediate: address of the next mix
    std::string from;        // optional From (sending mix), may be empty
    std::string mixtasy_id;  // final: set identifier
    PartNumber part;         // final: 1/1 unless multipart
};

Expected<MixFields, FormatError> interpret_mix_fields(const MixHeader& header);

// A plain address out of `value` ("a@b" or "<a@b>", surrounding blanks
// allowed; mail_address.h's strict_addr_spec), or BadAddress.
Expected<std::string, FormatError> parse_address(std::string_view value);

// Headers our creator writes (without Verification; the caller adds it).
MixHeader intermediate_header(std::string_view next_mix);
MixHeader final_header(MixType type, std::string_view mixtasy_id, PartNumber part);

}  // namespace mixtasy::core
