// SPDX-License-Identifier: BSD-2-Clause
// keygen.cpp - key generation and subkey upkeep; see keygen.h.
#include "crypto/keygen.h"

#include <algorithm>

#include <botan/curve25519.h>
#include <botan/ed25519.h>

namespace mixtasy::crypto {
namespace {

constexpr uint8_t kKdfSha256 = 8;
constexpr uint8_t kKekAes128 = 7;
constexpr std::size_t kSecretSize = 32;

// The key packet fields of a 25519 key: curve, its OID, and the point in
// the native format OpenPGP uses for both curves (0x40 then 32 bytes).
PublicKey ecc_public(PublicKeyAlgorithm algorithm, Curve curve, Timestamp created,
                     ByteView native_point) {
    PublicKey pk;
    pk.created = created;
    pk.algorithm = algorithm;
    pk.ecc.curve = curve;
    const ByteView oid = curve_oid(curve);
    pk.ecc.oid.assign(oid.begin(), oid.end());
    pk.ecc.point = {0x40};
    pk.ecc.point.insert(pk.ecc.point.end(), native_point.begin(), native_point.end());
    return pk;
}

Result<PublicKey> ed25519_public(const Botan::secure_vector<uint8_t>& seed, Timestamp created) {
    try {
        Botan::Ed25519_PrivateKey key(seed);
        return make_public_key(
            ecc_public(PublicKeyAlgorithm::Eddsa, Curve::Ed25519, created, key.get_public_key()));
    } catch (const std::exception& e) {
        return fail(ErrorCode::Internal, 0, std::string("Ed25519 key generation: ") + e.what());
    }
}

Result<SecretKey> new_ecdh_subkey(Timestamp created, Botan::RandomNumberGenerator& rng) {
    try {
        SecretKey sk;
        sk.ecc_secret = rng.random_vec(kSecretSize);
        // Clamp as X25519 does anyway, so the stored scalar is canonical (gpg
        // stores clamped scalars too).
        sk.ecc_secret[0] &= 248;
        sk.ecc_secret[31] &= 127;
        sk.ecc_secret[31] |= 64;
        Botan::Curve25519_PrivateKey key(sk.ecc_secret);
        PublicKey pk =
            ecc_public(PublicKeyAlgorithm::Ecdh, Curve::Curve25519, created, key.public_value());
        pk.kdf = KdfParams{kKdfSha256, kKekAes128};
        MIXTASY_TRY(built, make_public_key(std::move(pk)));
        sk.pub = std::move(*built);
        return sk;
    } catch (const std::exception& e) {
        return fail(ErrorCode::Internal, 0, std::string("X25519 key generation: ") + e.what());
    }
}

}  // namespace

Result<SecretCertificate> generate_key(const KeyGenParams& params,
                                       Botan::RandomNumberGenerator& rng) {
    if (params.subkey_validity == 0)
        return fail(ErrorCode::BadKey, 0, "subkey validity must be positive");

    SecretCertificate out;
    out.primary.ecc_secret = rng.random_vec(kSecretSize);
    MIXTASY_TRY(pub, ed25519_public(out.primary.ecc_secret, params.created));
    out.primary.pub = std::move(*pub);
    out.cert.primary = out.primary.pub;

    SignatureParams cert_params;
    cert_params.type = SignatureType::PositiveCertification;
    cert_params.created = params.created;
    cert_params.key_flags = kFlagCertify | kFlagSign;
    cert_params.primary_user_id = true;
    cert_params.preferences = true;
    MIXTASY_TRY(self, certify_user_id(out.primary, as_bytes(params.user_id), cert_params, rng));
    out.cert.user_ids.push_back(UserId{params.user_id, std::move(*self), {}});
    out.cert.key_flags = kFlagCertify | kFlagSign;

    MIXTASY_CHECK(add_encryption_subkey(out, params.created, params.subkey_validity, rng));
    return out;
}

Result<void> add_encryption_subkey(SecretCertificate& key, Timestamp created, uint32_t validity,
                                   Botan::RandomNumberGenerator& rng) {
    if (validity == 0) return fail(ErrorCode::BadKey, 0, "subkey validity must be positive");
    if (created < key.cert.primary.created)
        return fail(ErrorCode::BadKey, 0, "subkey older than its primary key");
    MIXTASY_TRY(sub, new_ecdh_subkey(created, rng));
    SignatureParams params;
    params.type = SignatureType::SubkeyBinding;
    params.created = created;
    params.key_flags = kFlagsEncrypt;
    params.key_expires_after = validity;
    MIXTASY_TRY(binding, bind_subkey(key.primary, sub->pub, params, rng));
    Subkey entry;
    entry.key = sub->pub;
    entry.binding = std::move(*binding);
    entry.key_flags = kFlagsEncrypt;
    entry.expires =
        static_cast<Timestamp>(std::min<uint64_t>(uint64_t{created} + validity, 0xffffffffu));
    key.cert.subkeys.push_back(std::move(entry));
    key.subkeys.push_back(std::move(*sub));
    return {};
}

std::size_t remove_expired_subkeys(SecretCertificate& key, Timestamp now) {
    auto& subs = key.cert.subkeys;
    const auto gone = [now](const Subkey& s) {
        return s.revoked || (s.expires && *s.expires <= now);
    };
    std::vector<Fingerprint> removed;
    for (const auto& s : subs)
        if (gone(s)) removed.push_back(s.key.fingerprint);
    subs.erase(std::remove_if(subs.begin(), subs.end(), gone), subs.end());
    auto& secrets = key.subkeys;
    secrets.erase(std::remove_if(secrets.begin(), secrets.end(),
                                 [&](const SecretKey& k) {
                                     return std::find(removed.begin(), removed.end(),
                                                      k.pub.fingerprint) != removed.end();
                                 }),
                  secrets.end());
    return removed.size();
}

}  // namespace mixtasy::crypto
