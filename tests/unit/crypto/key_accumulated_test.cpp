// SPDX-License-Identifier: BSD-2-Clause
// key_accumulated_test.cpp - a certificate as a keyserver serves it after
// months of daily rotation: every subkey ever published, merged (issue 12).
// The reader must keep finding the live subkeys, and still refuse a
// certificate with too many live ones.
#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

#include "crypto/key.h"
#include "crypto/keygen.h"
#include "crypto/packet.h"
#include "crypto/signature.h"
#include "test_util.h"

using namespace mixtasy;
using namespace mixtasy::crypto;

namespace {

constexpr Timestamp kStart = 1700000000;
constexpr Timestamp kDay = 24 * 3600;

SecretCertificate rotated_without_pruning(int days, Botan::RandomNumberGenerator& rng) {
    KeyGenParams p;
    p.user_id = "Mix (mixtasy-mode:middleman) <mixtasy@merge.example>";
    p.created = kStart;
    p.subkey_validity = test::kTwoDays;
    auto key = generate_key(p, rng);
    REQUIRE(key);
    // What a keyserver holds: each day's subkey added, nothing ever removed.
    for (int d = 1; d <= days; ++d)
        REQUIRE(add_encryption_subkey(*key, kStart + static_cast<Timestamp>(d) * kDay,
                                      test::kTwoDays, rng));
    return std::move(*key);
}

}  // namespace

TEST_CASE("75 merged daily subkeys: the ended ones are skipped, the newest kept",
          "[key][accumulated]") {
    Botan::AutoSeeded_RNG rng;
    const SecretCertificate key = rotated_without_pruning(75, rng);
    REQUIRE(key.cert.subkeys.size() == 76);
    auto certs = parse_certificates(serialize(key.cert));
    REQUIRE(certs);
    const Certificate& c = certs->front();
    // Day 75's binding is the horizon: days 74 and 75 are live, day 73's
    // subkey ended exactly at it.
    CHECK(c.subkeys.size() == 2);
    const auto now = from_timestamp(kStart + 75 * kDay + 60);
    const auto valid = valid_encryption_subkeys(c, now);
    REQUIRE(valid.size() == 2);
    CHECK(valid.front()->key.created == kStart + 75 * kDay);
    CHECK(valid.front()->key.fingerprint == key.cert.subkeys.back().key.fingerprint);
}

TEST_CASE("the kept subkeys stay in input order", "[key][accumulated]") {
    Botan::AutoSeeded_RNG rng;
    SecretCertificate key = rotated_without_pruning(3, rng);
    auto certs = parse_certificates(serialize(key.cert));
    REQUIRE(certs);
    const auto& subs = certs->front().subkeys;
    REQUIRE(subs.size() == 2);
    CHECK(subs[0].key.created < subs[1].key.created);
}

TEST_CASE("more live subkeys than max_subkeys are still refused", "[key][accumulated]") {
    Botan::AutoSeeded_RNG rng;
    SecretCertificate key = rotated_without_pruning(0, rng);
    for (int i = 0; i < 5; ++i)
        REQUIRE(add_encryption_subkey(key, kStart + static_cast<Timestamp>(i), 30 * kDay, rng));
    KeyLimits limits;
    limits.max_subkeys = 5;
    auto r = parse_certificates(serialize(key.cert), limits);
    REQUIRE(!r);
    CHECK(r.error().code == ErrorCode::LimitExceeded);
    limits.max_subkeys = 6;
    CHECK(parse_certificates(serialize(key.cert), limits));
}

TEST_CASE("a revoked subkey does not count against max_subkeys", "[key][accumulated]") {
    Botan::AutoSeeded_RNG rng;
    SecretCertificate key = rotated_without_pruning(0, rng);
    REQUIRE(add_encryption_subkey(key, kStart + 10, 30 * kDay, rng));
    SignatureParams p;
    p.type = SignatureType::SubkeyRevocation;
    p.created = kStart + 20;
    auto revocation = bind_subkey(key.primary, key.cert.subkeys[0].key, p, rng);
    REQUIRE(revocation);
    Bytes pub;
    (void)append_packet(pub, Tag::PublicKey, key.cert.primary.body);
    for (const auto& u : key.cert.user_ids) {
        (void)append_packet(pub, Tag::UserId, as_bytes(u.text));
        (void)append_packet(pub, Tag::Signature, u.self_signature.body);
    }
    for (std::size_t i = 0; i < key.cert.subkeys.size(); ++i) {
        (void)append_packet(pub, Tag::PublicSubkey, key.cert.subkeys[i].key.body);
        (void)append_packet(pub, Tag::Signature, key.cert.subkeys[i].binding.body);
        if (i == 0) (void)append_packet(pub, Tag::Signature, revocation->body);
    }
    KeyLimits limits;
    limits.max_subkeys = 1;
    auto certs = parse_certificates(pub, limits);
    REQUIRE(certs);
    REQUIRE(certs->front().subkeys.size() == 2);
    CHECK(certs->front().subkeys[0].revoked);
}

TEST_CASE("the certificate's bytes are bounded", "[key][accumulated]") {
    Botan::AutoSeeded_RNG rng;
    const SecretCertificate key = rotated_without_pruning(10, rng);
    const Bytes pub = serialize(key.cert);
    KeyLimits limits;
    limits.max_certificate_bytes = pub.size() / 2;
    auto r = parse_certificates(pub, limits);
    REQUIRE(!r);
    CHECK(r.error().code == ErrorCode::LimitExceeded);
    CHECK(r.error().detail.find("bytes") != std::string::npos);
}
