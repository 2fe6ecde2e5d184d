// SPDX-License-Identifier: BSD-2-Clause
// key_test.cpp - key packets and certificates: RFC 9580 known answers,
// round trips, limits and malformed material.
#include "crypto/key.h"

#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

#include "crypto/armor.h"
#include "crypto/keygen.h"
#include "crypto/packet.h"
#include "test_util.h"

using namespace mixtasy;
using namespace mixtasy::crypto;

namespace {

PublicKey parse_only_key(const std::string& armored) {
    auto binary = to_binary(as_bytes(armored));
    REQUIRE(binary);
    auto packets = read_packets(*binary);
    REQUIRE(packets);
    REQUIRE(packets->size() == 1);
    const Packet& p = packets->front();
    REQUIRE(p.tag == Tag::PublicKey);
    auto key = parse_public_key(p.body(), p.body_offset);
    REQUIRE(key);
    return *key;
}

SecretCertificate make_node(Timestamp created = 1700000000) {
    Botan::AutoSeeded_RNG rng;
    KeyGenParams params;
    params.user_id = "Test Node (mixtasy-mode:middleman,exitprivate) <mixtasy@node.example>";
    params.created = created;
    params.subkey_validity = test::kTwoDays;
    auto key = generate_key(params, rng);
    REQUIRE(key);
    return std::move(*key);
}

}  // namespace

TEST_CASE("key vectors: fingerprint, key ID and fields match the known answers", "[key]") {
    for (const auto& v : test::read_vec("keys.vec")) {
        if (!v.count("key_file")) continue;
        INFO(v.at("name"));
        const PublicKey key = parse_only_key(test::data_text(v.at("key_file")));
        CHECK(to_hex(key.fingerprint) == v.at("fingerprint"));
        CHECK(to_hex(key.key_id) == v.at("key_id"));
        CHECK(static_cast<int>(key.algorithm) == std::stoi(v.at("algorithm")));
        CHECK(curve_name(key.ecc.curve) == v.at("curve"));
        CHECK(key.created == std::stoul(v.at("created")));
        CHECK(key.native_point().size() == 32);
        CHECK(key.can_sign_algorithm());
    }
}

TEST_CASE("certificate vectors from gpg and sq parse to the known answers", "[key]") {
    std::size_t seen = 0;
    for (const auto& v : test::read_vec("keys.vec")) {
        if (!v.count("cert_file")) continue;
        INFO(v.at("name"));
        ++seen;
        const std::string data = test::read_text(test::data_path(v.at("cert_file")));
        auto certs = parse_certificates(as_bytes(data));
        INFO((certs ? std::string() : describe(certs.error())));
        REQUIRE(certs);
        REQUIRE(certs->size() == 1);
        const Certificate& c = certs->front();
        CHECK(to_hex(c.fingerprint()) == v.at("fingerprint"));
        REQUIRE(c.user_ids.size() == 1);
        CHECK(c.user_ids[0].text == v.at("user_id"));
        CHECK(to_hex(Bytes{c.key_flags}) == v.at("key_flags"));
        std::string subkeys, flags;
        for (const auto& s : c.subkeys) {
            subkeys += (subkeys.empty() ? "" : " ") + to_hex(s.key.fingerprint);
            flags += (flags.empty() ? "" : " ") + to_hex(Bytes{s.key_flags});
        }
        CHECK(subkeys == v.at("subkeys"));
        CHECK(flags == v.at("subkey_flags"));
        // Serialize keeps exactly what verified: it parses to the same.
        auto again = parse_certificates(serialize(c));
        REQUIRE(again);
        CHECK(again->front().subkeys.size() == c.subkeys.size());
    }
    CHECK(seen == 2);
}

