// SPDX-License-Identifier: BSD-2-Clause
// mode_change.cpp - a new user ID for new modes, the old one revoked; see
// mode_change.h.
#include "core/keys/mode_change.h"

#include <algorithm>

#include "common/time.h"
#include "core/keys/key_home.h"
#include "core/keys/mix_key.h"
#include "core/keys/node_key.h"
#include "crypto/signature.h"

namespace mixtasy::core {
namespace {

// "Name (mixtasy-mode:...) <addr>" -> "Name"; empty when the user ID
// begins with its comment.
std::string name_of_user_id(const std::string& uid) {
    const auto open = uid.find(" (");
    if (open == std::string::npos || uid.starts_with("(")) return {};
    return uid.substr(0, open);
}

bool same_modes(std::vector<std::string> a, std::vector<std::string> b) {
    std::sort(a.begin(), a.end());
    std::sort(b.begin(), b.end());
    return a == b;
}

// The new user ID certified as keygen certifies one (crypto/keygen.cpp:
// positive, primary, certify+sign flags, preferences).
Expected<crypto::UserId, std::string> certify(const crypto::SecretCertificate& key,
                                              const std::string& uid, crypto::Timestamp now,
                                              Random& random) {
    crypto::SignatureParams p;
    p.type = crypto::SignatureType::PositiveCertification;
    p.created = now;
    p.key_flags = key.cert.key_flags;
    p.key_expires_after = key.cert.primary_user_id().self_signature.key_expires_after;
    p.primary_user_id = true;
    p.preferences = true;
    auto sig = crypto::certify_user_id(key.primary, as_bytes(uid), p, random);
    if (!sig) return Unexpected{"new user ID: " + crypto::describe(sig.error())};
    return crypto::UserId{uid, std::move(*sig), {}};
}

Expected<crypto::RevokedUserId, std::string> revoke(const crypto::SecretCertificate& key,
                                                    const crypto::UserId& old,
                                                    crypto::Timestamp now, Random& random) {
    crypto::SignatureParams p;
    p.type = crypto::SignatureType::CertificationRevocation;
    p.created = now;
    auto sig = crypto::certify_user_id(key.primary, as_bytes(old.text), p, random);
    if (!sig) return Unexpected{"revocation: " + crypto::describe(sig.error())};
    return crypto::RevokedUserId{old.text, old.self_signature, std::move(*sig)};
}

// The whole change on the loaded key, or why not.
Expected<ModeChange, std::string> change_key(crypto::SecretCertificate& key,
                                             const std::vector<std::string>& modes,
                                             crypto::Timestamp now, Random& random) {
    if (key.cert.revoked) return Unexpected{std::string("the key is revoked")};
    auto mix = check_mix_key(key.cert);
    if (!mix) return Unexpected{"not a mix key: " + mix.error().detail};
    const crypto::UserId old = key.cert.user_ids.front();
    if (same_modes(modes_of_user_id(old.text), modes))
        return Unexpected{"the key already has the modes " + old.text};
    NodeKeyParams params;
    params.name = name_of_user_id(old.text);
    params.address = mix->address;
    params.modes = modes;
    auto uid = node_user_id(params);
    if (!uid) return Unexpected{uid.error().detail};
    // Both signatures later than the old self-signature: readers differ on
    // a revocation made in the same second as what it revokes.
    const crypto::Timestamp at = std::max(now, old.self_signature.created + 1);
    MIXTASY_TRY(fresh, certify(key, *uid, at, random));
    MIXTASY_TRY(revoked, revoke(key, old, at, random));
    key.cert.user_ids = {std::move(*fresh)};
    key.cert.revoked_user_ids.push_back(std::move(*revoked));
    return ModeChange{old.text, *uid, {}};
}

}  // namespace

Expected<ModeChange, std::string> change_modes(const std::filesystem::path& home,
                                               const std::vector<std::string>& modes, Instant now,
                                               Random& random) {
    Expected<ModeChange, std::string> change = Unexpected{std::string("key not loaded")};
    auto saved = update_node_key(home, [&](crypto::SecretCertificate& key) {
        change = change_key(key, modes, static_cast<crypto::Timestamp>(to_unix(now)), random);
        return static_cast<bool>(change);
    });
    if (!saved) return Unexpected{crypto::describe(saved.error())};
    if (!change) return change;
    change->key = std::move(*saved);
    return change;
}

}  // namespace mixtasy::core
