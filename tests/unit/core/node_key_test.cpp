// SPDX-License-Identifier: BSD-2-Clause
// node_key_test.cpp - the Mixtasy node key profile (core/keys/node_key.h):
// the user ID with its modes, its refusals, and the key made from it.
#include "core/keys/node_key.h"

#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

#include "core/keys/mix_key.h"

using namespace mixtasy;
using namespace mixtasy::core;

TEST_CASE("node user ID carries the modes in its comment", "[node_key]") {
    NodeKeyParams p;
    p.name = "Alpha";
    p.address = "mixtasy@alpha.example";
    p.modes = {"middleman", "exitprivate", "exitpublic"};
    auto uid = node_user_id(p);
    REQUIRE(uid);
    CHECK(*uid == "Alpha (mixtasy-mode:middleman,exitprivate,exitpublic) <mixtasy@alpha.example>");
    CHECK(modes_of_user_id(*uid) == p.modes);
    CHECK(modes_of_user_id("x (other:1 mixtasy-mode:exitpublic) <a@b>") ==
          std::vector<std::string>{"exitpublic"});
    CHECK(modes_of_user_id("plain <a@b>").empty());
}

TEST_CASE("node key parameters are validated", "[node_key]") {
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
        CHECK(refused(p) == crypto::ErrorCode::BadKey);
    }
    NodeKeyParams p = good;
    p.name = "evil (x)";
    CHECK(refused(p) == crypto::ErrorCode::BadKey);
    p = good;
    p.modes = {};
    CHECK(refused(p) == crypto::ErrorCode::BadKey);
    p.modes = {"middleman", "middleman"};
    CHECK(refused(p) == crypto::ErrorCode::BadKey);
    p.modes = {"relay"};
    CHECK(refused(p) == crypto::ErrorCode::BadKey);
}

TEST_CASE("a generated node key carries the profile's user ID and a two-day subkey", "[node_key]") {
    Botan::AutoSeeded_RNG rng;
    NodeKeyParams p;
    p.address = "mixtasy@n.example";
    p.created = 1700000000;
    auto k = generate_node_key(p, rng);
    REQUIRE(k);
    REQUIRE(k->cert.user_ids.size() == 1);
    CHECK(k->cert.user_ids[0].text == "Mixtasy node (mixtasy-mode:middleman) <mixtasy@n.example>");
    REQUIRE(k->cert.subkeys.size() == 1);
    CHECK(k->cert.subkeys[0].binding.key_expires_after == 2u * 24 * 3600);
    auto mix = check_mix_key(k->cert);
    REQUIRE(mix);
    CHECK(mix->address == "mixtasy@n.example");
    CHECK(mix->modes.middleman);

    p.subkey_validity = 0;
    auto refused = generate_node_key(p, rng);
    REQUIRE(!refused);
    CHECK(refused.error().code == crypto::ErrorCode::BadKey);
    p.subkey_validity = 3600;
    p.modes = {"relay"};
    CHECK(!generate_node_key(p, rng));
}
