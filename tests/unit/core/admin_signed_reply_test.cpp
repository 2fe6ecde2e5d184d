// SPDX-License-Identifier: BSD-2-Clause
// admin_signed_reply_test.cpp - remailer-* replies signed with the node key
// (core/admin/signed_reply.h): the canonical text verifies with our own
// verifier, and real gpg --verify accepts the cleartext message.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>

#include "core/admin/signed_reply.h"
#include "core/keys/node_key.h"
#include "core/ports/random.h"
#include "crypto/armor.h"
#include "crypto/key_io.h"
#include "crypto/signature.h"
#include "tests/unit/temp_dir.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

const std::string kText = "Stats for mixtasy@mix1.test  \r\n-- dashes\r\n\r\nend\r\n";

crypto::SecretCertificate node(Random& random) {
    return unit::make_mix_key("mixtasy@mix1.test", {"middleman"}, random, 1700000000);
}

}  // namespace

TEST_CASE("signed reply: dash-escaped, canonical text signed", "[core][admin]") {
    DeterministicRandom random(31);
    const auto key = node(random);
    auto signed_text = clearsign(key.primary, kText, 1700000100, random);
    REQUIRE(signed_text);
    CHECK(signed_text->rfind("-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA256\r\n\r\n", 0) == 0);
    CHECK(signed_text->find("\r\n- -- dashes\r\n") != std::string::npos);
    const auto at = signed_text->find("-----BEGIN PGP SIGNATURE-----");
    REQUIRE(at != std::string::npos);
    auto sig_bytes = crypto::to_binary(as_bytes(signed_text->substr(at)));
    REQUIRE(sig_bytes);
    auto packets = crypto::read_packets(*sig_bytes);
    REQUIRE(packets);
    auto sig = crypto::parse_signature(packets->front().body());
    REQUIRE(sig);
    const std::string canonical = "Stats for mixtasy@mix1.test\r\n-- dashes\r\n\r\nend";
    CHECK(crypto::verify_data(*sig, key.cert.primary, as_bytes(canonical)));
    CHECK(!crypto::verify_data(*sig, key.cert.primary, as_bytes(canonical + "!")));
}

TEST_CASE("signed reply: gpg --verify accepts it", "[core][admin][interop]") {
    if (std::system("gpg --version >/dev/null 2>&1") != 0) {
        if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true")
            FAIL("gpg missing under CI");
        WARN("gpg missing: skipped");
        return;
    }
    DeterministicRandom random(32);
    const auto key = node(random);
    auto signed_text = clearsign(key.primary, kText, 1700000100, random);
    REQUIRE(signed_text);
    mixtasy::testing::TempDir dir("signed-reply");
    std::ofstream(dir.file("key.asc")) << crypto::export_public(key.cert);
    std::ofstream(dir.file("reply.txt"), std::ios::binary) << *signed_text;
    const std::string gpg = "gpg --homedir '" + dir.file("gnupg") + "' --batch --quiet ";
    std::filesystem::create_directories(dir.file("gnupg"));
    std::filesystem::permissions(dir.file("gnupg"), std::filesystem::perms::owner_all);
    REQUIRE(std::system((gpg + "--import '" + dir.file("key.asc") + "' 2>/dev/null").c_str()) == 0);
    CHECK(std::system((gpg + "--verify '" + dir.file("reply.txt") + "' 2>/dev/null").c_str()) == 0);
    std::system(
        ("gpgconf --homedir '" + dir.file("gnupg") + "' --kill all >/dev/null 2>&1").c_str());
}
