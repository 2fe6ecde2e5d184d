// SPDX-License-Identifier: BSD-2-Clause
// revoked_user_id_test.cpp - a user ID withdrawn by a certification
// revocation is kept apart (RevokedUserId) and written out again, public and
// secret, so an upload carries the revocation to keyservers (issue 15, a
// node's mode change); it never counts as one of the key's user IDs.
#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

#include "crypto/key.h"
#include "crypto/keygen.h"
#include "crypto/signature.h"
#include "test_util.h"

using namespace mixtasy;
using namespace mixtasy::crypto;

namespace {

const std::string kOld = "Mixtasy node (mixtasy-mode:middleman) <mixtasy@n.example>";
const std::string kNew = "Mixtasy node (mixtasy-mode:middleman,exitpublic) <mixtasy@n.example>";

// A key whose first user ID was replaced by a second one at `later`.
SecretCertificate key_with_changed_user_id(Botan::RandomNumberGenerator& rng, Timestamp later) {
    KeyGenParams p;
    p.user_id = kOld;
    p.created = 1700000000;
    p.subkey_validity = test::kTwoDays;
    auto k = generate_key(p, rng);
    REQUIRE(k);
    SignatureParams self;
    self.type = SignatureType::PositiveCertification;
    self.created = later;
    self.key_flags = k->cert.key_flags;
    self.primary_user_id = true;
    auto fresh = certify_user_id(k->primary, as_bytes(kNew), self, rng);
    REQUIRE(fresh);
    SignatureParams revoke;
    revoke.type = SignatureType::CertificationRevocation;
    revoke.created = later;
    auto revocation = certify_user_id(k->primary, as_bytes(kOld), revoke, rng);
    REQUIRE(revocation);
    k->cert.revoked_user_ids.push_back(
        RevokedUserId{kOld, k->cert.user_ids.front().self_signature, *revocation});
    k->cert.user_ids = {UserId{kNew, *fresh, {}}};
    return std::move(*k);
}

}  // namespace

TEST_CASE("a revoked user ID is kept apart and written out again", "[key][revocation]") {
    Botan::AutoSeeded_RNG rng;
    const SecretCertificate k = key_with_changed_user_id(rng, 1700000100);
    auto parsed = parse_certificates(serialize(k.cert));
    REQUIRE(parsed);
    REQUIRE(parsed->size() == 1);
    const Certificate& c = parsed->front();
    REQUIRE(c.user_ids.size() == 1);
    CHECK(c.user_ids[0].text == kNew);
    REQUIRE(c.revoked_user_ids.size() == 1);
    CHECK(c.revoked_user_ids[0].text == kOld);
    CHECK(c.revoked_user_ids[0].revocation.type == SignatureType::CertificationRevocation);
    CHECK(c.primary_user_id().text == kNew);
    // Written out again unchanged, so a second save keeps the revocation.
    CHECK(serialize(c) == serialize(k.cert));

    const auto secret = serialize(k);
    auto tsk = parse_secret_certificates(ByteView(secret.data(), secret.size()));
    REQUIRE(tsk);
    REQUIRE(tsk->front().cert.revoked_user_ids.size() == 1);
    CHECK(tsk->front().cert.user_ids.size() == 1);
}

TEST_CASE("a revoked user ID never counts against max_user_ids", "[key][revocation]") {
    Botan::AutoSeeded_RNG rng;
    const SecretCertificate k = key_with_changed_user_id(rng, 1700000100);
    KeyLimits one;
    one.max_user_ids = 1;
    auto parsed = parse_certificates(serialize(k.cert), one);
    REQUIRE(parsed);
    CHECK(parsed->front().user_ids.size() == 1);
    CHECK(parsed->front().revoked_user_ids.size() == 1);
}
