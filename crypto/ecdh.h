// SPDX-License-Identifier: BSD-2-Clause
// ecdh.h - OpenPGP ECDH on Curve25519 (RFC 6637, as GnuPG writes it).
//
// What it does
//   Encrypts a session key to a Curve25519 ECDH subkey and recovers it:
//     Z     = X25519(secret, peer point)
//     param = curve OID len || curve OID || 18 || 03 01 hash kek_cipher ||
//             "Anonymous Sender    " || recipient fingerprint
//     KEK   = leftmost kek bytes of Hash(00 00 00 01 || Z || param)
//     C     = AES-KW(KEK, pkcs5_pad(algo || key || checksum))   (RFC 3394)
//   The PKESK carries the ephemeral point as the MPI 0x40 || u (263 bits)
//   and C prefixed by its one-byte length (pkesk.h does that framing).
//
// Interface
//   x25519_scalar_from_openpgp(mpi)  the native (little-endian) X25519
//                                    scalar from the secret MPI as GnuPG
//                                    stores it (big-endian, i.e. reversed)
//   x25519_scalar_to_openpgp(s)      the inverse, for writing keys
//   ecdh_encrypt(recipient, sk, rng) -> {ephemeral point, wrapped key}
//   ecdh_decrypt(secret, point, wrapped) -> SessionKey
//
// Guarantees and refusals
//   - Only Curve25519 (OID 1.3.6.1.4.1.3029.1.5.1); KDF hash SHA-256/384/512;
//     KEK AES-128/192/256.  Others: unsupported_algorithm.
//   - A point that is not 0x40 || 32 bytes, or a shared secret of all zero
//     (small-order peer point): bad_key.  A wrapped key that is not a
//     multiple of 8 in 24..64 bytes: bad_packet.  Failed unwrap, padding or
//     session key checksum: decrypt_failed (one code, no oracle).
//   - Scalars, Z, KEK and the unwrapped key live only in secure_vector.
#pragma once

#include <array>
#include <cstdint>

#include <botan/rng.h>
#include <botan/secmem.h>

#include "common/bytes.h"
#include "crypto/error.h"
#include "crypto/session_key.h"

namespace mixtasy::crypto {

// DER body of the Curve25519 OID, as it appears in keys and the KDF param.
inline constexpr std::array<uint8_t, 10> kCurve25519Oid{0x2B, 0x06, 0x01, 0x04, 0x01,
                                                        0x97, 0x55, 0x01, 0x05, 0x01};
inline constexpr uint8_t kPubkeyAlgoEcdh = 18;

// The public half of an ECDH Curve25519 subkey, in the raw form ECDH needs.
struct X25519Recipient {
    std::array<uint8_t, 32> public_u{};  // native u-coordinate (after 0x40)
    uint8_t kdf_hash = 8;                // OpenPGP hash id (8 = SHA-256)
    uint8_t kek_cipher = 7;              // OpenPGP cipher id (7 = AES-128)
    Bytes fingerprint;                   // the subkey's v4 fingerprint (20)
};

// The secret half: the public parameters plus the native scalar.
struct X25519Secret {
    X25519Recipient pub;
    Botan::secure_vector<uint8_t> scalar;  // 32 bytes, little-endian (RFC 7748)
};

struct EcdhCiphertext {
    Bytes ephemeral_point;  // 0x40 || u, the MPI value of the PKESK
    Bytes wrapped;          // AES-KW output
};

Botan::secure_vector<uint8_t> x25519_scalar_from_openpgp(std::span<const uint8_t> mpi_value);
Botan::secure_vector<uint8_t> x25519_scalar_to_openpgp(std::span<const uint8_t> native);

// The public u-coordinate of a native scalar (for tests and keygen checks).
std::array<uint8_t, 32> x25519_public_from_scalar(std::span<const uint8_t> native);

Bytes ecdh_kdf_param(uint8_t kdf_hash, uint8_t kek_cipher, ByteView fingerprint);

Result<EcdhCiphertext> ecdh_encrypt(const X25519Recipient& recipient, const SessionKey& sk,
                                    Botan::RandomNumberGenerator& rng);

Result<SessionKey> ecdh_decrypt(const X25519Secret& secret, ByteView ephemeral_point,
                                ByteView wrapped);

}  // namespace mixtasy::crypto