TEST_CASE("malformed key material is refused with typed errors", "[key]") {
    const PublicKey good = parse_only_key(test::data_text("rfc9580_a1_v4_ed25519_key.asc"));
    const Bytes& body = good.body;
    SECTION("every truncation is truncated, never a crash") {
        for (std::size_t n = 0; n < body.size(); ++n) {
            auto k = parse_public_key(ByteView(body).first(n));
            REQUIRE(!k);
            CHECK(k.error().code == ErrorCode::Truncated);
        }
    }
    SECTION("version 3 and 6") {
        for (int v : {3, 5, 6}) {
            Bytes b = body;
            b[0] = static_cast<uint8_t>(v);
            auto k = parse_public_key(b);
            REQUIRE(!k);
            CHECK(k.error().code == ErrorCode::UnsupportedVersion);
        }
    }
    SECTION("unknown algorithm") {
        Bytes b = body;
        b[5] = 17;  // DSA
        auto k = parse_public_key(b);
        REQUIRE(!k);
        CHECK(k.error().code == ErrorCode::UnsupportedAlgorithm);
        CHECK(k.error().offset == 5);
    }
    SECTION("25519 point without the 0x40 prefix") {
        Bytes b = body;
        b[b.size() - 33] = 0x41;
        auto k = parse_public_key(b);
        REQUIRE(!k);
        CHECK(k.error().code == ErrorCode::BadKey);
    }
    SECTION("trailing bytes") {
        Bytes b = body;
        b.push_back(0);
        auto k = parse_public_key(b);
        REQUIRE(!k);
        CHECK(k.error().code == ErrorCode::BadPacket);
    }
    SECTION("RSA modulus limits") {
        auto rsa = [](unsigned bits) {
            Bytes b{4, 0, 0, 0, 1, 1};
            const std::size_t octets = (bits + 7) / 8;
            b.push_back(static_cast<uint8_t>(bits >> 8));
            b.push_back(static_cast<uint8_t>(bits));
            b.push_back(0x80);
            b.insert(b.end(), octets - 2, 0x55);
            b.push_back(0x01);
            b.insert(b.end(), {0, 17, 1, 0, 1});
            return parse_public_key(b);
        };
        CHECK(rsa(2048));
        CHECK(rsa(2048)->rsa_bits() == 2048);
        CHECK(rsa(2048)->can_encrypt_algorithm());
        CHECK(rsa(1024));
        CHECK(!rsa(1024)->can_encrypt_algorithm());
        CHECK(rsa(512).error().code == ErrorCode::BadKey);
        CHECK(rsa(8192).error().code == ErrorCode::LimitExceeded);
    }
}

TEST_CASE("a generated node key survives serialize and parse, public and secret", "[key]") {
    const SecretCertificate node = make_node();
    const Bytes pub = serialize(node.cert);
    auto certs = parse_certificates(pub);
    REQUIRE(certs);
    REQUIRE(certs->size() == 1);
    const Certificate& c = certs->front();
    CHECK(c.fingerprint() == node.cert.fingerprint());
    REQUIRE(c.user_ids.size() == 1);
    CHECK(c.user_ids[0].text ==
          "Test Node (mixtasy-mode:middleman,exitprivate) <mixtasy@node.example>");
    CHECK(c.key_flags == (kFlagCertify | kFlagSign));
    CHECK(!c.expires);
    REQUIRE(c.subkeys.size() == 1);
    CHECK(c.subkeys[0].key_flags == kFlagsEncrypt);
    CHECK(c.subkeys[0].expires == 1700000000u + 2 * 24 * 3600);
    CHECK(c.subkeys[0].key.kdf.hash == 8);
    CHECK(c.subkeys[0].key.kdf.cipher == 7);

    const auto secret = serialize(node);
    auto tsks = parse_secret_certificates(secret);
    REQUIRE(tsks);
    REQUIRE(tsks->size() == 1);
    const SecretCertificate& s = tsks->front();
    CHECK(s.primary.ecc_secret == node.primary.ecc_secret);
    REQUIRE(s.subkeys.size() == 1);
    CHECK(s.subkeys[0].ecc_secret == node.subkeys[0].ecc_secret);
    CHECK(s.find_subkey(node.cert.subkeys[0].key.key_id) != nullptr);
    CHECK(s.find_subkey(node.cert.subkeys[0].key.fingerprint) != nullptr);
    // The secret file parses as a public certificate too? No: tag 5 is not
    // a certificate, and the reverse is refused as well.
    CHECK(!parse_secret_certificates(pub));
}

TEST_CASE("valid_encryption_subkeys follows creation, expiry and rotation", "[key]") {
    SecretCertificate node = make_node(1700000000);
    Botan::AutoSeeded_RNG rng;
    const Timestamp half = 1700000000 + 24 * 3600;
    REQUIRE(add_encryption_subkey(node, half, test::kTwoDays, rng));
    auto certs = parse_certificates(serialize(node.cert));
    REQUIRE(certs);
    const Certificate& c = certs->front();
    auto at = [&](Timestamp t) {
        return valid_encryption_subkeys(c, from_timestamp(t));
    };
    CHECK(at(1700000000 - 1).empty());  // before creation
    REQUIRE(at(1700000000).size() == 1);
    REQUIRE(at(half + 10).size() == 2);
    CHECK(at(half + 10)[0]->key.created == half);  // newest first
    REQUIRE(at(1700000000 + 2 * 24 * 3600).size() == 1);
    CHECK(at(1700000000 + 2 * 24 * 3600)[0]->key.created == half);
    CHECK(at(half + 2 * 24 * 3600).empty());
}

