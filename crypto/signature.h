// SPDX-License-Identifier: BSD-2-Clause
// signature.h - v4 OpenPGP signatures: parse, create, verify.
//
// What it does
//   Parses a Signature packet body (tag 2, version 4) with its hashed and
//   unhashed subpacket areas, resolves the subpackets that matter (creation
//   time, expirations, key flags, issuer, primary user ID, embedded
//   signature), and creates and verifies:
//     0x00 binary and 0x01 text data signatures,
//     0x13 positive certifications (and 0x10..0x12 on read),
//     0x18 subkey bindings, 0x20 key and 0x28 subkey revocations.
//   Signing keys: EdDSA (Ed25519) and RSA (PKCS#1 v1.5).
//
// Hash policy (documented choice)
//   Created: SHA-256 (default) or SHA-512.  Verified: SHA-256, SHA-384,
//   SHA-512, SHA-224; SHA-1 is verified only for data signatures (0x00,
//   0x01) and for self-signatures created before 2023-01-01, since many
//   old keys carry them; MD5 and RIPEMD-160 are refused.
//
// Guarantees and limits (SignatureLimits)
//   - Subpacket areas at most 64 KiB (the wire maximum) and at most 256
//     subpackets each; an embedded signature is parsed one level deep only.
//   - A critical subpacket we do not understand makes the signature
//     invalid (RFC 4880 5.2.3.1) when verified, but still parses for dump.
//   - verify_* return bad_signature for any mismatch, never throw.
#pragma once

#include <optional>
#include <vector>

#include <botan/rng.h>

#include "common/bytes.h"
#include "crypto/error.h"
#include "crypto/key_packet.h"

namespace mixtasy::crypto {

enum class SignatureType : uint8_t {
    Binary = 0x00,
    Text = 0x01,
    Standalone = 0x02,
    GenericCertification = 0x10,
    PersonaCertification = 0x11,
    CasualCertification = 0x12,
    PositiveCertification = 0x13,
    SubkeyBinding = 0x18,
    PrimaryKeyBinding = 0x19,
    DirectKey = 0x1f,
    KeyRevocation = 0x20,
    SubkeyRevocation = 0x28,
    CertificationRevocation = 0x30,
    TimestampSignature = 0x40,  // not Timestamp: that is the type of every time field
    ThirdPartyConfirmation = 0x50,
};

enum class HashAlgorithm : uint8_t {
    Md5 = 1,
    Sha1 = 2,
    Ripemd160 = 3,
    Sha256 = 8,
    Sha384 = 9,
    Sha512 = 10,
    Sha224 = 11,
};

std::string_view hash_name(HashAlgorithm hash) noexcept;  // "SHA-256", "unknown"

enum class SubpacketType : uint8_t {
    CreationTime = 2,
    ExpirationTime = 3,
    Exportable = 4,
    Trust = 5,
    RegularExpression = 6,
    Revocable = 7,
    KeyExpirationTime = 9,
    PreferredSymmetric = 11,
    RevocationKey = 12,
    Issuer = 16,
    Notation = 20,
    PreferredHash = 21,
    PreferredCompression = 22,
    KeyserverPreferences = 23,
    PreferredKeyserver = 24,
    PrimaryUserId = 25,
    PolicyUri = 26,
    KeyFlags = 27,
    SignersUserId = 28,
    ReasonForRevocation = 29,
    Features = 30,
    SignatureTarget = 31,
    EmbeddedSignature = 32,
    IssuerFingerprint = 33,
    PreferredAead = 34,
};

std::string_view subpacket_name(uint8_t type) noexcept;

// Key flags (RFC 4880 5.2.3.21), first octet.
inline constexpr uint8_t kFlagCertify = 0x01;
inline constexpr uint8_t kFlagSign = 0x02;
inline constexpr uint8_t kFlagEncryptCommunications = 0x04;
inline constexpr uint8_t kFlagEncryptStorage = 0x08;
inline constexpr uint8_t kFlagsEncrypt = kFlagEncryptCommunications | kFlagEncryptStorage;

struct Subpacket {
    uint8_t type = 0;
    bool critical = false;
    Bytes data;
    std::size_t offset = 0;  // absolute offset of its length octet
};

struct SignatureLimits {
    std::size_t max_subpackets = 256;  // per area
};

struct Signature {
    uint8_t version = 4;
    SignatureType type = SignatureType::Binary;
    PublicKeyAlgorithm algorithm = PublicKeyAlgorithm::Eddsa;
    HashAlgorithm hash = HashAlgorithm::Sha256;
    Bytes hashed_area;  // raw hashed subpacket octets, as hashed
    std::vector<Subpacket> hashed;
    std::vector<Subpacket> unhashed;
    std::array<uint8_t, 2> hash_prefix{};  // left 16 bits of the digest
    std::vector<Bytes> mpis;               // RSA: s; EdDSA: r, s
    Bytes body;                            // the serialized packet body

