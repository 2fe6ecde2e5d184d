// SPDX-License-Identifier: BSD-2-Clause
// keyring.h - the mixes a sender (or a node making dummies) knows: their
// certificates, read from armored public keys and checked against the key
// format of seed 000 section 6.3.
//
// WHAT IT DOES
//   KeyRing::parse(text, now) reads every armored block of `text` (public
//   keys concatenated, as `mixtasy key export` writes them), keeps each
//   certificate that is a well-formed mix key and notes why the others were
//   rejected, by check_mix_key(cert) (mix_key.h: the profile, which does
//   not depend on time; a sender's directory also checks validity now).
//   find(address) returns the key of one mix; addresses() all of them.
//   encryption_subkey(address, now) is the subkey to encrypt to: the newest
//   encryption subkey valid at `now`.
//
// WHAT IT GUARANTEES
//   Every key in the ring passed check_mix_key; addresses are unique (a
//   second key for the same address is rejected, first one wins) and
//   compared case-insensitively.
//
// WHAT IT REFUSES
//   Blocks that do not decode (counted as rejected, reason noted); more than
//   kMaxKeys keys.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/keys/mix_key.h"
#include "core/ports/clock.h"
#include "crypto/key.h"

namespace mixtasy::core {

class KeyRing {
public:
    static constexpr std::size_t kMaxKeys = 10000;

    static KeyRing parse(std::string_view text);

    const MixKey* find(std::string_view address) const;
    std::vector<std::string> addresses() const;
    // Mixes with at least one valid encryption subkey at `now`.
    std::vector<std::string> usable_addresses(Instant now) const;
    const crypto::Subkey* encryption_subkey(std::string_view address, Instant now) const;

    void add(MixKey key);  // replaces nothing: a known address is ignored
    std::size_t size() const { return keys_.size(); }
    const std::vector<std::string>& rejected() const { return rejected_; }

private:
    std::vector<MixKey> keys_;
    std::vector<std::string> rejected_;  // one reason per rejected key/block
};

}  // namespace mixtasy::core