TEST_CASE("bindings that do not verify are dropped, a certificate needs a valid user ID", "[key]") {
    const SecretCertificate node = make_node();
    Bytes pub = serialize(node.cert);
    auto packets = read_packets(pub);
    REQUIRE(packets);
    REQUIRE(packets->size() == 5);
    SECTION("flipped bit in the subkey binding signature") {
        Bytes bad = pub;
        bad[(*packets)[4].body_offset + (*packets)[4].body().size() - 3] ^= 0x01;
        auto certs = parse_certificates(bad);
        REQUIRE(certs);
        CHECK(certs->front().subkeys.empty());
    }
    SECTION("changed user ID") {
        Bytes bad = pub;
        bad[(*packets)[1].body_offset] ^= 0x20;
        auto certs = parse_certificates(bad);
        REQUIRE(!certs);
        CHECK(certs.error().code == ErrorCode::NoValidKey);
    }
    SECTION("a subkey of another key") {
        const SecretCertificate other = make_node();
        Bytes mixed = pub;
        mixed.resize((*packets)[3].header_offset);
        Bytes theirs = serialize(other.cert);
        auto tp = read_packets(theirs);
        REQUIRE(tp);
        mixed.insert(mixed.end(),
                     theirs.begin() + static_cast<std::ptrdiff_t>((*tp)[3].header_offset),
                     theirs.end());
        auto certs = parse_certificates(mixed);
        REQUIRE(certs);
        CHECK(certs->front().subkeys.empty());
    }
    SECTION("packets before the primary key") {
        Bytes bad(pub.begin() + static_cast<std::ptrdiff_t>((*packets)[1].header_offset),
                  pub.end());
        auto certs = parse_certificates(bad);
        REQUIRE(!certs);
        CHECK(certs.error().code == ErrorCode::UnexpectedPacket);
    }
}

TEST_CASE("certificate limits are enforced", "[key]") {
    SecretCertificate node = make_node();
    Botan::AutoSeeded_RNG rng;
    for (int i = 0; i < 3; ++i)
        REQUIRE(add_encryption_subkey(node, 1700000000 + static_cast<Timestamp>(i), 3600, rng));
    const Bytes pub = serialize(node.cert);
    KeyLimits limits;
    limits.max_subkeys = 3;
    auto r = parse_certificates(pub, limits);
    REQUIRE(!r);
    CHECK(r.error().code == ErrorCode::LimitExceeded);
    limits.max_subkeys = 4;
    CHECK(parse_certificates(pub, limits));
    limits.max_user_id_length = 10;
    CHECK(parse_certificates(pub, limits).error().code == ErrorCode::LimitExceeded);
    Bytes two = pub;
    two.insert(two.end(), pub.begin(), pub.end());
    KeyLimits one;
    one.max_certificates = 1;
    CHECK(parse_certificates(two, one).error().code == ErrorCode::LimitExceeded);
    auto both = parse_certificates(two);
    REQUIRE(both);
    CHECK(both->size() == 2);
}

TEST_CASE("secret key checksum and protection are checked", "[key]") {
    const SecretCertificate node = make_node();
    auto body = serialize_secret_key(node.subkeys[0]);
    Bytes b(body.begin(), body.end());
    SECTION("checksum") {
        b.back() ^= 1;
        auto k = parse_secret_key(b);
        REQUIRE(!k);
        CHECK(k.error().code == ErrorCode::BadChecksum);
    }
    SECTION("passphrase-protected") {
        b[node.subkeys[0].pub.body.size()] = 254;
        auto k = parse_secret_key(b);
        REQUIRE(!k);
        CHECK(k.error().code == ErrorCode::UnsupportedFeature);
        CHECK(k.error().detail.find("passphrase") != std::string::npos);
    }
}

