// SPDX-License-Identifier: BSD-2-Clause
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include <botan/auto_rng.h>
#include <botan/cipher_mode.h>
#include <botan/hash.h>

#include "crypto/openpgp_cfb.h"
#include "tests/unit/crypto/enc_vec.h"

using namespace mixtasy::crypto;

namespace {
bool contains(const mixtasy::Bytes& hay, const std::string& needle) {
    return std::search(hay.begin(), hay.end(), needle.begin(), needle.end()) != hay.end();
}
}  // namespace

TEST_CASE("cipher_spec knows the OpenPGP ids we accept and refuses others", "[cfb]") {
    REQUIRE(cipher_spec(9)->key_length == 32);
    REQUIRE(cipher_spec(7)->block_length == 16);
    REQUIRE(cipher_spec(3)->block_length == 8);
    REQUIRE_FALSE(cipher_spec(0));
    REQUIRE_FALSE(cipher_spec(1));  // IDEA
    REQUIRE_FALSE(cipher_spec(200));
}

TEST_CASE("CFB decrypts the GnuPG known answers", "[cfb]") {
    for (const auto& v : enc_test::read_vec("cfb.vec")) {
        const auto spec = cipher_spec(static_cast<uint8_t>(std::stoi(v.at("algo"))));
        REQUIRE(spec);
        const auto key = v.hex("key");
        auto body = v.hex("body");
        const size_t bs = spec->block_length;
        if (v.kind == "sed") {
            REQUIRE(sed_decrypt(*spec, key, body));
        } else {
            REQUIRE(seipd_decrypt(*spec, key, body));
            // MDC: SHA-1 over everything before the 20-byte hash.
            const size_t n = body.size();
            REQUIRE(body[n - 22] == 0xD3);
            REQUIRE(body[n - 21] == 0x14);
            auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
            sha1->update(body.data(), n - 20);
            const auto digest = sha1->final();
            REQUIRE(std::equal(digest.begin(), digest.end(), body.end() - 20));
        }
        // Quick check: the two bytes after the prefix repeat its last two.
        REQUIRE(body[bs] == body[bs - 2]);
        REQUIRE(body[bs + 1] == body[bs - 1]);
        REQUIRE(contains(body, v.at("contains")));
    }
}

TEST_CASE("CFB round trips every supported cipher and every length", "[cfb]") {
    Botan::AutoSeeded_RNG rng;
    for (int algo : {2, 3, 7, 8, 9, 10, 11, 12, 13}) {
        const auto spec = cipher_spec(static_cast<uint8_t>(algo));
        REQUIRE(spec);
        const auto key = rng.random_vec(spec->key_length);
        for (size_t len :
             {spec->block_length + 2, spec->block_length + 3, size_t(100), size_t(4097)}) {
            const auto plain = rng.random_vec(len);
            auto a = plain;
            REQUIRE(sed_encrypt(*spec, key, a));
            REQUIRE(a != plain);
            REQUIRE(sed_decrypt(*spec, key, a));
            REQUIRE(a == plain);
            auto b = plain;
            REQUIRE(seipd_encrypt(*spec, key, b));
            REQUIRE(seipd_decrypt(*spec, key, b));
            REQUIRE(b == plain);
        }
    }
}

TEST_CASE("SED resyncs: it differs from plain CFB after the prefix", "[cfb]") {
    Botan::AutoSeeded_RNG rng;
    const auto spec = *cipher_spec(9);
    const auto key = rng.random_vec(32);
    const auto plain = rng.random_vec(64);
    auto sed = plain;
    auto cfb = plain;
    REQUIRE(sed_encrypt(spec, key, sed));
    REQUIRE(seipd_encrypt(spec, key, cfb));
    REQUIRE(std::equal(sed.begin(), sed.begin() + 18, cfb.begin()));
    REQUIRE_FALSE(std::equal(sed.begin() + 18, sed.end(), cfb.begin() + 18));
}

TEST_CASE("CFB refuses a wrong key length or a too short SED body", "[cfb]") {
    const auto spec = *cipher_spec(9);
    std::vector<uint8_t> key(16), buf(40);
    REQUIRE_FALSE(sed_encrypt(spec, key, buf));
    REQUIRE_FALSE(seipd_decrypt(spec, key, buf));
    std::vector<uint8_t> key32(32), tiny(17);
    REQUIRE_FALSE(sed_decrypt(spec, key32, tiny));
}

// Decryption runs the cipher over many blocks at once (openpgp_cfb.cpp);
// Botan's own CFB mode is the reference it must equal, at every length
// around its 4 KiB chunks and with partial last blocks.
TEST_CASE("CFB decryption equals Botan's CFB mode at every chunk boundary", "[cfb]") {
    Botan::AutoSeeded_RNG rng;
    for (int algo : {2, 3, 7, 9, 10, 13}) {
        const auto spec = *cipher_spec(static_cast<uint8_t>(algo));
        const auto key = rng.random_vec(spec.key_length);
        const size_t bs = spec.block_length;
        for (size_t len :
             {size_t(0), size_t(1), bs - 1, bs, bs + 1, size_t(4095), size_t(4096), size_t(4097),
              4096 + bs, size_t(8191), size_t(8192), size_t(30720), size_t(30727)}) {
            INFO("algo " << algo << " length " << len);
            const auto cipher = rng.random_vec(len);
            auto reference = cipher;
            auto mode = Botan::Cipher_Mode::create_or_throw(std::string(spec.botan_name) + "/CFB",
                                                            Botan::DECRYPTION);
            mode->set_key(key);
            mode->start(std::vector<uint8_t>(bs, 0));
            mode->process(reference.data(), reference.size());
            auto ours = cipher;
            REQUIRE(seipd_decrypt(spec, key, ours));
            REQUIRE(ours == reference);
        }
    }
}
