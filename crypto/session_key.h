// SPDX-License-Identifier: BSD-2-Clause
// session_key.h - the symmetric session key of one OpenPGP message and its
// encodings inside a PKESK (RFC 4880 5.1, RFC 6637 8).
//
// What it does
//   SessionKey holds the symmetric algorithm id and the key bytes, the key in
//   Botan::secure_vector (wiped on release).  The PKESK encoding is
//       algo (1) || key || checksum (2, sum of key bytes mod 65536, BE)
//   and ECDH wraps that encoding after PKCS#5 padding to 8 bytes.
//
// Interface
//   generate_session_key(algo, rng)      fresh random key for a cipher id
//   encode_session_key(sk)               algo || key || checksum
//   decode_session_key(m)                the inverse, checked
//   pkcs5_pad(m) / pkcs5_unpad(m)        RFC 6637 8-byte padding
//
// Guarantees and refusals
//   - decode refuses (unsupported_algorithm) a cipher id openpgp_cfb.h does
//     not support, (bad_key) a length that is not that cipher's key length
//     plus three, and (bad_checksum) a checksum mismatch.  Nothing is
//     returned unless all three hold.
//   - pkcs5_unpad refuses (bad_packet) an empty input, a pad byte of 0 or
//     above 8 and inconsistent pad bytes, without branching on which pad
//     byte differed.
#pragma once

#include <cstdint>

#include <botan/rng.h>
#include <botan/secmem.h>

#include "common/bytes.h"
#include "crypto/error.h"

namespace mixtasy::crypto {

struct SessionKey {
    uint8_t algo = 0;                   // OpenPGP symmetric algorithm id
    Botan::secure_vector<uint8_t> key;  // key bytes
};

Result<SessionKey> generate_session_key(uint8_t algo, Botan::RandomNumberGenerator& rng);

uint16_t session_key_checksum(std::span<const uint8_t> key);

Botan::secure_vector<uint8_t> encode_session_key(const SessionKey& sk);
Result<SessionKey> decode_session_key(std::span<const uint8_t> encoded);

Botan::secure_vector<uint8_t> pkcs5_pad(std::span<const uint8_t> m);
Result<Botan::secure_vector<uint8_t>> pkcs5_unpad(std::span<const uint8_t> m);

}  // namespace mixtasy::crypto
