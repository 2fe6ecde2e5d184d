// SPDX-License-Identifier: BSD-2-Clause
// ranking.h - seed 000 6.3.3's optional ranking of mixes: a sender trusts
// some ranking keys (keys of people or groups that vouch for mixes), and a
// mix counts as ranked by how many of them certify its user ID.
//
// WHAT IT DOES
//   mix_rank(mix, ranking_keys, now) is the number of distinct ranking keys
//   with a valid certification (0x10..0x13) of the mix key's user ID:
//   verified with crypto::verify_certification against the ranking key
//   its issuer names, made no later than `now`, not expired at `now`, not
//   withdrawn by a later certification revocation (0x30) of the same
//   ranking key, by a ranking key that is itself valid at `now`.  A key
//   never ranks itself.
//   ranked(ring, policy, now) keeps the mixes of `ring` whose rank is at
//   least policy.min_rank (all of them when min_rank is 0).
//   read_ranking_keys(files) reads the RankingKey files (armored or binary,
//   any number of keys each; crypto/key_file.h bounds a file at 1 MiB).
//
// WHAT IT GUARANTEES
//   A certification counts only if its signature verifies: a copy of a
//   ranking key's fingerprint in an issuer subpacket counts nothing.
//   Third-party certifications are kept unverified by crypto/key.h; this
//   is the only place that gives them weight.
//
// WHAT IT REFUSES
//   read_ranking_keys: an unreadable file or one without a usable key,
//   with the file's name (RankingError).
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <vector>

#include "common/expected.h"
#include "core/keys/keyring.h"
#include "core/ports/clock.h"
#include "crypto/key.h"

namespace mixtasy::core {

struct RankPolicy {
    std::vector<crypto::Certificate> keys;  // the trusted ranking keys
    std::size_t min_rank = 0;
};

struct RankingError {
    std::string detail;  // one line, naming the file
};

std::size_t mix_rank(const crypto::Certificate& mix,
                     std::span<const crypto::Certificate> ranking_keys, Instant now);

KeyRing ranked(const KeyRing& ring, const RankPolicy& policy, Instant now);

Expected<std::vector<crypto::Certificate>, RankingError> read_ranking_keys(
    std::span<const std::string> files);

}  // namespace mixtasy::core
