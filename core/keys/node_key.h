// SPDX-License-Identifier: BSD-2-Clause
// node_key.h - the Mixtasy node key profile (seed 000 section 6.3,
// DESIGN.md section 4): what a node's key says about the node and how it is
// made.
//
// WHAT IT DOES
//   node_user_id(params) is the one user ID of a node key,
//   "name (mixtasy-mode:m1,m2) <address>", after validating its parts.
//   modes_of_user_id(uid) reads the modes back from a user ID's
//   "mixtasy-mode:" comment feature.
//   generate_node_key(params, rng) makes the node key on crypto's generic
//   generator (crypto/keygen.h): an Ed25519 primary key with that user ID
//   and one Curve25519 encryption subkey valid `subkey_validity` (two days
//   by default, the seed's short-term subkey).
//
// WHAT IT GUARANTEES
//   Keys import into gpg and sq, which then encrypt to the subkey;
//   check_mix_key (mix_key.h) accepts them.
//
// WHAT IT REFUSES (crypto bad_key, one-line detail)
//   An empty or malformed address (needs one '@', no whitespace, '<', '>',
//   '(' or ')'), a name with '(' ')' '<' '>', an empty mode list, a mode
//   other than middleman/exitprivate/exitpublic or one listed twice, a
//   subkey validity of 0.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <botan/rng.h>

#include "crypto/error.h"
#include "crypto/key.h"

namespace mixtasy::core {

// Seed 000 section 6.3: short-term subkeys live two days.
inline constexpr std::chrono::seconds kDefaultSubkeyValidity{2 * 24 * 3600};
// The bounds every front end enforces (mixtasy-milter.conf's SubkeyLifetime,
// `mixtasy keygen` and `key rotate --subkey-lifetime`): at least an hour, as
// a shorter subkey would expire inside one pool round; at most what an
// OpenPGP key expiration time holds (32 bits of seconds, about 136 years).
inline constexpr std::chrono::seconds kMinSubkeyValidity{3600};
inline constexpr std::chrono::seconds kMaxSubkeyValidity{0xffffffffLL};

struct NodeKeyParams {
    std::string name = "Mixtasy node";
    std::string address;  // mixtasy@fqdn
    std::vector<std::string> modes{"middleman"};
    crypto::Timestamp created = 0;
    std::uint32_t subkey_validity = static_cast<std::uint32_t>(kDefaultSubkeyValidity.count());
};

// "name (mixtasy-mode:a,b) <address>", after validating the parts.
crypto::Result<std::string> node_user_id(const NodeKeyParams& params);

// The modes listed in a user ID's "mixtasy-mode:" comment feature; empty
// when there is none.
std::vector<std::string> modes_of_user_id(std::string_view user_id);

crypto::Result<crypto::SecretCertificate> generate_node_key(const NodeKeyParams& params,
                                                            Botan::RandomNumberGenerator& rng);

}  // namespace mixtasy::core
