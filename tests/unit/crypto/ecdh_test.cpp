// SPDX-License-Identifier: BSD-2-Clause
#include "crypto/ecdh.h"

#include <catch2/catch.hpp>

#include <optional>

#include <botan/auto_rng.h>
#include <botan/block_cipher.h>
#include <botan/nist_keywrap.h>

#include "crypto/packet.h"
#include "crypto/session_key.h"
#include "tests/unit/crypto/enc_vec.h"

using namespace mixtasy::crypto;
using mixtasy::Bytes;

namespace {

X25519Secret make_secret(Botan::RandomNumberGenerator& rng, uint8_t hash = 8, uint8_t kek = 7) {
    X25519Secret s;
    s.scalar = rng.random_vec(32);
    s.pub.public_u = x25519_public_from_scalar(s.scalar);
    s.pub.kdf_hash = hash;
    s.pub.kek_cipher = kek;
    s.pub.fingerprint = Bytes(20, 0xAB);
    return s;
}

}  // namespace

TEST_CASE("AES key wrap matches the RFC 3394 vectors", "[ecdh]") {
    for (const auto& v : enc_test::read_vec("keywrap.vec")) {
        const auto kek = v.hex("kek");
        const auto data = v.hex("data");
        auto aes = Botan::BlockCipher::create_or_throw(kek.size() == 16 ? "AES-128" : "AES-256");
        aes->set_key(kek);
        REQUIRE(Botan::nist_key_wrap(data.data(), data.size(), *aes) == v.hex("wrapped"));
        const auto w = v.hex("wrapped");
        const auto back = Botan::nist_key_unwrap(w.data(), w.size(), *aes);
        REQUIRE(Bytes(back.begin(), back.end()) == data);
    }
}

TEST_CASE("X25519 matches the RFC 7748 example", "[ecdh]") {
    const auto v = enc_test::read_vec("x25519.vec").at(0);
    const auto alice = v.hex("alice_secret");
    const auto pub = x25519_public_from_scalar(alice);
    REQUIRE(Bytes(pub.begin(), pub.end()) == v.hex("alice_public"));
    const auto bob = x25519_public_from_scalar(v.hex("bob_secret"));
    REQUIRE(Bytes(bob.begin(), bob.end()) == v.hex("bob_public"));
}

TEST_CASE("GnuPG's big-endian secret MPI maps to the native scalar and back", "[ecdh]") {
    Bytes mpi(32);
    for (size_t i = 0; i < 32; ++i) mpi[i] = static_cast<uint8_t>(i + 1);
    const auto native = x25519_scalar_from_openpgp(mpi);
    REQUIRE(native[0] == 32);
    REQUIRE(native[31] == 1);
    const auto back = x25519_scalar_to_openpgp(native);
    REQUIRE(Bytes(back.begin(), back.end()) == mpi);
    // A short MPI (leading zero bytes stripped) is left-padded.
    const Bytes short_mpi{0x05, 0x06};
    const auto n2 = x25519_scalar_from_openpgp(short_mpi);
    REQUIRE(n2[0] == 6);
    REQUIRE(n2[1] == 5);
    REQUIRE(n2[31] == 0);
}

TEST_CASE("KDF param block is laid out as RFC 6637 section 8 says", "[ecdh]") {
    const Bytes fpr(20, 0x11);
    const auto p = ecdh_kdf_param(8, 9, fpr);
    REQUIRE(p.size() == 1 + 10 + 1 + 4 + 20 + 20);
    REQUIRE(p[0] == 10);
    REQUIRE(p[11] == 18);
    REQUIRE(Bytes(p.begin() + 12, p.begin() + 16) == Bytes{3, 1, 8, 9});
    REQUIRE(std::string(p.begin() + 16, p.begin() + 36) == "Anonymous Sender    ");
    REQUIRE(Bytes(p.begin() + 36, p.end()) == fpr);
}

TEST_CASE("ECDH round trips session keys for every KEK and hash", "[ecdh]") {
    Botan::AutoSeeded_RNG rng;
    for (uint8_t hash : {uint8_t{8}, uint8_t{9}, uint8_t{10}}) {
        for (uint8_t kek : {uint8_t{7}, uint8_t{8}, uint8_t{9}}) {
            const auto secret = make_secret(rng, hash, kek);
            for (uint8_t algo : {uint8_t{7}, uint8_t{9}}) {
                auto sk = generate_session_key(algo, rng);
                REQUIRE(sk);
                auto ct = ecdh_encrypt(secret.pub, *sk, rng);
                REQUIRE(ct);
                REQUIRE(ct->ephemeral_point.size() == 33);
                REQUIRE(ct->ephemeral_point[0] == 0x40);
                REQUIRE(ct->wrapped.size() % 8 == 0);
                auto back = ecdh_decrypt(secret, ct->ephemeral_point, ct->wrapped);
                REQUIRE(back);
                REQUIRE(back->algo == algo);
                REQUIRE(back->key == sk->key);
            }
        }
    }
}

