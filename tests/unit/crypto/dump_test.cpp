// SPDX-License-Identifier: BSD-2-Clause
// dump_test.cpp - the packet listing behind `mixtasy inspect`: fields shown,
// partial output then the error on bad input, escaping of hostile text.
#include "crypto/dump.h"

#include <catch2/catch.hpp>

#include <sstream>

#include <botan/auto_rng.h>

#include "crypto/armor.h"
#include "crypto/key_io.h"
#include "crypto/keygen.h"
#include "test_util.h"

using namespace mixtasy;
using namespace mixtasy::crypto;

namespace {
SecretCertificate node() {
    Botan::AutoSeeded_RNG rng;
    KeyGenParams p;
    p.user_id = "Mixtasy node (mixtasy-mode:middleman) <mixtasy@dump.example>";
    p.created = 1700000000;
    p.subkey_validity = test::kTwoDays;
    auto k = generate_key(p, rng);
    REQUIRE(k);
    return std::move(*k);
}
}  // namespace

TEST_CASE("dump lists keys, user IDs and signatures with their fields", "[dump]") {
    const SecretCertificate k = node();
    std::ostringstream out;
    REQUIRE(dump(as_bytes(export_public(k.cert)), out));
    const std::string s = out.str();
    CHECK(s.find("# armor \"PGP PUBLIC KEY BLOCK\"") != std::string::npos);
    CHECK(s.find(":offset 0 tag 6 PublicKey, new format, definite length") != std::string::npos);
    CHECK(s.find("fingerprint " + to_hex(k.cert.fingerprint())) != std::string::npos);
    CHECK(s.find("user ID \"Mixtasy node (mixtasy-mode:middleman) <mixtasy@dump.example>\"") !=
          std::string::npos);
    CHECK(s.find("type 0x13") != std::string::npos);
    CHECK(s.find("type 0x18") != std::string::npos);
    CHECK(s.find("key expiration time, length 4: 172800s (2d 0h)") != std::string::npos);
    CHECK(s.find("curve Curve25519") != std::string::npos);
    CHECK(s.find("KDF hash 8, KEK cipher 7") != std::string::npos);
}

TEST_CASE("dump of a secret key never prints secret material", "[dump]") {
    const SecretCertificate k = node();
    std::ostringstream out;
    const auto secret = serialize(k);
    REQUIRE(dump(secret, out));
    CHECK(out.str().find("secret material: unprotected, checksum ok") != std::string::npos);
    CHECK(out.str().find(to_hex(k.primary.ecc_secret)) == std::string::npos);
}

TEST_CASE("dump shows what parsed, then returns the error with its offset", "[dump]") {
    const SecretCertificate k = node();
    Bytes pub = serialize(k.cert);
    pub.resize(pub.size() - 5);
    std::ostringstream out;
    auto r = dump(pub, out);
    REQUIRE(!r);
    CHECK(r.error().code == ErrorCode::Truncated);
    CHECK(out.str().find("tag 14 PublicSubkey") != std::string::npos);
    CHECK(r.error().offset > 0);
}

TEST_CASE("dump escapes control characters in user IDs and literal names", "[dump]") {
    Bytes wire;
    REQUIRE(append_packet(wire, Tag::UserId, as_bytes("evil\x1b[2J\n")));
    Bytes literal{'b', 4, 'a', '\r', 'b', 0x9b, 0, 0, 0, 0, 'x'};
    REQUIRE(append_packet(wire, Tag::Literal, literal, {Format::OldFormat}));
    std::ostringstream out;
    REQUIRE(dump(wire, out));
    CHECK(out.str().find("evil\\x1b[2J\\x0a") != std::string::npos);
    CHECK(out.str().find("file name \"a\\x0db\\x9b\"") != std::string::npos);
    CHECK(out.str().find("1 bytes of data") != std::string::npos);
    CHECK(out.str().find('\x1b') == std::string::npos);
}

TEST_CASE("dump lists gpg-made encrypted messages", "[dump]") {
    const auto path = std::filesystem::path(MIXTASY_TEST_DATA) / ".." / "fuzz" / "seeds" /
                      "fuzz_crypto_packet" / "gpg_encrypted.pgp";
    const std::string data = test::read_text(path);
    REQUIRE(!data.empty());
    std::ostringstream out;
    REQUIRE(dump(as_bytes(data), out));
    CHECK(out.str().find("tag 1 PKESK") != std::string::npos);
    CHECK(out.str().find("algorithm 18 (ECDH)") != std::string::npos);
    CHECK(out.str().find("tag 18 SEIPD") != std::string::npos);
}

TEST_CASE("dump lists packets of versions it does not decode instead of failing", "[dump]") {
    Bytes wire;
    const Bytes v6_key_start{6, 0x63, 0x87, 0x7f, 0xe3, 27, 0, 0, 0, 32};
    REQUIRE(append_packet(wire, Tag::PublicKey, v6_key_start));
    REQUIRE(append_packet(wire, Tag::UserId, as_bytes("after <a@b>")));
    std::ostringstream out;
    REQUIRE(dump(wire, out));
    CHECK(out.str().find("(not decoded: unsupported_version") != std::string::npos);
    CHECK(out.str().find("user ID \"after <a@b>\"") != std::string::npos);
}
