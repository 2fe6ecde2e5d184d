// SPDX-License-Identifier: BSD-2-Clause
// ranking.cpp - see ranking.h.
#include "core/sender/ranking.h"

#include <algorithm>

#include "crypto/armor.h"
#include "crypto/key_file.h"
#include "crypto/signature.h"

namespace mixtasy::core {
namespace {

bool names(const crypto::Signature& sig, const crypto::Certificate& key) {
    if (sig.issuer_fingerprint) return *sig.issuer_fingerprint == key.fingerprint();
    return sig.issuer && *sig.issuer == key.key_id();
}

bool live_at(const crypto::Signature& sig, crypto::Timestamp now) {
    if (sig.created > now) return false;
    return !sig.expires_after || *sig.expires_after == 0 ||
           std::uint64_t{sig.created} + *sig.expires_after > now;
}

// Whether `signer` vouches for `uid` of `mix` now: its newest verified
// certification is newer than its newest verified revocation.
bool vouches(const crypto::Certificate& signer, const crypto::Certificate& mix,
             const crypto::UserId& uid, crypto::Timestamp now) {
    std::optional<crypto::Timestamp> certified, revoked;
    for (const auto& sig : uid.certifications) {
        if (!names(sig, signer) || !live_at(sig, now)) continue;
        if (!crypto::verify_certification(sig, signer.primary, mix.primary, as_bytes(uid.text)))
            continue;
        auto& slot =
            sig.type == crypto::SignatureType::CertificationRevocation ? revoked : certified;
        slot = std::max(slot.value_or(0), sig.created);
    }
    return certified && (!revoked || *revoked < *certified);
}

}  // namespace

std::size_t mix_rank(const crypto::Certificate& mix,
                     std::span<const crypto::Certificate> ranking_keys, Instant now) {
    const crypto::Timestamp t = crypto::to_timestamp(now);
    std::size_t rank = 0;
    for (std::size_t i = 0; i < ranking_keys.size(); ++i) {
        const crypto::Certificate& signer = ranking_keys[i];
        if (signer.fingerprint() == mix.fingerprint() || !signer.valid_at(t)) continue;
        // The same key listed twice (two files) counts once.
        const bool seen = std::any_of(
            ranking_keys.begin(), ranking_keys.begin() + i,
            [&](const crypto::Certificate& k) { return k.fingerprint() == signer.fingerprint(); });
        if (seen) continue;
        const bool any =
            std::any_of(mix.user_ids.begin(), mix.user_ids.end(),
                        [&](const crypto::UserId& u) { return vouches(signer, mix, u, t); });
        if (any) ++rank;
    }
    return rank;
}

KeyRing ranked(const KeyRing& ring, const RankPolicy& policy, Instant now) {
    if (policy.min_rank == 0) return ring;
    KeyRing out;
    for (const auto& address : ring.addresses()) {
        const MixKey* key = ring.find(address);
        if (mix_rank(key->cert, policy.keys, now) >= policy.min_rank) out.add(*key);
    }
    return out;
}

Expected<std::vector<crypto::Certificate>, RankingError> read_ranking_keys(
    std::span<const std::string> files) {
    std::vector<crypto::Certificate> out;
    for (const auto& file : files) {
        auto text = crypto::read_key_file(file, crypto::FileAccess::Any);
        if (!text)
            return Unexpected{
                RankingError{"RankingKey " + file + ": " + crypto::describe(text.error())}};
        auto binary = crypto::to_binary(as_bytes(*text));
        if (!binary)
            return Unexpected{
                RankingError{"RankingKey " + file + ": " + crypto::describe(binary.error())}};
        auto certs = crypto::parse_certificates(*binary);
        if (!certs)
            return Unexpected{
                RankingError{"RankingKey " + file + ": " + crypto::describe(certs.error())}};
        out.insert(out.end(), certs->begin(), certs->end());
    }
    return out;
}

}  // namespace mixtasy::core
