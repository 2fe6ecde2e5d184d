// SPDX-License-Identifier: BSD-2-Clause
// key_packet.h - one v4 OpenPGP key packet: public and secret material.
//
// What it does
//   Parses and serializes the body of a Public-Key / Public-Subkey packet
//   (tags 6, 14) and of an unprotected Secret-Key / Secret-Subkey packet
//   (tags 5, 7), and computes the v4 fingerprint (SHA-1 over 0x99, a
//   two-byte length and the public body) and key ID (its low 64 bits).
//
// Algorithms read
//   RSA (1, 2, 3)     n, e; secret d, p, q, u.
//   ECDH (18)         curve OID, point, KDF hash id and KEK cipher id.
//   ECDSA (19)        curve OID, point (read for inspection; not verified).
//   EdDSA (22)        curve OID (Ed25519), point with the 0x40 prefix.
//   Anything else (DSA, ElGamal, v5/v6 keys) is unsupported_algorithm /
//   unsupported_version: a certificate may skip such a subkey.
//
// Guarantees and limits (KeyMaterialLimits)
//   - RSA modulus 1024..4096 bits accepted on read; keys to be encrypted to
//     need >= 2048 (PublicKey::usable_for_encryption).
//   - Curve25519 / Ed25519 points must be 33 bytes: 0x40 followed by the 32
//     native bytes; anything else is bad_key.
//   - Secret material lives only in Botan::secure_vector.  Secret keys with
//     S2K usage 0 are read (the two-byte checksum is verified) and written;
//     passphrase-protected ones give unsupported_feature.
//   - SecretKey::ecc_secret holds: for EdDSA the 32-byte seed; for ECDH on
//     Curve25519 the 32-byte scalar in native (little-endian) order, i.e. as
//     Botan::Curve25519_PrivateKey takes it (OpenPGP stores it reversed).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>

#include <botan/secmem.h>

#include "common/bytes.h"
#include "crypto/error.h"

namespace mixtasy::crypto {

enum class PublicKeyAlgorithm : uint8_t {
    Rsa = 1,
    RsaEncryptOnly = 2,
    RsaSignOnly = 3,
    Elgamal = 16,
    Dsa = 17,
    Ecdh = 18,
    Ecdsa = 19,
    Eddsa = 22,
    X25519 = 25,
    X448 = 26,
    Ed25519 = 27,
    Ed448 = 28,
};

enum class Curve : uint8_t { Unknown, Ed25519, Curve25519, NistP256, NistP384, NistP521 };

std::string_view algorithm_name(PublicKeyAlgorithm algorithm) noexcept;
std::string_view curve_name(Curve curve) noexcept;
ByteView curve_oid(Curve curve) noexcept;  // DER content octets; empty if unknown

using Fingerprint = std::array<uint8_t, 20>;
using KeyId = std::array<uint8_t, 8>;
using Timestamp = uint32_t;  // OpenPGP time: seconds since 1970, unsigned

std::string to_hex(ByteView bytes);  // upper-case hex, as gpg prints
inline std::string to_hex(const Fingerprint& f) { return to_hex(ByteView(f)); }
inline std::string to_hex(const KeyId& k) { return to_hex(ByteView(k)); }

struct RsaMaterial {
    Bytes n;  // big-endian, no leading zero bytes
    Bytes e;
};

struct EccMaterial {
    Curve curve = Curve::Unknown;
    Bytes oid;    // DER content octets of the curve OID, as on the wire
    Bytes point;  // MPI contents: 0x40 || 32 bytes for the 25519 curves
};

// ECDH only: the KDF parameters of RFC 6637 section 9.
struct KdfParams {
    uint8_t hash = 0;    // hash algorithm id (8 = SHA-256, ...)
    uint8_t cipher = 0;  // key wrap cipher id (7 = AES-128, 9 = AES-256)
};

struct KeyMaterialLimits {
    unsigned min_rsa_bits = 1024;
    unsigned max_rsa_bits = 4096;
    unsigned min_rsa_encrypt_bits = 2048;
};

struct PublicKey {
    uint8_t version = 4;
    Timestamp created = 0;
    PublicKeyAlgorithm algorithm = PublicKeyAlgorithm::Eddsa;
    RsaMaterial rsa;  // RSA only
    EccMaterial ecc;  // ECDH, ECDSA, EdDSA
    KdfParams kdf;    // ECDH only
    Bytes body;       // the serialized packet body (hashed by signatures)
    Fingerprint fingerprint{};
    KeyId key_id{};

    // 32 native bytes of a 25519 point (without the 0x40 prefix); empty if
    // the key is not on Curve25519/Ed25519.
    ByteView native_point() const noexcept;
    unsigned rsa_bits() const noexcept;
    bool can_sign_algorithm() const noexcept;     // EdDSA, RSA 1/3
    bool can_encrypt_algorithm() const noexcept;  // ECDH 25519, RSA 1/2 >= min bits
};

struct SecretKey {
    PublicKey pub;
    // RSA
    Botan::secure_vector<uint8_t> rsa_d, rsa_p, rsa_q, rsa_u;
    // EdDSA seed / native X25519 scalar (see the header comment).
    Botan::secure_vector<uint8_t> ecc_secret;
};

// Body of tag 6/14.  `base` is the absolute offset of the body for errors.
Result<PublicKey> parse_public_key(ByteView body, std::size_t base = 0,
                                   const KeyMaterialLimits& limits = {});
// Body of tag 5/7.  The public part is parsed with parse_public_key rules.
Result<SecretKey> parse_secret_key(ByteView body, std::size_t base = 0,
                                   const KeyMaterialLimits& limits = {});

// Build a PublicKey from its fields: fills body, fingerprint and key_id.
Result<PublicKey> make_public_key(PublicKey fields);

// Body of tag 5/7 with S2K usage 0 and the two-byte checksum.  The result
// holds secret material, hence secure_vector.
Botan::secure_vector<uint8_t> serialize_secret_key(const SecretKey& key);

}  // namespace mixtasy::crypto
