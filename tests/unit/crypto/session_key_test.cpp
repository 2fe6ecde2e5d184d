// SPDX-License-Identifier: BSD-2-Clause
#include "crypto/session_key.h"

#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

using namespace mixtasy::crypto;

TEST_CASE("session key encoding round trips and carries the checksum", "[session_key]") {
    Botan::AutoSeeded_RNG rng;
    auto sk = generate_session_key(9, rng);
    REQUIRE(sk);
    REQUIRE(sk->key.size() == 32);
    const auto enc = encode_session_key(*sk);
    REQUIRE(enc.size() == 35);
    REQUIRE(enc[0] == 9);
    const uint16_t sum = session_key_checksum(sk->key);
    REQUIRE(enc[33] == (sum >> 8));
    REQUIRE(enc[34] == (sum & 0xFF));
    auto back = decode_session_key(enc);
    REQUIRE(back);
    REQUIRE(back->key == sk->key);
}

TEST_CASE("session key decoding refuses bad checksum, length and cipher", "[session_key]") {
    Botan::AutoSeeded_RNG rng;
    auto sk = generate_session_key(7, rng);
    auto enc = encode_session_key(*sk);
    enc[5] ^= 0x40;
    REQUIRE(decode_session_key(enc).error().code == ErrorCode::BadChecksum);
    enc = encode_session_key(*sk);
    enc.pop_back();
    REQUIRE(decode_session_key(enc).error().code == ErrorCode::BadKey);
    enc = encode_session_key(*sk);
    enc[0] = 1;
    REQUIRE(decode_session_key(enc).error().code == ErrorCode::UnsupportedAlgorithm);
    REQUIRE(decode_session_key({}).error().code == ErrorCode::Truncated);
    REQUIRE(generate_session_key(0, rng).error().code == ErrorCode::UnsupportedAlgorithm);
}

TEST_CASE("PKCS#5 padding to 8 bytes round trips and refuses damage", "[session_key]") {
    for (size_t n = 0; n < 20; ++n) {
        std::vector<uint8_t> m(n, 0x33);
        const auto p = pkcs5_pad(m);
        REQUIRE(p.size() % 8 == 0);
        REQUIRE(p.size() > n);
        auto u = pkcs5_unpad(p);
        REQUIRE(u);
        REQUIRE(u->size() == n);
    }
    std::vector<uint8_t> bad(16, 0x03);
    bad[14] = 0x04;
    REQUIRE(pkcs5_unpad(bad).error().code == ErrorCode::BadPacket);
    std::vector<uint8_t> zero(16, 0x00);
    REQUIRE_FALSE(pkcs5_unpad(zero));
    std::vector<uint8_t> big(16, 0x09);
    REQUIRE_FALSE(pkcs5_unpad(big));
    std::vector<uint8_t> odd(15, 0x01);
    REQUIRE_FALSE(pkcs5_unpad(odd));
}