    // Resolved from the hashed area (issuer also from unhashed).
    Timestamp created = 0;
    std::optional<uint32_t> expires_after;      // signature expiration, seconds
    std::optional<uint32_t> key_expires_after;  // key expiration, seconds after key creation
    std::optional<uint8_t> key_flags;
    std::optional<KeyId> issuer;
    std::optional<Fingerprint> issuer_fingerprint;
    bool primary_user_id = false;
    bool has_unknown_critical = false;
};

Result<Signature> parse_signature(ByteView body, std::size_t base = 0,
                                  const SignatureLimits& limits = {});

// What a created self-signature or data signature carries.
struct SignatureParams {
    SignatureType type = SignatureType::Binary;
    HashAlgorithm hash = HashAlgorithm::Sha256;
    Timestamp created = 0;
    std::optional<uint32_t> expires_after;  // the signature's own expiration (subpacket 3)
    std::optional<uint32_t> key_expires_after;
    std::optional<uint8_t> key_flags;
    bool primary_user_id = false;
    bool preferences = false;  // add preferred algorithms and features (self-sigs)
};

// Data signatures (0x00 binary, 0x01 text: line endings normalized to CRLF).
Result<Signature> sign_data(const SecretKey& signer, ByteView data, const SignatureParams& params,
                            Botan::RandomNumberGenerator& rng);
Result<void> verify_data(const Signature& sig, const PublicKey& signer, ByteView data);

// Certification of a user ID by the primary key (0x10..0x13, 0x30).
Result<Signature> certify_user_id(const SecretKey& primary, ByteView user_id,
                                  const SignatureParams& params, Botan::RandomNumberGenerator& rng);
Result<void> verify_user_id(const Signature& sig, const PublicKey& primary, ByteView user_id);
// A third-party certification of `user_id` on the key `certified`, made by
// `signer` (0x10..0x13, or its revocation 0x30): the same hash as a
// self-certification, verified with the signer's key.  The caller decides
// what the certification is worth (expiry, revocation, whom it trusts).
Result<void> verify_certification(const Signature& sig, const PublicKey& signer,
                                  const PublicKey& certified, ByteView user_id);

// Subkey binding (0x18) and subkey revocation (0x28).  Bindings for
// signing-capable subkeys would need a 0x19 back-signature; we create and
// accept encryption-only subkeys only (signing subkeys: bad_signature).
Result<Signature> bind_subkey(const SecretKey& primary, const PublicKey& subkey,
                              const SignatureParams& params, Botan::RandomNumberGenerator& rng);
Result<void> verify_subkey(const Signature& sig, const PublicKey& primary, const PublicKey& subkey);

// Direct-key signatures and key revocations (0x1f, 0x20) on the primary.
Result<void> verify_direct(const Signature& sig, const PublicKey& primary);

// A complete Signature packet (new format) for `sig`.
Bytes signature_packet(const Signature& sig);

}  // namespace mixtasy::crypto
