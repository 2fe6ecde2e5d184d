// SPDX-License-Identifier: BSD-2-Clause
// hkp_index.h - the machine-readable index of an HKP keyserver
// (`/pks/lookup?op=index&options=mr`, draft-gallagher-openpgp-hkp 5.2).
//
// WHAT IT DOES
//   parse_hkp_index(text, limits) reads
//       info:<version>:<count>          optional, first; version must be 1
//       pub:<keyid>:<algo>:<len>:<created>:<expires>:<flags>
//       uid:<%-escaped text>:<created>:<expires>:<flags>
//   into one HkpIndexEntry per pub line with the uid lines that follow it.
//   Lines end in LF or CRLF; unknown line types are skipped (the draft lets
//   servers add them); empty fields are absent values.
//
// WHAT IT GUARANTEES
//   Every entry's key_id is 8, 16 or 40 (v4 fingerprint) or 64 hex digits,
//   upper-cased, so it can be put into an op=get URL as it is.  Flags r
//   (revoked), d (disabled), e (expired) are reported, not judged: the
//   caller fetches the key and judges the key itself.
//
// WHAT IT REFUSES (HkpIndexError, with the 1-based line)
//   Text above max_bytes, a line above max_line_length, more than
//   max_entries pub lines or max_uids_per_entry uids (LimitExceeded); an
//   info version other than 1 (BadVersion); a pub line with a key ID that
//   is not hex of one of those lengths, a uid before any pub, a bad %-escape
//   or a non-numeric time (Malformed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"

namespace mixtasy::core {

struct HkpIndexLimits {
    std::size_t max_bytes = 4u << 20;
    std::size_t max_line_length = 4096;
    std::size_t max_entries = 2000;  // keys answering one search
    std::size_t max_uids_per_entry = 64;
};

struct HkpIndexUid {
    std::string text;  // unescaped
    std::optional<std::uint64_t> created, expires;
    std::string flags;
};

struct HkpIndexEntry {
    std::string key_id;  // upper-case hex: 8, 16, 40 or 64 digits
    std::optional<std::uint64_t> created, expires;
    std::string flags;
    std::vector<HkpIndexUid> uids;

    bool revoked() const noexcept { return flags.find('r') != std::string::npos; }
};

struct HkpIndexError {
    enum class Code { LimitExceeded, BadVersion, Malformed };
    Code code = Code::Malformed;
    std::size_t line = 0;  // 1-based; 0 for the whole text
    std::string detail;
};

const char* to_string(HkpIndexError::Code code) noexcept;

Expected<std::vector<HkpIndexEntry>, HkpIndexError> parse_hkp_index(
    std::string_view text, const HkpIndexLimits& limits = {});

}  // namespace mixtasy::core