TEST_CASE("ECDH decryption with the wrong key or a damaged wrap fails with one code", "[ecdh]") {
    Botan::AutoSeeded_RNG rng;
    const auto secret = make_secret(rng);
    const auto other = make_secret(rng);
    auto sk = generate_session_key(9, rng);
    auto ct = ecdh_encrypt(secret.pub, *sk, rng);
    REQUIRE(ct);
    auto wrong = ecdh_decrypt(other, ct->ephemeral_point, ct->wrapped);
    REQUIRE_FALSE(wrong);
    REQUIRE(wrong.error().code == ErrorCode::DecryptFailed);
    for (size_t i = 0; i < ct->wrapped.size(); ++i) {
        auto w = ct->wrapped;
        w[i] ^= 0x01;
        auto r = ecdh_decrypt(secret, ct->ephemeral_point, w);
        REQUIRE_FALSE(r);
        REQUIRE(r.error().code == ErrorCode::DecryptFailed);
    }
    // Another fingerprint changes the KDF, so the unwrap fails.
    auto moved = secret;
    moved.pub.fingerprint[0] ^= 1;
    REQUIRE(ecdh_decrypt(moved, ct->ephemeral_point, ct->wrapped).error().code ==
            ErrorCode::DecryptFailed);
}

TEST_CASE("ECDH refuses malformed points, wrap lengths and algorithms", "[ecdh]") {
    Botan::AutoSeeded_RNG rng;
    const auto secret = make_secret(rng);
    const Bytes wrapped(40, 0);
    Bytes point(33, 0x09);
    point[0] = 0x04;
    REQUIRE(ecdh_decrypt(secret, point, wrapped).error().code == ErrorCode::BadKey);
    REQUIRE(ecdh_decrypt(secret, Bytes(32, 0x40), wrapped).error().code == ErrorCode::BadKey);
    // The all-zero point is of small order: the shared secret is zero.
    Bytes zero(33, 0);
    zero[0] = 0x40;
    REQUIRE(ecdh_decrypt(secret, zero, wrapped).error().code == ErrorCode::BadKey);
    Bytes good(33, 0x09);
    good[0] = 0x40;
    REQUIRE(ecdh_decrypt(secret, good, Bytes(20, 0)).error().code == ErrorCode::BadPacket);
    REQUIRE(ecdh_decrypt(secret, good, Bytes(72, 0)).error().code == ErrorCode::BadPacket);
    REQUIRE(ecdh_decrypt(secret, good, Bytes(41, 0)).error().code == ErrorCode::BadPacket);
    auto bad_hash = secret;
    bad_hash.pub.kdf_hash = 2;
    REQUIRE(ecdh_decrypt(bad_hash, good, wrapped).error().code == ErrorCode::UnsupportedAlgorithm);
    auto bad_kek = secret;
    bad_kek.pub.kek_cipher = 3;
    auto sk = generate_session_key(9, rng);
    REQUIRE(ecdh_encrypt(bad_kek.pub, *sk, rng).error().code == ErrorCode::UnsupportedAlgorithm);
}

TEST_CASE("GnuPG's stored Curve25519 secret MPI is the reversed native scalar", "[ecdh]") {
    // The raw secret subkey packet of the gpg fixture: S2K usage 0, the
    // secret MPI (2 + 32 bytes), then the two-byte checksum.
    const auto file = enc_test::read_file("gpg_cv25519.sec");
    PacketReader reader(file);
    std::optional<Bytes> body;
    for (;;) {
        auto p = reader.next();
        REQUIRE(p);
        if (!*p) break;
        if ((*p)->tag == Tag::SecretSubkey) body = Bytes((*p)->body().begin(), (*p)->body().end());
    }
    REQUIRE(body);
    const mixtasy::ByteView mpi(body->data() + body->size() - 34, 32);
    const auto native = x25519_scalar_from_openpgp(mpi);
    const auto pub = x25519_public_from_scalar(native);
    const auto key = enc_test::load_secret_keys("gpg_cv25519.sec").back();
    const auto point = key.pub.native_point();
    REQUIRE(Bytes(pub.begin(), pub.end()) == Bytes(point.begin(), point.end()));
    // Read without reversal, the same bytes give another public key.
    const auto wrong = x25519_public_from_scalar(mpi);
    REQUIRE(Bytes(wrong.begin(), wrong.end()) != Bytes(point.begin(), point.end()));
}
