// SPDX-License-Identifier: BSD-2-Clause
// signature_test.cpp - v4 signatures: the RFC 9580 A.2 known answer, our
// own data signatures, text canonicalization, hash policy, subpacket limits.
#include "crypto/signature.h"

#include <catch2/catch.hpp>

#include <botan/auto_rng.h>
#include <botan/numthry.h>
#include <botan/rsa.h>

#include "crypto/armor.h"
#include "crypto/keygen.h"
#include "crypto/packet.h"
#include "crypto/subpacket.h"
#include "test_util.h"

using namespace mixtasy;
using namespace mixtasy::crypto;

namespace {

Packet single(const std::string& armored) {
    auto b = to_binary(as_bytes(armored));
    REQUIRE(b);
    static std::vector<Bytes> keep;  // packets view into these
    keep.push_back(*b);
    auto p = read_packets(keep.back());
    REQUIRE(p);
    REQUIRE(p->size() == 1);
    return std::move(p->front());
}

SecretCertificate node() {
    Botan::AutoSeeded_RNG rng;
    KeyGenParams params;
    params.user_id = "Mixtasy node (mixtasy-mode:middleman) <mixtasy@sig.example>";
    params.created = 1700000000;
    params.subkey_validity = test::kTwoDays;
    auto k = generate_key(params, rng);
    REQUIRE(k);
    return std::move(*k);
}

}  // namespace

TEST_CASE("RFC 9580 A.2: the sample signature verifies with the A.1 key", "[signature]") {
    for (const auto& v : test::read_vec("keys.vec")) {
        if (!v.count("sig_file")) continue;
        Packet kp = single(test::data_text(v.at("key_file")));
        auto key = parse_public_key(kp.body(), kp.body_offset);
        REQUIRE(key);
        Packet sp = single(test::data_text(v.at("sig_file")));
        REQUIRE(sp.tag == Tag::Signature);
        auto sig = parse_signature(sp.body(), sp.body_offset);
        REQUIRE(sig);
        CHECK(sig->type == SignatureType::Binary);
        CHECK(sig->hash == HashAlgorithm::Sha256);
        CHECK(sig->created == std::stoul(v.at("sig_created")));
        REQUIRE(sig->issuer);
        CHECK(*sig->issuer == key->key_id);
        CHECK(verify_data(*sig, *key, as_bytes(v.at("signed_text"))));
        auto wrong = verify_data(*sig, *key, as_bytes(v.at("signed_text") + "!"));
        REQUIRE(!wrong);
        CHECK(wrong.error().code == ErrorCode::BadSignature);
    }
}

TEST_CASE("our data signatures verify, and fail on any change", "[signature]") {
    const SecretCertificate k = node();
    Botan::AutoSeeded_RNG rng;
    const Bytes data{'h', 'e', 'l', 'l', 'o'};
    for (auto hash : {HashAlgorithm::Sha256, HashAlgorithm::Sha512}) {
        SignatureParams p;
        p.type = SignatureType::Binary;
        p.hash = hash;
        p.created = 1700000100;
        auto sig = sign_data(k.primary, data, p, rng);
        REQUIRE(sig);
        auto reparsed = parse_signature(sig->body);
        REQUIRE(reparsed);
        CHECK(reparsed->created == 1700000100);
        CHECK(reparsed->issuer_fingerprint == k.cert.fingerprint());
        CHECK(verify_data(*reparsed, k.cert.primary, data));
        CHECK(!verify_data(*reparsed, k.cert.primary, Bytes{'h', 'e', 'l', 'l', 'O'}));
        CHECK(!verify_data(*reparsed, k.cert.subkeys[0].key, data));  // ECDH cannot sign
    }
}

TEST_CASE("text signatures are over CRLF-canonical text", "[signature]") {
    const SecretCertificate k = node();
    Botan::AutoSeeded_RNG rng;
    SignatureParams p;
    p.type = SignatureType::Text;
    p.created = 1700000100;
    auto sig = sign_data(k.primary, as_bytes("a\nb\r\nc\n"), p, rng);
    REQUIRE(sig);
    CHECK(verify_data(*sig, k.cert.primary, as_bytes("a\r\nb\r\nc\r\n")));
    CHECK(verify_data(*sig, k.cert.primary, as_bytes("a\nb\nc\n")));
    CHECK(!verify_data(*sig, k.cert.primary, as_bytes("a b c ")));
}