TEST_CASE("a verified subkey revocation makes the subkey unusable, a forged one does not",
          "[key]") {
    const SecretCertificate node = make_node(1700000000);
    Botan::AutoSeeded_RNG rng;
    SignatureParams p;
    p.type = SignatureType::SubkeyRevocation;
    p.created = 1700000100;
    auto revocation = bind_subkey(node.primary, node.cert.subkeys[0].key, p, rng);
    REQUIRE(revocation);
    Bytes pub = serialize(node.cert);
    const Bytes revocation_packet = signature_packet(*revocation);
    SECTION("genuine") {
        pub.insert(pub.end(), revocation_packet.begin(), revocation_packet.end());
        auto certs = parse_certificates(pub);
        REQUIRE(certs);
        REQUIRE(certs->front().subkeys.size() == 1);
        CHECK(certs->front().subkeys[0].revoked);
        CHECK(valid_encryption_subkeys(certs->front(), from_timestamp(1700000200)).empty());
    }
    SECTION("made by another key") {
        const SecretCertificate other = make_node(1700000000);
        auto forged = bind_subkey(other.primary, node.cert.subkeys[0].key, p, rng);
        REQUIRE(forged);
        const Bytes forged_packet = signature_packet(*forged);
        pub.insert(pub.end(), forged_packet.begin(), forged_packet.end());
        auto certs = parse_certificates(pub);
        REQUIRE(certs);
        CHECK(!certs->front().subkeys[0].revoked);
        CHECK(valid_encryption_subkeys(certs->front(), from_timestamp(1700000200)).size() == 1);
    }
}

TEST_CASE("signature counts are bounded per component and per certificate", "[key]") {
    const SecretCertificate node = make_node();
    Bytes pub = serialize(node.cert);
    const Bytes sig = signature_packet(node.cert.subkeys[0].binding);
    for (int i = 0; i < 5; ++i) pub.insert(pub.end(), sig.begin(), sig.end());
    KeyLimits per_component;
    per_component.max_signatures = 4;
    CHECK(parse_certificates(pub, per_component).error().code == ErrorCode::LimitExceeded);
    KeyLimits total;
    total.max_total_signatures = 6;
    auto r = parse_certificates(pub, total);
    REQUIRE(!r);
    CHECK(r.error().detail.find("in one certificate") != std::string::npos);
    auto ok = parse_certificates(pub);
    REQUIRE(ok);
    CHECK(ok->front().subkeys.size() == 1);
}

// RFC 9580 5.2.3.18: a self-signature past its own expiration no longer
// counts, so a subkey (or certificate) it binds ends with it.
TEST_CASE("an expiring binding or user ID self-signature ends what it binds", "[key]") {
    const SecretCertificate node = make_node(1700000000);
    Botan::AutoSeeded_RNG rng;
    // The certificate as parsed with its subkey bound anew, carrying the
    // given signature expiration.
    const auto rebound = [&](std::optional<uint32_t> expires_after,
                             std::optional<uint32_t> key_expires_after) {
        SignatureParams p;
        p.type = SignatureType::SubkeyBinding;
        p.created = 1700000100;
        p.key_flags = node.cert.subkeys[0].key_flags;
        p.key_expires_after = key_expires_after;
        p.expires_after = expires_after;
        auto binding = bind_subkey(node.primary, node.cert.subkeys[0].key, p, rng);
        REQUIRE(binding);
        Certificate cert = node.cert;
        cert.subkeys[0].binding = *binding;
        auto certs = parse_certificates(serialize(cert));
        REQUIRE(certs);
        REQUIRE(certs->front().subkeys.size() == 1);
        return certs->front();
    };
    SECTION("subkey binding") {
        const Certificate cert = rebound(3600, 2 * 24 * 3600);
        CHECK(cert.subkeys[0].expires == std::optional<Timestamp>(1700003700));
        CHECK(valid_encryption_subkeys(cert, from_timestamp(1700003699)).size() == 1);
        CHECK(valid_encryption_subkeys(cert, from_timestamp(1700003700)).empty());
    }
    SECTION("an expiration of zero means never") {
        CHECK(!rebound(0, std::nullopt).subkeys[0].expires);
    }
    SECTION("user ID self-signature") {
        SignatureParams p;
        p.type = SignatureType::PositiveCertification;
        p.created = 1700000100;
        p.key_flags = node.cert.key_flags;
        p.primary_user_id = true;
        p.expires_after = 7200;
        const std::string& uid = node.cert.user_ids[0].text;
        auto self = certify_user_id(node.primary, as_bytes(uid), p, rng);
        REQUIRE(self);
        Certificate cert = node.cert;
        cert.user_ids[0].self_signature = *self;
        auto certs = parse_certificates(serialize(cert));
        REQUIRE(certs);
        CHECK(certs->front().expires == std::optional<Timestamp>(1700007300));
        CHECK(certs->front().valid_at(1700007299));
        CHECK_FALSE(certs->front().valid_at(1700007300));
    }
}
