// SPDX-License-Identifier: BSD-2-Clause
// keygen.h - generic OpenPGP key generation and subkey upkeep.
//
// What it does
//   generate_key() makes a certification/signing primary key with one user
//   ID and one encryption subkey:
//     - an Ed25519 (EdDSA) primary key, flags certify+sign, no expiry;
//     - exactly the one user ID it is given, positively self-certified,
//       marked primary, with algorithm preferences (AES-256/192/128,
//       SHA-512/384/256, no compression, MDC);
//     - one encryption-only Curve25519 ECDH subkey (flags 0x0C, KDF SHA-256
//       with AES-128 key wrap, as gpg makes them) valid `subkey_validity`.
//   add_encryption_subkey() adds one more such subkey.
//   remove_expired_subkeys() drops the expired and revoked ones.
//   What the user ID says and how long subkeys live is the caller's
//   profile (core/keys/node_key.h for a mix node).
//
// Guarantees and refusals
//   - Keys import into gpg and sq, which then encrypt to the subkey.
//   - Refused (bad_key): a subkey validity of 0, a subkey created before
//     its primary key.
#pragma once

#include <cstdint>
#include <string>

#include <botan/rng.h>

#include "crypto/error.h"
#include "crypto/key.h"

namespace mixtasy::crypto {

struct KeyGenParams {
    std::string user_id;           // the certificate's only user ID, as given
    Timestamp created = 0;         // of the primary key, its user ID and first subkey
    uint32_t subkey_validity = 0;  // seconds the first subkey is valid; 0 is refused
};

Result<SecretCertificate> generate_key(const KeyGenParams& params,
                                       Botan::RandomNumberGenerator& rng);

Result<void> add_encryption_subkey(SecretCertificate& key, Timestamp created, uint32_t validity,
                                   Botan::RandomNumberGenerator& rng);

// Drops every subkey that expired at or before `now` (or was revoked), with
// its secret, which secure_vector wipes: forward secrecy for messages to
// old subkeys, and a certificate that stays within KeyLimits::max_subkeys
// however long the key is rotated.  Returns how many were removed.
std::size_t remove_expired_subkeys(SecretCertificate& key, Timestamp now);

}  // namespace mixtasy::crypto
