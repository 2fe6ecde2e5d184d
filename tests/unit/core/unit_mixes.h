// SPDX-License-Identifier: BSD-2-Clause
// unit_mixes.h - mix keys held in memory for the tests of one unit at a
// time (layer, processor, keyring, creator): real keys made by crypto
// keygen, a KeyRing of their public halves, a fixed time and a seeded
// Random.  No key homes, no stores, no Node: core_test_util.h's TestNet is
// for the tests of the Node itself.
#pragma once

#include <catch2/catch.hpp>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "common/time.h"
#include "core/keys/keyring.h"
#include "core/keys/node_key.h"
#include "core/node/processor.h"
#include "core/ports/random.h"
#include "crypto/armor.h"
#include "crypto/key_io.h"
#include "wire_bytes.h"

namespace mixtasy::core::unit {

// Keys are made an hour before this instant, so their subkeys (two days)
// are valid at it and expired three days later.
inline constexpr std::int64_t kEpoch = 1'800'000'000;  // 2027-01-15
inline constexpr std::int64_t kKeysCreated = kEpoch - 3600;

inline std::string mix_address(std::size_t i) {
    return "mixtasy@n" + std::to_string(i) + ".example";
}

inline crypto::SecretCertificate make_mix_key(const std::string& address,
                                              const std::vector<std::string>& modes, Random& random,
                                              std::int64_t created = kKeysCreated) {
    NodeKeyParams params;
    params.address = address;
    params.modes = modes;
    params.created = static_cast<crypto::Timestamp>(created);
    auto key = generate_node_key(params, random);
    REQUIRE(key);
    return std::move(*key);
}

// n mixes mixtasy@n<i>.example with the given modes each, and a ring that
// knows all of them.
class UnitMixes {
public:
    explicit UnitMixes(std::size_t n,
                       std::vector<std::string> modes = {"middleman", "exitpublic"}) {
        for (std::size_t i = 0; i < n; ++i) add(mix_address(i), modes);
    }

    void add(const std::string& address, const std::vector<std::string>& modes) {
        keys.emplace_back(address, make_mix_key(address, modes, random));
        armored += crypto::export_public(keys.back().second.cert);
        ring = KeyRing::parse(armored);
        REQUIRE(ring.rejected().empty());
    }

    const crypto::SecretCertificate& key(const std::string& address) const {
        for (const auto& [a, k] : keys) {
            if (a == address) return k;
        }
        FAIL("no key for " << address);
        throw;  // not reached
    }

    // What the mix at `address` says of itself, as its key says it.
    NodeIdentity identity(const std::string& address) const {
        const MixKey* known = ring.find(address);
        REQUIRE(known != nullptr);
        return NodeIdentity{address, known->modes};
    }

    Peeled peel_at(const std::string& address, ByteView message) {
        return peel(message, key(address), identity(address), now, random);
    }

    // Peels `message` at the first `hops` mixes of `path`, each of which
    // must forward it to the next; returns what reaches path[hops].
    Bytes forward_along(const std::vector<std::string>& path, Bytes message, std::size_t hops) {
        for (std::size_t i = 0; i < hops; ++i) {
            CAPTURE(i);
            Peeled p = peel_at(path[i], message);
            REQUIRE(p.kind == Peeled::Kind::Forward);
            REQUIRE(p.next_hop == path[i + 1]);
            message = std::move(p.message);
        }
        return message;
    }

    Instant now = from_unix(kEpoch);
    DeterministicRandom random{42};
    std::vector<std::pair<std::string, crypto::SecretCertificate>> keys;
    std::string armored;
    KeyRing ring;
};

using testing::binary_body;
using testing::text_of;

}  // namespace mixtasy::core::unit
