// SPDX-License-Identifier: BSD-2-Clause
// next_hop.h - where a middleman may send the message it peeled (seed 000
// 6.1.1: a mix address is "mixtasy@FQDN"; 6.2.4: an intermediate's To is
// the address of the receiving mix).
//
// WHAT IT DOES
//   judge_next_hop(next_hop, own)   the rules that need nothing but the
//       address: a strict addr-spec (mail_address.h) whose local part is
//       "mixtasy" (any case), and not this node's own address.
//   judge_known_mix(next_hop, directory, now, fresh_for)   while the
//       node's directory of mixes was refreshed within `fresh_for` (a
//       subkey half-life), the next hop must be one of its mixes; a stale
//       or never loaded directory says nothing (Allowed), so a node whose
//       directory update stopped keeps forwarding rather than going dark.
//
// WHAT IT GUARANTEES
//   Pure functions, thread-safe, case-insensitive comparisons, never throw.
//   Everything but Allowed means the message is destroyed ("bad-next-hop",
//   decision.h): a middleman is never a relay to ordinary mailboxes, to
//   postmaster@, to percent-hack routes or to itself.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/time.h"

namespace mixtasy::core {

inline constexpr std::string_view kMixLocalPart = "mixtasy";

enum class NextHopVerdict { Allowed, NotMixAddress, OwnAddress, UnknownMix };
const char* to_string(NextHopVerdict verdict) noexcept;

// The mixes this node knows, as it last loaded them.
struct MixDirectoryView {
    std::vector<std::string> addresses;   // lower case
    std::optional<Instant> refreshed_at;  // nullopt: never loaded
};

NextHopVerdict judge_next_hop(std::string_view next_hop, std::string_view own_address);

NextHopVerdict judge_known_mix(std::string_view next_hop, const MixDirectoryView& directory,
                               Instant now, std::chrono::seconds fresh_for);

}  // namespace mixtasy::core
