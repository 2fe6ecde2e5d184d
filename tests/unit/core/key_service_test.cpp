// SPDX-License-Identifier: BSD-2-Clause
// key_service_test.cpp - seed 004's Key Publication and Key Retrieval
// (core/publish/key_service.h): the exact HMAC inputs, the request forms of
// 004's figures, every refusal, and the replies.
#include "core/publish/key_service.h"

#include <catch2/catch.hpp>

#include "crypto/armor.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

// K_auth = bytes 0..31; K_pub = these 35 bytes.  Expected HMAC computed
// independently:  python3 -c "import hmac,hashlib; print(hmac.new(bytes(range(32)),
//   b'\x98\x33\x04mixtasy key-service test vector', hashlib.sha256).hexdigest())"
const std::string kAuthLine = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
const std::string kKeyBytes = std::string("\x98\x33\x04", 3) + "mixtasy key-service test vector";
const std::string kHmacLine = "myYwzTvIw5XP8pENOFvm+JMQhgOw+WMDN0Qz9Af4w2I=";

std::string armored_key() {
    return crypto::armor_encode(as_bytes(kKeyBytes), crypto::kLabelPublicKey);
}

KeyServiceError::Code publication_error(const std::string& body,
                                        const KeyServiceLimits& limits = {}) {
    auto r = parse_key_publication(body, limits);
    REQUIRE(!r);
    return r.error().code;
}

KeyServiceError::Code retrieval_error(const std::string& body) {
    auto r = parse_key_retrieval(body);
    REQUIRE(!r);
    return r.error().code;
}

}  // namespace

TEST_CASE("key service: HMAC-SHA256 over the binary key with the decoded K_auth",
          "[core][key_service]") {
    auto req = parse_key_publication(armored_key() + kAuthLine + "\n");
    REQUIRE(req);
    CHECK(req->key == Bytes(kKeyBytes.begin(), kKeyBytes.end()));
    REQUIRE(req->auth.size() == 32);
    CHECK(req->auth[31] == 31);
    CHECK(publication_confirmation(key_hmac(req->auth, req->key)) == kHmacLine + "\r\n");
}

TEST_CASE("key service: the HMAC does not change when mail rewrites line ends",
          "[core][key_service]") {
    std::string crlf;
    for (char c : "\n" + kAuthLine + "\n\n" + armored_key()) {
        if (c == '\n') crlf += '\r';
        crlf += c;
    }
    auto req = parse_key_publication(crlf);  // K_auth first, CRLF, blank lines
    REQUIRE(req);
    CHECK(publication_confirmation(key_hmac(req->auth, req->key)) == kHmacLine + "\r\n");
}

TEST_CASE("key service: a retrieval request as in 004's figure 5", "[core][key_service]") {
    auto req = parse_key_retrieval("\r\nalice@example.net\r\n" + kAuthLine + "\r\n");
    REQUIRE(req);
    CHECK(req->address == "alice@example.net");
    const std::string reply =
        retrieval_reply(as_bytes(kKeyBytes), key_hmac(req->auth, as_bytes(kKeyBytes)));
    CHECK(reply.substr(reply.size() - kHmacLine.size() - 2) == kHmacLine + "\r\n");
    // The requester's side: the key in the reply, dearmored, gives the same HMAC.
    auto back = parse_key_publication(reply);
    REQUIRE(back);
    CHECK(back->key == Bytes(kKeyBytes.begin(), kKeyBytes.end()));
}

TEST_CASE("key service: every refusal of a publication", "[core][key_service]") {
    using C = KeyServiceError::Code;
    CHECK(publication_error(kAuthLine + "\n") == C::NoKey);
    CHECK(publication_error(armored_key()) == C::NoAuthKey);
    CHECK(publication_error(armored_key() + "AAAA\n") == C::BadAuthKey);  // 3 bytes
    CHECK(publication_error(armored_key() + "not base64!\n") == C::BadAuthKey);
    CHECK(publication_error(armored_key() + kAuthLine + "\n" + kAuthLine + "\n") == C::Malformed);
    CHECK(publication_error(armored_key() + armored_key() + kAuthLine) == C::BadKey);
    CHECK(publication_error("-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n" + kAuthLine) ==
          C::BadKey);  // no end line
    const std::string message = crypto::armor_encode(as_bytes(kKeyBytes), crypto::kLabelMessage);
    CHECK(publication_error(message + kAuthLine) == C::BadKey);  // not a key block
    KeyServiceLimits small;
    small.max_body_bytes = 64;
    CHECK(publication_error(armored_key() + kAuthLine, small) == C::TooLarge);
    KeyServiceLimits short_lines;
    short_lines.max_line_length = 20;
    CHECK(publication_error(armored_key() + kAuthLine, short_lines) == C::TooLarge);
    KeyServiceLimits tiny_key;
    tiny_key.max_key_bytes = 8;
    CHECK(publication_error(armored_key() + kAuthLine, tiny_key) == C::TooLarge);
}

TEST_CASE("key service: every refusal of a retrieval", "[core][key_service]") {
    using C = KeyServiceError::Code;
    CHECK(retrieval_error("") == C::BadAddress);
    CHECK(retrieval_error("Alice <alice@example.net>\n" + kAuthLine) == C::BadAddress);
    CHECK(retrieval_error("<alice@example.net>\n" + kAuthLine) == C::BadAddress);
    CHECK(retrieval_error("alice@example.net\n") == C::NoAuthKey);
    CHECK(retrieval_error("alice@example.net\nAAAA\n") == C::BadAuthKey);
    CHECK(retrieval_error("alice@example.net\n" + kAuthLine + "\nmore\n") == C::Malformed);
    auto e = parse_key_retrieval("alice@example.net\n\n\nAAAA\n");
    REQUIRE(!e);
    CHECK(e.error().line == 4);
    CHECK(std::string(e.error().reason()) == "bad-auth-key");
}
