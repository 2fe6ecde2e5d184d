// SPDX-License-Identifier: BSD-2-Clause
// revoke.cpp - key and subkey revocation on the key files; see revoke.h.
#include "core/publish/revoke.h"

#include <algorithm>

#include "common/ascii.h"
#include "core/keys/key_home.h"
#include "crypto/armor.h"
#include "crypto/key_io.h"
#include "crypto/revocation.h"

namespace mixtasy::core {
namespace {

crypto::Timestamp stamp(Instant now) { return crypto::to_timestamp(now); }

}  // namespace

Expected<std::string, std::string> revoke_subkey(const std::filesystem::path& home,
                                                 const std::string& fingerprint_hex, Instant now,
                                                 Random& random) {
    const std::string wanted = ascii::lower(fingerprint_hex);
    std::string armored, why;
    auto saved = update_node_key(home, [&](crypto::SecretCertificate& key) {
        auto& subs = key.cert.subkeys;
        auto it = std::find_if(subs.begin(), subs.end(), [&](const crypto::Subkey& s) {
            return ascii::lower(crypto::to_hex(s.key.fingerprint)) == wanted;
        });
        if (it == subs.end()) {
            why = "no subkey " + fingerprint_hex.substr(0, 64) + " in the key";
            return false;
        }
        crypto::SignatureParams p;
        p.type = crypto::SignatureType::SubkeyRevocation;
        p.created = stamp(now);
        auto sig = crypto::bind_subkey(key.primary, it->key, p, random);
        if (!sig) {
            why = crypto::describe(sig.error());
            return false;
        }
        auto bytes = crypto::with_subkey_revocation(key.cert, it->key.fingerprint, *sig);
        if (!bytes) {
            why = crypto::describe(bytes.error());
            return false;
        }
        armored = crypto::armor_encode(*bytes, crypto::kLabelPublicKey);
        const crypto::Fingerprint fpr = it->key.fingerprint;
        subs.erase(it);
        std::erase_if(key.subkeys,
                      [&](const crypto::SecretKey& s) { return s.pub.fingerprint == fpr; });
        return true;
    });
    if (!saved) return Unexpected{crypto::describe(saved.error())};
    if (armored.empty()) return Unexpected{why};
    return armored;
}

Expected<std::string, std::string> revoke_key(const std::filesystem::path& home, Instant now,
                                              Random& random) {
    std::string why;
    auto saved = update_node_key(home, [&](crypto::SecretCertificate& key) {
        if (key.cert.revoked) {
            why = "the key is already revoked";
            return false;
        }
        auto sig = crypto::sign_key_revocation(key.primary, stamp(now), random);
        if (!sig) {
            why = crypto::describe(sig.error());
            return false;
        }
        key.cert.direct_signatures.push_back(std::move(*sig));
        key.cert.revoked = true;
        return true;
    });
    if (!saved) return Unexpected{crypto::describe(saved.error())};
    if (!why.empty()) return Unexpected{why};
    return crypto::export_public(saved->cert);
}

}  // namespace mixtasy::core
