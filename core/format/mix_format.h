// SPDX-License-Identifier: BSD-2-Clause
// mix_format.h - the fixed sizes and names of the Mixtasy v1 wire format
// (seed 000 sections 6.2-6.4; shared/DESIGN.md section 4).
//
// They are protocol constants, not tunables: every mix must use the same
// values or its messages stand out.
#pragma once

#include <cstddef>
#include <string_view>

namespace mixtasy::core {

// A final mix message is exactly this long, not counting its Verification
// line; the Verification hash covers exactly this many bytes of any mix
// message, starting at its second line.
inline constexpr std::size_t kFinalMessageSize = 20 * 1024;
inline constexpr std::size_t kVerifiedSpan = 20 * 1024;

// The body of every intermediate mix message on the wire (before armor) is
// padded with random bytes to exactly this size.
inline constexpr std::size_t kIntermediateBodySize = 30 * 1024;

// The prefix of the inner padding of a final message: an empty new-format
// packet with the private tag 63, so that gpg stops reading there (7.4.2).
inline constexpr unsigned char kPaddingMarker[2] = {0xFF, 0x00};

// Remailer-Type we emit, and the ones we accept (the reference prototype
// writes "Mixtasy 1").
inline constexpr std::string_view kRemailerTypeEmitted = "Mixtasy v1";
inline constexpr std::string_view kRemailerTypesAccepted[] = {"Mixtasy v1", "Mixtasy 1"};

// Field names.  `Verification` is matched case-sensitively with its ": "
// (6.2.4); all others case-insensitively as RFC 5322 says.
inline constexpr std::string_view kVerificationPrefix = "Verification: ";
inline constexpr std::string_view kFieldRemailerType = "Remailer-Type";
inline constexpr std::string_view kFieldFrom = "From";
inline constexpr std::string_view kFieldTo = "To";
inline constexpr std::string_view kFieldMixtasyId = "Mixtasy-ID";
inline constexpr std::string_view kFieldMixtasyType = "Mixtasy-Type";
inline constexpr std::string_view kFieldPart = "Part";

// The largest original message a node reassembles and a sender creates, by
// default.  Not a wire constant: a node may set its own (NodeOptions,
// `MaxOriginalSize`), and every other multipart limit of the node derives
// from it, so that creator <= reassembler <= store hold as one chain
// (core/node/reassembly.h).  1 MiB is about 52 parts, well inside the 256
// the Part field allows.
inline constexpr std::size_t kMaxOriginalSize = 1024 * 1024;

// Paths: at least four mixes for real messages (6.1.3), one to four for
// dummies (6.6).
inline constexpr std::size_t kMinPathLength = 4;
inline constexpr std::size_t kMinDummyPath = 1;
inline constexpr std::size_t kMaxDummyPath = 4;

}  // namespace mixtasy::core
