// SPDX-License-Identifier: BSD-2-Clause
// keygen_test.cpp - the generated key layout (Ed25519 primary, one user ID,
// X25519 subkey), subkey upkeep, and their refusals.
#include "crypto/keygen.h"

#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

#include "crypto/key.h"
#include "test_util.h"

using namespace mixtasy;
using namespace mixtasy::crypto;

TEST_CASE("generated key has the mandated layout", "[keygen]") {
    Botan::AutoSeeded_RNG rng;
    KeyGenParams p;
    p.user_id = "Mixtasy node (mixtasy-mode:middleman) <mixtasy@n.example>";
    p.created = 1700000000;
    p.subkey_validity = test::kTwoDays;
    auto k = generate_key(p, rng);
    REQUIRE(k);
    const Certificate& c = k->cert;
    CHECK(c.primary.algorithm == PublicKeyAlgorithm::Eddsa);
    CHECK(c.primary.ecc.curve == Curve::Ed25519);
    CHECK(c.user_ids.size() == 1);
    CHECK(c.user_ids[0].text == p.user_id);
    CHECK(c.user_ids[0].self_signature.type == SignatureType::PositiveCertification);
    CHECK(c.user_ids[0].self_signature.primary_user_id);
    REQUIRE(c.subkeys.size() == 1);
    CHECK(c.subkeys[0].key.algorithm == PublicKeyAlgorithm::Ecdh);
    CHECK(c.subkeys[0].key.ecc.curve == Curve::Curve25519);
    CHECK(c.subkeys[0].encryption_capable());
    CHECK(c.subkeys[0].binding.key_expires_after == 2u * 24 * 3600);
    REQUIRE(k->subkeys.size() == 1);
    // The stored X25519 scalar is clamped.
    CHECK((k->subkeys[0].ecc_secret[0] & 7) == 0);
    CHECK((k->subkeys[0].ecc_secret[31] & 0xc0) == 0x40);
    CHECK(!add_encryption_subkey(*k, 1600000000, 3600, rng));  // older than the primary
    CHECK(!add_encryption_subkey(*k, 1700000000, 0, rng));
}

TEST_CASE("rotation keeps the certificate bounded: expired subkeys and their secrets go",
          "[keygen]") {
    Botan::AutoSeeded_RNG rng;
    KeyGenParams p;
    p.user_id = "Mixtasy node (mixtasy-mode:middleman) <mixtasy@rotate.example>";
    p.created = 1700000000;
    p.subkey_validity = test::kTwoDays;
    auto k = generate_key(p, rng);
    REQUIRE(k);
    const Timestamp day = 24 * 3600;
    // Ninety days of rotation at half-life, pruning as a node would.
    for (Timestamp t = p.created + day; t <= p.created + 90 * day; t += day) {
        REQUIRE(add_encryption_subkey(*k, t, test::kTwoDays, rng));
        remove_expired_subkeys(*k, t);
        CHECK(k->cert.subkeys.size() <= 2);
        CHECK(k->subkeys.size() == k->cert.subkeys.size());
    }
    auto certs = parse_certificates(serialize(k->cert));
    REQUIRE(certs);
    CHECK(valid_encryption_subkeys(certs->front(), from_timestamp(p.created + 90 * day + 10))
              .size() == 2);
    auto tsk = parse_secret_certificates(serialize(*k));
    REQUIRE(tsk);
    CHECK(tsk->front().subkeys.size() == 2);
    CHECK(remove_expired_subkeys(*k, p.created + 200 * day) == 2);
    CHECK(k->subkeys.empty());
}

TEST_CASE("a first subkey of validity 0 is refused", "[keygen]") {
    Botan::AutoSeeded_RNG rng;
    KeyGenParams p;
    p.user_id = "Anyone <anyone@example.org>";
    p.created = 1700000000;
    auto refused = generate_key(p, rng);
    REQUIRE(!refused);
    CHECK(refused.error().code == ErrorCode::BadKey);
    p.subkey_validity = 3600;
    auto k = generate_key(p, rng);
    REQUIRE(k);
    CHECK(k->cert.user_ids.at(0).text == "Anyone <anyone@example.org>");
    CHECK(k->cert.subkeys.at(0).binding.key_expires_after == 3600u);
}
