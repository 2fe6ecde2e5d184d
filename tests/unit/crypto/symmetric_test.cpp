// SPDX-License-Identifier: BSD-2-Clause
#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

#include "crypto/sed.h"
#include "crypto/seipd.h"
#include "tests/unit/crypto/enc_vec.h"

using namespace mixtasy::crypto;
using mixtasy::Bytes;
using mixtasy::ByteView;

namespace {
SessionKey key_of(const enc_test::VecCase& v) {
    SessionKey sk;
    sk.algo = static_cast<uint8_t>(std::stoi(v.at("algo")));
    const auto k = v.hex("key");
    sk.key.assign(k.begin(), k.end());
    return sk;
}
}  // namespace

TEST_CASE("SED and SEIPD bodies made by GnuPG decrypt", "[symmetric]") {
    for (const auto& v : enc_test::read_vec("cfb.vec")) {
        const auto sk = key_of(v);
        auto body = v.hex("body");
        if (v.kind == "sed") {
            auto plain = sed_decrypt_body(sk, body);
            REQUIRE(plain);
            REQUIRE((*plain)[0] == 0xAC);  // old-format literal data packet
        } else {
            body.insert(body.begin(), 0x01);
            auto plain = seipd_decrypt_body(sk, body);
            REQUIRE(plain);
            REQUIRE((*plain)[0] == 0xAC);  // gpg 2.2 writes old-format literal packets
        }
    }
}

TEST_CASE("SED and SEIPD round trip", "[symmetric]") {
    Botan::AutoSeeded_RNG rng;
    for (uint8_t algo : {uint8_t{7}, uint8_t{9}, uint8_t{3}}) {
        auto sk = generate_session_key(algo, rng);
        for (size_t len : {size_t(0), size_t(1), size_t(30 * 1024)}) {
            const auto plain = rng.random_vec(len);
            auto sed = sed_encrypt_body(*sk, plain, rng);
            REQUIRE(sed);
            auto sed_back = sed_decrypt_body(*sk, *sed);
            REQUIRE(sed_back);
            REQUIRE(*sed_back == Bytes(plain.begin(), plain.end()));
            auto seipd = seipd_encrypt_body(*sk, plain, rng);
            REQUIRE(seipd);
            REQUIRE((*seipd)[0] == 1);
            auto seipd_back = seipd_decrypt_body(*sk, *seipd);
            REQUIRE(seipd_back);
            REQUIRE(*seipd_back == Bytes(plain.begin(), plain.end()));
        }
    }
}

TEST_CASE("every flipped byte of a SEIPD body fails the MDC", "[symmetric]") {
    Botan::AutoSeeded_RNG rng;
    auto sk = generate_session_key(9, rng);
    const auto plain = rng.random_vec(200);
    auto body = seipd_encrypt_body(*sk, plain, rng);
    REQUIRE(body);
    for (size_t i = 1; i < body->size(); ++i) {
        auto damaged = *body;
        damaged[i] ^= 0x01;
        auto r = seipd_decrypt_body(*sk, damaged);
        REQUIRE_FALSE(r);
        REQUIRE(r.error().code == ErrorCode::IntegrityFailed);
    }
    auto v2 = *body;
    v2[0] = 2;
    REQUIRE(seipd_decrypt_body(*sk, v2).error().code == ErrorCode::UnsupportedVersion);
}

TEST_CASE("truncated bodies and wrong keys give typed errors", "[symmetric]") {
    Botan::AutoSeeded_RNG rng;
    auto sk = generate_session_key(9, rng);
    auto other = generate_session_key(9, rng);
    const auto plain = rng.random_vec(64);
    auto seipd = seipd_encrypt_body(*sk, plain, rng);
    for (size_t n = 0; n < 1 + 16 + 2 + 22; ++n) {
        auto r = seipd_decrypt_body(*sk, ByteView(seipd->data(), n));
        REQUIRE_FALSE(r);
        REQUIRE((r.error().code == ErrorCode::Truncated ||
                 r.error().code == ErrorCode::IntegrityFailed));
    }
    REQUIRE(seipd_decrypt_body(*other, *seipd).error().code == ErrorCode::IntegrityFailed);
    auto sed = sed_encrypt_body(*sk, plain, rng);
    REQUIRE(sed_decrypt_body(*sk, ByteView(sed->data(), 17)).error().code == ErrorCode::Truncated);
    // A wrong key fails the quick check with probability 1 - 2^-16.
    REQUIRE(sed_decrypt_body(*other, *sed).error().code == ErrorCode::IntegrityFailed);
}

TEST_CASE("SED tolerates padding appended after an indeterminate packet", "[symmetric]") {
    Botan::AutoSeeded_RNG rng;
    auto sk = generate_session_key(9, rng);
    const auto plain = rng.random_vec(300);
    auto sed = sed_encrypt_body(*sk, plain, rng);
    const auto pad = rng.random_vec(1000);
    sed->insert(sed->end(), pad.begin(), pad.end());
    auto back = sed_decrypt_body(*sk, *sed);
    REQUIRE(back);
    REQUIRE(back->size() == 1300);
    REQUIRE(Bytes(back->begin(), back->begin() + 300) == Bytes(plain.begin(), plain.end()));
}
