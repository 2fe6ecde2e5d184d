// SPDX-License-Identifier: BSD-2-Clause
// decision.h - what the node decided about one incoming message.
//
// The milter maps each kind to a libmilter reply (docs/design.md, "One message through a node"):
//   Pooled      the outcome is durably committed (pool row + replay entry in
//               one transaction): SMFIS_DISCARD; the MTA may forget it.
//   Dropped     destroyed as the protocol demands (replay, failed verification,
//               not encrypted to a valid subkey, wrong mode, malformed):
//               SMFIS_DISCARD with one log line naming `reason`.
//   TempFail    our store or keys are unavailable: SMFIS_TEMPFAIL, the sending
//               MTA retries; nothing is lost.
//   Quarantine  an admin may want to look at it: smfi_quarantine(reason).
//
// `reason` is a short token from a fixed vocabulary (debug level only, see
// default_level_reason below: "replay",
// "verification-failed", "no-valid-subkey", "wrong-mode", "bad-next-hop",
// "malformed", "store-unavailable", ...): safe to log, never message content, never an
// address.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace mixtasy::core {

struct Decision {
    enum class Kind { Pooled, Dropped, TempFail, Quarantine };
    Kind kind;
    std::string reason;

    static Decision pooled() { return {Kind::Pooled, "pooled"}; }
    static Decision dropped(std::string why) { return {Kind::Dropped, std::move(why)}; }
    static Decision tempfail(std::string why) { return {Kind::TempFail, std::move(why)}; }
    static Decision quarantine(std::string why) { return {Kind::Quarantine, std::move(why)}; }
};

const char* to_string(Decision::Kind kind);

// What a log line at the DEFAULT level may say about a decision (DESIGN
// section 8): every Dropped reads "destroyed", whatever its reason, so
// that a dummy's end, a replay, a failed check and an exit refusal look
// alike to whoever reads the log; TempFail reads "temporary-failure".
// `reason` itself is for debug level and for `mixtasy process`.
inline constexpr const char* kNeutralDestroyed = "destroyed";
const char* default_level_reason(const Decision& decision) noexcept;

// A reason token in words, for sentences: "store-unavailable" -> "store
// unavailable", "internal" -> "internal error".
std::string reason_words(std::string_view reason);

// The default-level log sentence about one mix message of `bytes` bytes,
// after the queue ID: "mix message pooled, 42356 bytes"; "mix message
// destroyed, 30912 bytes" whatever the reason; "mix message deferred (store
// unavailable), 30912 bytes"; "mix message quarantined (not a mix message),
// 812 bytes".  Never an address or content.
std::string log_sentence(const Decision& decision, std::size_t bytes);

}  // namespace mixtasy::core
