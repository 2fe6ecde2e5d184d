// SPDX-License-Identifier: BSD-2-Clause
// key.h - OpenPGP certificates (transferable public keys) and their secret
// counterparts (transferable secret keys).
//
// What it does
//   parse_certificates() reads a binary sequence of transferable public
//   keys (RFC 4880 11.1): primary key, revocations and direct signatures,
//   user IDs with certifications, user attributes, subkeys with bindings.
//   It verifies every self-signature it keeps, resolves key flags and
//   expiry from the newest valid self-signature, and drops what does not
//   verify.  parse_secret_certificates() does the same for unprotected
//   transferable secret keys.  serialize() writes either back out (binary;
//   armor.h adds the armor).
//
// Guarantees
//   - A returned Certificate has a primary key we can verify with, at least
//     one user ID whose self-signature verified, and only subkeys whose
//     binding verified.  Third-party certifications of a user ID are kept
//     unverified in UserId::certifications (and written back by
//     serialize()), never trusted here.  Unknown packets (trust, marker, private tags) are skipped.
//   - Limits (KeyLimits) bound certificates per input, user IDs, subkeys,
//     signatures per component, user ID length and the certificate's bytes;
//     exceeding one is limit_exceeded, never silent truncation.
//   - Keyservers merge and never delete, so a mix key rotated daily carries
//     every subkey it ever had (issue 12).  Subkeys are read newest first;
//     one whose bindings all end before the newest verified self-signature
//     of the certificate (the horizon) has ended for every reader whose
//     clock is right, and is left out unverified.  max_subkeys counts only
//     subkeys live at the horizon (not revoked, not ended), max_user_ids
//     only unrevoked user IDs; the byte bound and max_subkeys_verified bound
//     the work instead.  Kept subkeys stay in input order.
//   - Subkeys of algorithms we cannot use (DSA, ElGamal, ECDSA, ...) are
//     dropped; a primary key of such an algorithm is unsupported_algorithm.
//
// Refusals
//   - Passphrase-protected secret keys: unsupported_feature.
//   - v3, v5 and v6 keys: unsupported_version.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "common/bytes.h"
#include "crypto/error.h"
#include "crypto/key_packet.h"
#include "crypto/packet.h"
#include "crypto/signature.h"

namespace mixtasy::crypto {

Timestamp to_timestamp(std::chrono::system_clock::time_point t) noexcept;
std::chrono::system_clock::time_point from_timestamp(Timestamp t) noexcept;

struct KeyLimits {
    std::size_t max_certificates = 1000;           // per input
    std::size_t max_user_ids = 64;                 // per certificate, not counting revoked ones
    std::size_t max_subkeys = 64;                  // live ones per certificate (see below)
    std::size_t max_subkeys_verified = 256;        // subkeys whose bindings are checked
    std::size_t max_signatures = 256;              // per component (key, UID, subkey)
    std::size_t max_total_signatures = 16384;      // per certificate
    std::size_t max_certificate_bytes = 4u << 20;  // packet bodies after the primary key
    std::size_t max_user_id_length = 4096;         // bytes
    PacketLimits packets{};
    KeyMaterialLimits material{};
    SignatureLimits signatures{};
};

struct UserId {
    std::string text;          // exact bytes of the User ID packet
    Signature self_signature;  // newest verified self-certification
    // Certifications (0x10..0x13, 0x30) issued by other keys, in input
    // order: parsed, NOT verified, never trusted here.  verify_certification
    // checks one against the key its issuer names (ranking, issue 13).
    std::vector<Signature> certifications;
};

// A user ID its own primary key withdrew: a certification revocation (0x30)
// no older than its newest self-certification.  Never one of user_ids (no
// mode, address or limit reads it); kept so that serialize() carries the
// revocation on, since keyservers merge and never delete, and a user ID
// left out of an upload would stay valid in their copy.
struct RevokedUserId {
    std::string text;
    Signature self_signature;
    Signature revocation;
};

struct Subkey {
    PublicKey key;
    Signature binding;                 // newest verified binding
    uint8_t key_flags = 0;             // from the binding; 0 if absent
    std::optional<Timestamp> expires;  // absolute; nullopt = never
    bool revoked = false;

    bool encryption_capable() const noexcept;  // flags 0x04|0x08 and algorithm
    bool valid_at(Timestamp now) const noexcept;
};

struct Certificate {
    PublicKey primary;
    std::vector<Signature> direct_signatures;  // verified 0x1f / 0x20
    std::vector<UserId> user_ids;              // in input order
    std::vector<RevokedUserId> revoked_user_ids;  // at most max_user_ids, in input order
    std::vector<Subkey> subkeys;               // in input order
    uint8_t key_flags = 0;                     // from primary UID self-sig
    std::optional<Timestamp> expires;          // absolute; nullopt = never
    bool revoked = false;

    const Fingerprint& fingerprint() const noexcept { return primary.fingerprint; }
    const KeyId& key_id() const noexcept { return primary.key_id; }
    bool valid_at(Timestamp now) const noexcept;
    // The self-signature marked primary, else the newest.
    const UserId& primary_user_id() const noexcept;
};

// A certificate together with the secret of its primary key and of some or
// all of its subkeys.
struct SecretCertificate {
    Certificate cert;
    SecretKey primary;
    std::vector<SecretKey> subkeys;  // secret parts, matched by fingerprint

    const SecretKey* find_subkey(const KeyId& id) const noexcept;
    const SecretKey* find_subkey(const Fingerprint& fpr) const noexcept;
};

Result<std::vector<Certificate>> parse_certificates(ByteView binary, const KeyLimits& limits = {});
Result<std::vector<SecretCertificate>> parse_secret_certificates(ByteView binary,
                                                                 const KeyLimits& limits = {});

// Encryption-capable subkeys valid at `now` (certificate itself valid too),
// newest creation first.  Empty when none.
std::vector<const Subkey*> valid_encryption_subkeys(const Certificate& cert,
                                                    std::chrono::system_clock::time_point now);

// Binary transferable public key / transferable secret key (the latter
// holds secret material, hence secure_vector).
Bytes serialize(const Certificate& cert);
Botan::secure_vector<uint8_t> serialize(const SecretCertificate& cert);

}  // namespace mixtasy::crypto
