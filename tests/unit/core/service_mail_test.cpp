// SPDX-License-Identifier: BSD-2-Clause
// service_mail_test.cpp - core/node/service_mail.h: which keys@ mail is a
// publication, a retrieval, or dropped, and why.
#include <catch2/catch.hpp>

#include <botan/base64.h>

#include "core/node/service_mail.h"
#include "core/ports/random.h"
#include "crypto/key_io.h"
#include "crypto/keygen.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

std::string user_key(const std::string& uid, std::uint64_t seed) {
    DeterministicRandom random(seed);
    crypto::KeyGenParams params{uid, 1700000000, 86400};
    auto key = crypto::generate_key(params, random);
    REQUIRE(key);
    return crypto::export_public(key->cert);
}

const std::string kAuth = Botan::base64_encode(std::vector<std::uint8_t>(32, 7));

std::string mail(const std::string& body) { return "Subject: key\r\n\r\n" + body; }

ServiceAction read(const Envelope& env, const std::string& message, bool allowed = true) {
    ServiceRules rules;
    rules.service_domain = "n0.example";
    rules.publication_allowed = allowed;
    return read_service_mail(env, as_bytes(message), rules);
}

}  // namespace

TEST_CASE("service mail: an authenticated user publishes the key of their own address",
          "[core][service]") {
    const std::string body = user_key("Alice <alice@n0.example>", 1) + kAuth + "\r\n";
    Envelope env{"alice@n0.example", {"keys@n0.example"}, "alice"};
    ServiceAction a = read(env, mail(body));
    REQUIRE(a.kind == ServiceAction::Kind::Publish);
    CHECK(a.address == "alice@n0.example");
    CHECK(a.auth.size() == kAuthKeyBytes);
    CHECK_FALSE(a.key.empty());
    env.authenticated = "Alice@N0.example";  // a login with its domain
    CHECK(read(env, mail(body)).kind == ServiceAction::Kind::Publish);
}

TEST_CASE("service mail: publication refusals, each with its token", "[core][service]") {
    const std::string alice = user_key("Alice <alice@n0.example>", 2) + kAuth + "\r\n";
    Envelope env{"alice@n0.example", {"keys@n0.example"}, ""};
    CHECK(read(env, mail(alice)).reason == "unauthenticated");
    env.authenticated = "alice";
    CHECK(read(env, mail(alice), false).reason == "publication-disabled");
    env.authenticated = "mallory";
    CHECK(read(env, mail(alice)).reason == "user-id-mismatch");
    env.authenticated = "alice";
    const std::string no_auth = user_key("Alice <alice@n0.example>", 3);
    CHECK(read(env, mail(no_auth)).reason == std::string("no-auth-key"));
    env.sender.clear();
    CHECK(read(env, mail(alice)).reason == "no-reply-address");
}

TEST_CASE("service mail: anyone may retrieve; a malformed request is dropped",
          "[core][service]") {
    Envelope env{"bob@else.example", {"keys@n0.example"}, ""};
    ServiceAction a = read(env, mail("\r\nAlice@N0.example\r\n" + kAuth + "\r\n"));
    REQUIRE(a.kind == ServiceAction::Kind::Retrieve);
    CHECK(a.address == "alice@n0.example");
    CHECK(read(env, mail("alice@n0.example\r\n")).kind == ServiceAction::Kind::Drop);
    CHECK(read(env, mail("not an address\r\n" + kAuth + "\r\n")).kind ==
          ServiceAction::Kind::Drop);
    CHECK(read(env, "no header line at all\r\n").reason == "malformed-header");
}

TEST_CASE("service mail: what a service address is", "[core][service]") {
    CHECK(service_domain_of("keys@N0.Example") == "n0.example");
    CHECK(service_domain_of("mixtasy@n0.example").empty());
    CHECK(service_domain_of("keys").empty());
}
