// SPDX-License-Identifier: BSD-2-Clause
// mix_key.h - what makes an OpenPGP certificate a mix key (seed 000
// section 6.3), and what it says about the mix.
//
// WHAT IT DOES
//   check_mix_key(cert) checks the profile, which does not depend on time:
//     - exactly one user ID, "name (comment) <mixtasy@fqdn>";
//     - the comment carries a "mixtasy-mode:" feature listing one or more of
//       middleman, exitprivate and exitpublic, and nothing else;
//     - no live (unrevoked) subkey that can sign or certify: the seed's
//       subkeys are encryption-only;
//     - no live encryption subkey that never expires (issue 11, Low 6: a
//       subkey without expiry has no replay window and no forward secrecy).
//   check_mix_key(cert, now) adds what a sender needs at `now`: the primary
//   key neither revoked nor expired, and at least one encryption subkey
//   valid now.  Subkeys that expired or were revoked are skipped, never
//   fatal: a rotating mix always carries a few.
//   check_armored_keys(text, now) reads every armored block of `text` and
//   checks each certificate in it, so a key whose only user ID lost its
//   self-signature (which crypto/key.h drops on parse) is refused as
//   BadSelfSignature rather than as an unreadable block.
//   The self-signatures themselves are verified by crypto/key.h on parse:
//   a Certificate holds only user IDs and subkeys whose signatures verified.
//
// WHAT IT GUARANTEES
//   A returned MixKey names its address (lower-case), its modes, its pinned
//   primary fingerprint and the validity window of every live encryption
//   subkey, newest first.
//
// WHAT IT REFUSES (MixKeyRefusal: a reason to branch on, a one-line detail)
//   See MixKeyReason below; check_armored_keys stops after kMaxKeyBlocks
//   blocks and reads each with crypto's KeyLimits.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "core/ports/clock.h"
#include "crypto/key.h"

namespace mixtasy::core {

struct MixModes {
    bool middleman = false;
    bool exitprivate = false;
    bool exitpublic = false;
};

// One live encryption subkey as a sender sees it.
struct SubkeyWindow {
    std::string fingerprint;  // hex
    crypto::Timestamp created = 0;
    crypto::Timestamp expires = 0;  // a mix key's encryption subkeys always expire
};

struct MixKey {
    std::string address;  // mixtasy@fqdn, lower-case
    MixModes modes;
    std::string fingerprint;            // the primary key's, hex: what a directory pins
    std::vector<SubkeyWindow> subkeys;  // live encryption subkeys, newest first
    crypto::Certificate cert;
};

enum class MixKeyReason {
    Unreadable,        // armor or packets that do not decode
    BadSelfSignature,  // no user ID whose self-signature verifies
    UserIdCount,       // more or fewer than one user ID
    NoAddress,         // the user ID holds no plain <address>
    NotMixAddress,     // the address is not mixtasy@fqdn
    NoModes,           // no mixtasy-mode feature in the comment
    UnknownMode,       // a mode other than the three of seed 000 6.4
    SigningSubkey,     // a live subkey that can sign or certify
    NeverExpires,      // a live encryption subkey without expiry
    KeyRevoked,        // the primary key is revoked
    KeyExpired,        // the primary key expired (or is not yet valid)
    NoValidSubkey,     // no encryption subkey valid now
};
const char* to_string(MixKeyReason reason) noexcept;

struct MixKeyRefusal {
    MixKeyReason reason;
    std::string detail;  // one line
};
// "reason: detail", as lists and logs print it.
std::string describe(const MixKeyRefusal& refusal);

Expected<MixKey, MixKeyRefusal> check_mix_key(const crypto::Certificate& cert);
Expected<MixKey, MixKeyRefusal> check_mix_key(const crypto::Certificate& cert, Instant now);

inline constexpr std::size_t kMaxKeyBlocks = 10000;

// One certificate (or one block that yielded none) of an armored input.
struct CheckedKey {
    std::string fingerprint;  // hex of the primary key; empty for a block that did not decode
    Expected<MixKey, MixKeyRefusal> result;
};
std::vector<CheckedKey> check_armored_keys(std::string_view text, Instant now);

}  // namespace mixtasy::core