TEST_CASE("hash policy: SHA-1 only for data or old self-signatures, no MD5", "[signature]") {
    Signature s;
    s.hash = HashAlgorithm::Md5;
    s.type = SignatureType::Binary;
    s.created = 1700000000;
    s.mpis = {Bytes(32, 1), Bytes(32, 1)};
    const SecretCertificate k = node();
    CHECK(verify_data(s, k.cert.primary, Bytes{}).error().code == ErrorCode::UnsupportedAlgorithm);
    s.hash = HashAlgorithm::Sha1;
    s.type = SignatureType::PositiveCertification;
    auto r = verify_user_id(s, k.cert.primary, as_bytes("x"));
    REQUIRE(!r);
    CHECK(r.error().detail.find("SHA-1") != std::string::npos);
}

TEST_CASE("signature parsing: truncation, limits, unknown critical subpackets", "[signature]") {
    const SecretCertificate k = node();
    const Bytes body = k.cert.user_ids[0].self_signature.body;
    SECTION("every truncation fails cleanly") {
        for (std::size_t n = 0; n < body.size(); ++n)
            CHECK(!parse_signature(ByteView(body).first(n)));
    }
    SECTION("subpacket count limit") {
        SignatureLimits l;
        l.max_subpackets = 2;
        auto r = parse_signature(body, 0, l);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::LimitExceeded);
    }
    SECTION("zero-length subpacket") {
        auto r = parse_subpackets(Bytes{0}, 100, 10);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::BadPacket);
        CHECK(r.error().offset == 100);
    }
    SECTION("subpacket longer than its area") {
        auto r = parse_subpackets(Bytes{5, 2, 0}, 0, 10);
        REQUIRE(!r);
        CHECK(r.error().code == ErrorCode::Truncated);
    }
    SECTION("an unknown critical subpacket invalidates an otherwise good signature") {
        Botan::AutoSeeded_RNG rng;
        SignatureParams p;
        p.created = 1700000000;
        auto sig = sign_data(k.primary, Bytes{1}, p, rng);
        REQUIRE(sig);
        Signature tampered = *sig;
        append_subpacket(tampered.hashed_area, static_cast<SubpacketType>(99), Bytes{1}, true);
        Bytes b = tampered.body;
        // Rebuild the body with the longer hashed area.
        Bytes nb(b.begin(), b.begin() + 4);
        nb.push_back(static_cast<uint8_t>(tampered.hashed_area.size() >> 8));
        nb.push_back(static_cast<uint8_t>(tampered.hashed_area.size()));
        nb.insert(nb.end(), tampered.hashed_area.begin(), tampered.hashed_area.end());
        nb.insert(nb.end(), b.begin() + 6 + static_cast<std::ptrdiff_t>(sig->hashed_area.size()),
                  b.end());
        auto reparsed = parse_signature(nb);
        REQUIRE(reparsed);
        CHECK(reparsed->has_unknown_critical);
        CHECK(verify_data(*reparsed, k.cert.primary, Bytes{1}).error().code ==
              ErrorCode::BadSignature);
    }
}

TEST_CASE("RSA keys sign and verify (PKCS#1 v1.5 with the OpenPGP digest)", "[signature]") {
    Botan::AutoSeeded_RNG rng;
    Botan::RSA_PrivateKey rsa(rng, 2048);
    auto bytes = [](const Botan::BigInt& v) {
        return Botan::BigInt::encode(v);
    };
    PublicKey fields;
    fields.created = 1700000000;
    fields.algorithm = PublicKeyAlgorithm::Rsa;
    const auto n = bytes(rsa.get_n());
    const auto e = bytes(rsa.get_e());
    fields.rsa.n.assign(n.begin(), n.end());
    fields.rsa.e.assign(e.begin(), e.end());
    auto pub = make_public_key(fields);
    REQUIRE(pub);
    CHECK(pub->rsa_bits() == 2048);
    SecretKey sk;
    sk.pub = *pub;
    sk.rsa_d = Botan::BigInt::encode_locked(rsa.get_d());
    sk.rsa_p = Botan::BigInt::encode_locked(rsa.get_p());
    sk.rsa_q = Botan::BigInt::encode_locked(rsa.get_q());
    sk.rsa_u = Botan::BigInt::encode_locked(Botan::inverse_mod(rsa.get_p(), rsa.get_q()));
    // The secret packet round-trips with its checksum.
    auto again = parse_secret_key(serialize_secret_key(sk));
    REQUIRE(again);
    CHECK(again->rsa_d == sk.rsa_d);

    SignatureParams p;
    p.created = 1700000001;
    p.hash = HashAlgorithm::Sha512;
    auto sig = sign_data(*again, as_bytes("rsa data"), p, rng);
    REQUIRE(sig);
    CHECK(sig->mpis.size() == 1);
    CHECK(verify_data(*sig, *pub, as_bytes("rsa data")));
    CHECK(!verify_data(*sig, *pub, as_bytes("rsa datA")));
}
