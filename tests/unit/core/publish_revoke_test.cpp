// SPDX-License-Identifier: BSD-2-Clause
// publish_revoke_test.cpp - revoking the node key or one subkey on the key
// files (core/publish/revoke.h): what is published reads as revoked, and
// the key files change as the contract says.
#include <catch2/catch.hpp>

#include "core/keys/key_home.h"
#include "core/keys/key_rotation.h"
#include "core/keys/node_key.h"
#include "core/publish/revoke.h"
#include "crypto/key_io.h"
#include "tests/unit/temp_dir.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

constexpr std::int64_t kStart = 1700000000;

crypto::SecretCertificate make_home(const std::filesystem::path& home, Random& random) {
    NodeKeyParams params;
    params.address = "mixtasy@mix1.test";
    params.created = static_cast<crypto::Timestamp>(kStart);
    auto key = generate_node_key(params, random);
    REQUIRE(key);
    // A successor, so that one subkey can go and one stays.
    auto r = rotate_subkeys(*key, from_unix(kStart + 24 * 3600), kDefaultSubkeyValidity, random);
    REQUIRE(r);
    REQUIRE(key->cert.subkeys.size() == 2);
    REQUIRE(save_node_key(home, *key));
    return std::move(*key);
}

}  // namespace

TEST_CASE("revoke: a subkey leaves the key files, its revocation is published",
          "[core][publish][revoke]") {
    mixtasy::testing::TempDir dir("revoke-subkey");
    DeterministicRandom random(21);
    const auto key = make_home(dir.path(), random);
    const auto& gone = key.cert.subkeys[0].key.fingerprint;
    auto armored =
        revoke_subkey(dir.path(), crypto::to_hex(gone), from_unix(kStart + 90000), random);
    if (!armored) FAIL(armored.error());
    auto published = crypto::read_certificate(as_bytes(*armored));
    REQUIRE(published);
    REQUIRE(published->subkeys.size() == 2);
    CHECK(published->subkeys[0].key.fingerprint == gone);
    CHECK(published->subkeys[0].revoked);
    CHECK(!published->subkeys[1].revoked);

    auto left = load_node_key(dir.path());
    REQUIRE(left);
    REQUIRE(left->cert.subkeys.size() == 1);
    CHECK(left->cert.subkeys[0].key.fingerprint == key.cert.subkeys[1].key.fingerprint);
    CHECK(left->subkeys.size() == 1);  // the secret went with it

    auto again = revoke_subkey(dir.path(), crypto::to_hex(gone), from_unix(kStart + 90001), random);
    REQUIRE(!again);
    CHECK(again.error().find("no subkey") != std::string::npos);
}

TEST_CASE("revoke: the whole key, kept in public.asc", "[core][publish][revoke]") {
    mixtasy::testing::TempDir dir("revoke-key");
    DeterministicRandom random(22);
    make_home(dir.path(), random);
    auto armored = revoke_key(dir.path(), from_unix(kStart + 90000), random);
    if (!armored) FAIL(armored.error());
    auto published = crypto::read_certificate(as_bytes(*armored));
    REQUIRE(published);
    CHECK(published->revoked);
    auto on_disk = load_node_certificate(dir.path());
    REQUIRE(on_disk);
    CHECK(on_disk->revoked);
    auto again = revoke_key(dir.path(), from_unix(kStart + 90001), random);
    REQUIRE(!again);
    CHECK(again.error() == "the key is already revoked");
}
