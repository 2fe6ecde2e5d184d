// keygen.h - Mixtasy node key generation and subkey rotation.
//
// What it does
//   generate_node_key() makes the key layout of the Mixtasy thesis (seed 000
//   section 6.3) and DESIGN.md section 4:
//     - an Ed25519 (EdDSA) primary key, flags certify+sign, no expiry;
//     - exactly one user ID "name (mixtasy-mode:m1,m2) <address>", positively
//       self-certified, marked primary, with algorithm preferences
//       (AES-256/192/128, SHA-512/384/256, no compression, MDC);
//     - one encryption-only Curve25519 ECDH subkey (flags 0x0C, KDF SHA-256
//       with AES-128 key wrap, as gpg makes them) valid `subkey_validity`.
//   add_encryption_subkey() adds one more such subkey (rotation at half-life).
//
// Guarantees and refusals
//   - Keys import into gpg and sq, which then encrypt to the subkey.
//   - Refused (bad_key): empty or malformed address (needs one '@', no
//     whitespace, '<', '>', '(' or ')'), a name with '(' ')' '<' '>', an
//     empty mode list, a mode other than middleman/exitprivate/exitpublic,
//     a subkey validity of 0.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <botan/rng.h>

#include "crypto/error.h"
#include "crypto/key.h"

namespace mixtasy::crypto {

inline constexpr uint32_t kDefaultSubkeyValidity = 2 * 24 * 3600;  // two days

struct NodeKeyParams {
    std::string name = "Mixtasy node";
    std::string address;  // mixtasy@fqdn
    std::vector<std::string> modes{"middleman"};
    Timestamp created = 0;
    uint32_t subkey_validity = kDefaultSubkeyValidity;
};

// "name (mixtasy-mode:a,b) <address>", after validating the parts.
Result<std::string> node_user_id(const NodeKeyParams& params);

// The modes listed in a user ID's "mixtasy-mode:" comment feature; empty
// when there is none.
std::vector<std::string> modes_of_user_id(std::string_view user_id);

Result<SecretCertificate> generate_node_key(const NodeKeyParams& params, Botan::RandomNumberGenerator& rng);

Result<void> add_encryption_subkey(SecretCertificate& key, Timestamp created, uint32_t validity,
                                   Botan::RandomNumberGenerator& rng);

// Drops every subkey that expired at or before `now` (or was revoked), with
// its secret, which secure_vector wipes: forward secrecy for messages to
// old subkeys, and a certificate that stays within KeyLimits::max_subkeys
// however long the node rotates.  Returns how many were removed.
std::size_t remove_expired_subkeys(SecretCertificate& key, Timestamp now);

}  // namespace mixtasy::crypto
