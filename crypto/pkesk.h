// SPDX-License-Identifier: BSD-2-Clause
// pkesk.h - Public-Key Encrypted Session Key packets, version 3
// (RFC 4880 5.1, RFC 6637 10), for ECDH Curve25519 and RSA.
//
// What it does
//   parse_pkesk / serialize_pkesk   the packet body <-> Pkesk
//   pkesk_encrypt(recipient, sk)    a Pkesk carrying `sk` for one key
//   pkesk_decrypt(pkesk, secret)    the session key, if `secret` opens it
//
// Wire format (body)
//   3 || key ID (8; all zero = "wildcard", the recipient is hidden) || algo
//   ECDH (18):     MPI(0x40 || ephemeral u) || len (1) || AES-KW output
//   RSA (1, 2):    MPI(m^e mod n), m = EME-PKCS1-v1_5(algo || key || sum)
//
// Guarantees and refusals
//   - Version other than 3: unsupported_version.  Algorithms other than
//     ECDH and RSA (1, 2): unsupported_algorithm.  A field running past the
//     body: truncated.  Bytes after the last field, an MPI whose bit count
//     is not exact (leading zero bits: one value, many encodings), or an
//     empty wrapped key: bad_packet.  An MPI above the limit:
//     limit_exceeded.  Offsets in errors are absolute (`base` = offset of
//     the body in the message).
//   - pkesk_decrypt never tells why a session key was not recovered: wrong
//     key, bad padding, bad checksum are all decrypt_failed.  A Pkesk whose
//     algorithm does not match the key's: no_valid_key.
//   - RSA decryption uses Botan's blinded private key operation; ECDH's
//     shared secret and the session key stay in secure_vector.
#pragma once

#include <cstdint>

#include <botan/rng.h>

#include "common/bytes.h"
#include "crypto/error.h"
#include "crypto/key_packet.h"
#include "crypto/session_key.h"

namespace mixtasy::crypto {

struct PkeskLimits {
    std::size_t max_mpi_bits = 8192;  // the largest RSA ciphertext we read
};

struct Pkesk {
    KeyId key_id{};  // all zero = wildcard
    PublicKeyAlgorithm algorithm = PublicKeyAlgorithm::Ecdh;
    Bytes ecdh_point;      // ECDH: 0x40 || u
    Bytes ecdh_wrapped;    // ECDH: AES-KW output
    Bytes rsa_ciphertext;  // RSA: MPI value, big-endian

    bool wildcard() const noexcept;
};

Result<Pkesk> parse_pkesk(ByteView body, std::size_t base = 0, const PkeskLimits& limits = {});
Bytes serialize_pkesk(const Pkesk& pkesk);

// `hide_recipient` writes the wildcard key ID instead of the subkey's.
Result<Pkesk> pkesk_encrypt(const PublicKey& recipient, const SessionKey& sk,
                            Botan::RandomNumberGenerator& rng, bool hide_recipient = false);

Result<SessionKey> pkesk_decrypt(const Pkesk& pkesk, const SecretKey& secret,
                                 Botan::RandomNumberGenerator& rng);

}  // namespace mixtasy::crypto
