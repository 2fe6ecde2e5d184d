// keygen_test.cpp - node key layout of seed 000 section 6.3 and its refusals.
#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

#include "crypto/key.h"
#include "crypto/keygen.h"

using namespace mixtasy;
using namespace mixtasy::crypto;

TEST_CASE("node user ID carries the modes in its comment", "[keygen]") {
    NodeKeyParams p;
    p.name = "Alpha";
    p.address = "mixtasy@alpha.example";
    p.modes = {"middleman", "exitprivate", "exitpublic"};
    auto uid = node_user_id(p);
    REQUIRE(uid);
    CHECK(*uid == "Alpha (mixtasy-mode:middleman,exitprivate,exitpublic) <mixtasy@alpha.example>");
    CHECK(modes_of_user_id(*uid) == p.modes);
    CHECK(modes_of_user_id("x (other:1 mixtasy-mode:exitpublic) <a@b>") == std::vector<std::string>{"exitpublic"});
    CHECK(modes_of_user_id("plain <a@b>").empty());
}

TEST_CASE("node key parameters are validated", "[keygen]") {
    auto refused = [](NodeKeyParams p) {
        auto r = node_user_id(p);
        REQUIRE(!r);
        return r.error().code;
    };
    NodeKeyParams good;
    good.address = "mixtasy@n.example";
    REQUIRE(node_user_id(good));
    for (const char* bad : {"", "mixtasy", "@n", "m@", "a@b@c", "a b@c", "a<b@c", "a@b)"}) {
        NodeKeyParams p = good;
        p.address = bad;
        CHECK(refused(p) == ErrorCode::bad_key);
    }
    NodeKeyParams p = good;
    p.name = "evil (x)";
    CHECK(refused(p) == ErrorCode::bad_key);
    p = good;
    p.modes = {};
    CHECK(refused(p) == ErrorCode::bad_key);
    p.modes = {"middleman", "middleman"};
    CHECK(refused(p) == ErrorCode::bad_key);
    p.modes = {"relay"};
    CHECK(refused(p) == ErrorCode::bad_key);
}

TEST_CASE("generated node key has the mandated layout", "[keygen]") {
    Botan::AutoSeeded_RNG rng;
    NodeKeyParams p;
    p.address = "mixtasy@n.example";
    p.created = 1700000000;
    auto k = generate_node_key(p, rng);
    REQUIRE(k);
    const Certificate& c = k->cert;
    CHECK(c.primary.algorithm == PublicKeyAlgorithm::eddsa);
    CHECK(c.primary.ecc.curve == Curve::ed25519);
    CHECK(c.user_ids.size() == 1);
    CHECK(c.user_ids[0].self_signature.type == SignatureType::positive_certification);
    CHECK(c.user_ids[0].self_signature.primary_user_id);
    REQUIRE(c.subkeys.size() == 1);
    CHECK(c.subkeys[0].key.algorithm == PublicKeyAlgorithm::ecdh);
    CHECK(c.subkeys[0].key.ecc.curve == Curve::curve25519);
    CHECK(c.subkeys[0].encryption_capable());
    CHECK(c.subkeys[0].binding.key_expires_after == 2u * 24 * 3600);
    REQUIRE(k->subkeys.size() == 1);
    // The stored X25519 scalar is clamped.
    CHECK((k->subkeys[0].ecc_secret[0] & 7) == 0);
    CHECK((k->subkeys[0].ecc_secret[31] & 0xc0) == 0x40);
    CHECK(!add_encryption_subkey(*k, 1600000000, 3600, rng));  // older than the primary
    CHECK(!add_encryption_subkey(*k, 1700000000, 0, rng));
}

TEST_CASE("rotation keeps the certificate bounded: expired subkeys and their secrets go", "[keygen]") {
    Botan::AutoSeeded_RNG rng;
    NodeKeyParams p;
    p.address = "mixtasy@rotate.example";
    p.created = 1700000000;
    auto k = generate_node_key(p, rng);
    REQUIRE(k);
    const Timestamp day = 24 * 3600;
    // Ninety days of rotation at half-life, pruning as a node would.
    for (Timestamp t = p.created + day; t <= p.created + 90 * day; t += day) {
        REQUIRE(add_encryption_subkey(*k, t, kDefaultSubkeyValidity, rng));
        remove_expired_subkeys(*k, t);
        CHECK(k->cert.subkeys.size() <= 2);
        CHECK(k->subkeys.size() == k->cert.subkeys.size());
    }
    auto certs = parse_certificates(serialize(k->cert));
    REQUIRE(certs);
    CHECK(valid_encryption_subkeys(certs->front(), from_timestamp(p.created + 90 * day + 10)).size() == 2);
    auto tsk = parse_secret_certificates(serialize(*k));
    REQUIRE(tsk);
    CHECK(tsk->front().subkeys.size() == 2);
    CHECK(remove_expired_subkeys(*k, p.created + 200 * day) == 2);
    CHECK(k->subkeys.empty());
}
