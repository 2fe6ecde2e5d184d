// SPDX-License-Identifier: BSD-2-Clause
#include "crypto/pkesk.h"

#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

#include "crypto/packet.h"
#include "tests/unit/crypto/enc_vec.h"

using namespace mixtasy::crypto;
using mixtasy::Bytes;
using mixtasy::ByteView;

namespace {

// The first packet of a gpg message: its PKESK.
Packet first_packet(const Bytes& msg) {
    PacketReader reader(msg);
    auto p = reader.next();
    REQUIRE(p);
    REQUIRE(*p);
    return std::move(**p);
}

}  // namespace

TEST_CASE("PKESKs written by GnuPG parse, reserialize and open", "[pkesk]") {
    Botan::AutoSeeded_RNG rng;
    for (const char* name : {"cv25519", "rsa3072"}) {
        const auto keys = enc_test::load_secret_keys(std::string("gpg_") + name + ".sec");
        const SecretKey& sub = keys.back();
        for (const char* kind : {"sed", "seipd"}) {
            const auto msg = enc_test::read_file(std::string("gpg_") + name + "_" + kind + ".gpg");
            const Packet p = first_packet(msg);
            REQUIRE(p.tag == Tag::Pkesk);
            auto pkesk = parse_pkesk(p.body(), p.body_offset);
            REQUIRE(pkesk);
            REQUIRE(pkesk->key_id == sub.pub.key_id);
            REQUIRE_FALSE(pkesk->wildcard());
            const auto body = p.body();
            REQUIRE(serialize_pkesk(*pkesk) == Bytes(body.begin(), body.end()));
            auto sk = pkesk_decrypt(*pkesk, sub, rng);
            REQUIRE(sk);
            REQUIRE(sk->key.size() >= 16);
            // The primary key (Ed25519 / RSA signing) does not open it.
            auto wrong = pkesk_decrypt(*pkesk, keys.front(), rng);
            REQUIRE_FALSE(wrong);
        }
    }
}

TEST_CASE("PKESK encryption round trips for X25519 and RSA, with and without key ID", "[pkesk]") {
    Botan::AutoSeeded_RNG rng;
    for (const char* name : {"cv25519", "rsa3072"}) {
        const auto keys = enc_test::load_secret_keys(std::string("gpg_") + name + ".sec");
        const SecretKey& sub = keys.back();
        auto sk = generate_session_key(9, rng);
        for (bool hide : {false, true}) {
            auto pkesk = pkesk_encrypt(sub.pub, *sk, rng, hide);
            REQUIRE(pkesk);
            REQUIRE(pkesk->wildcard() == hide);
            auto parsed = parse_pkesk(serialize_pkesk(*pkesk));
            REQUIRE(parsed);
            auto back = pkesk_decrypt(*parsed, sub, rng);
            REQUIRE(back);
            REQUIRE(back->algo == 9);
            REQUIRE(back->key == sk->key);
        }
    }
}

TEST_CASE("PKESK decryption hides why it failed", "[pkesk]") {
    Botan::AutoSeeded_RNG rng;
    const auto ecdh = enc_test::load_secret_keys("gpg_cv25519.sec").back();
    const auto rsa = enc_test::load_secret_keys("gpg_rsa3072.sec").back();
    auto sk = generate_session_key(7, rng);
    auto to_rsa = pkesk_encrypt(rsa.pub, *sk, rng);
    REQUIRE(to_rsa);
    auto damaged = *to_rsa;
    damaged.rsa_ciphertext[10] ^= 0x20;
    REQUIRE(pkesk_decrypt(damaged, rsa, rng).error().code == ErrorCode::DecryptFailed);
    REQUIRE(pkesk_decrypt(*to_rsa, ecdh, rng).error().code == ErrorCode::NoValidKey);
    auto to_ecdh = pkesk_encrypt(ecdh.pub, *sk, rng);
    REQUIRE(pkesk_decrypt(*to_ecdh, rsa, rng).error().code == ErrorCode::NoValidKey);
    // An Ed25519 signing key cannot be encrypted to.
    const auto primary = enc_test::load_secret_keys("gpg_cv25519.sec").front();
    REQUIRE(pkesk_encrypt(primary.pub, *sk, rng).error().code == ErrorCode::UnsupportedAlgorithm);
}

TEST_CASE("PKESK parsing refuses malformed bodies with typed errors", "[pkesk]") {
    const auto msg = enc_test::read_file("gpg_cv25519_seipd.gpg");
    const Packet p = first_packet(msg);
    const Bytes body(p.body().begin(), p.body().end());
    for (size_t n = 0; n < body.size(); ++n) {
        auto r = parse_pkesk(ByteView(body.data(), n), 1000);
        REQUIRE_FALSE(r);
        REQUIRE((r.error().code == ErrorCode::Truncated || r.error().code == ErrorCode::BadPacket));
        REQUIRE(r.error().offset >= 1000);
    }
    auto longer = body;
    longer.push_back(0);
    REQUIRE(parse_pkesk(longer).error().code == ErrorCode::BadPacket);
    auto v6 = body;
    v6[0] = 6;
    REQUIRE(parse_pkesk(v6).error().code == ErrorCode::UnsupportedVersion);
    auto elgamal = body;
    elgamal[9] = 16;
    REQUIRE(parse_pkesk(elgamal).error().code == ErrorCode::UnsupportedAlgorithm);
    const Bytes huge_rsa{3, 1, 2, 3, 4, 5, 6, 7, 8, 1, 0xFF, 0xFF};
    REQUIRE(parse_pkesk(huge_rsa).error().code == ErrorCode::LimitExceeded);
    const Bytes empty_wrap{3, 1, 2, 3, 4, 5, 6, 7, 8, 18, 0x00, 0x07, 0x40, 0x00};
    REQUIRE(parse_pkesk(empty_wrap).error().code == ErrorCode::BadPacket);
    // A bit count that is not exact (262 for a 263-bit point) is refused.
    auto loose = body;
    REQUIRE(loose[10] == 0x01);
    REQUIRE(loose[11] == 0x07);
    loose[11] = 0x06;
    REQUIRE(parse_pkesk(loose).error().code == ErrorCode::BadPacket);
}
