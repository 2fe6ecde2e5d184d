// SPDX-License-Identifier: BSD-2-Clause
// node_services_test.cpp - the Node answers keys@ (seed 004) and the
// remailer-* commands (core/node/service_desk.h): stored keys, HMACs over
// the binary key, signed replies that leave at the next flush whatever the
// pool threshold, rate limits, and log lines without the requester.
#include <catch2/catch.hpp>

#include <botan/base64.h>

#include "core/publish/key_service.h"
#include <fstream>

#include "core/node/admin_mail.h"
#include "core/node/service_desk.h"
#include "core_test_support.h"
#include "core_test_util.h"
#include "crypto/armor.h"
#include "crypto/keygen.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;

namespace {

const std::vector<std::uint8_t> kAuthBytes(32, 9);
const std::string kAuth = Botan::base64_encode(kAuthBytes);
const std::string kAlice = "alice@n0.example";

std::string alice_key() {
    DeterministicRandom random(5);
    crypto::KeyGenParams params{"Alice <alice@n0.example>", 1700000000, 86400};
    auto key = crypto::generate_key(params, random);
    REQUIRE(key);
    return crypto::export_public(key->cert);
}

std::string text_of(const Bytes& b) { return std::string(b.begin(), b.end()); }

// A net whose pool never sends mix traffic on its own: a reply that leaves
// anyway proves replies do not wait for the threshold.
void high_threshold(const TestNode&, NodeOptions& options) {
    options.pool.min_pool = 1000;
    options.replies = {2, 100};
}

std::string hmac_line(const Bytes& key) {
    const AuthKey auth(kAuthBytes.begin(), kAuthBytes.end());
    return publication_confirmation(key_hmac(auth, key));
}

}  // namespace

TEST_CASE("node services: publish with authentication, retrieve without", "[core][service][node]") {
    LogCapture logs;
    TestNet net(1);
    net.nodes[0].node.reset();
    net.open_all(high_threshold);
    Node& node = *net.nodes[0].node;
    CHECK(node.is_service_address("<KEYS@n0.example>"));
    CHECK_FALSE(node.is_service_address("keys@other.example"));

    const std::string key = alice_key();
    const Envelope publish{kAlice, {"keys@n0.example"}, "alice"};
    Decision d = node.accept(publish, as_bytes("Subject: k\r\n\r\n" + key + kAuth + "\r\n"));
    CHECK(d.kind == Decision::Kind::Dropped);
    CHECK(d.reason == kServiceHandled);
    CapturingTransport out;
    node.flush_round(out);
    REQUIRE(out.sent.size() == 1);
    CHECK(out.sent[0].recipient == kAlice);
    CHECK(out.sent[0].from == "keys@n0.example");
    auto binary = crypto::armor_decode(as_bytes(key));
    REQUIRE(binary);
    const Bytes key_bytes(binary->data.begin(), binary->data.end());
    const std::string confirmation = text_of(out.sent[0].message);
    CHECK(confirmation.find(hmac_line(key_bytes)) != std::string::npos);
    CHECK(confirmation.find("-----BEGIN PGP SIGNED MESSAGE-----") != std::string::npos);

    const Envelope ask{"bob@else.example", {"keys@n0.example"}, ""};
    node.accept(ask, as_bytes("Subject: r\r\n\r\n" + kAlice + "\r\n" + kAuth + "\r\n"));
    node.accept(ask, as_bytes("Subject: r\r\n\r\nmixtasy@n0.example\r\n" + kAuth + "\r\n"));
    CapturingTransport back;
    node.flush_round(back);
    REQUIRE(back.sent.size() == 2);
    CHECK(back.sent[0].recipient == "bob@else.example");
    CHECK(text_of(back.sent[0].message).find(hmac_line(key_bytes)) != std::string::npos);
    const Bytes own = crypto::serialize(net.nodes[0].key.cert);
    CHECK(text_of(back.sent[1].message).find(hmac_line(own)) != std::string::npos);

    for (const std::string& line : logs.lines()) {
        INFO(line);
        CHECK(line.find("bob@") == std::string::npos);
        CHECK(line.find("alice@") == std::string::npos);
    }
}

TEST_CASE("node services: unauthenticated publication and unknown keys get nothing",
          "[core][service][node]") {
    TestNet net(1);
    Node& node = *net.nodes[0].node;
    const std::string body = "Subject: k\r\n\r\n" + alice_key() + kAuth + "\r\n";
    CHECK(node.accept({kAlice, {"keys@n0.example"}, ""}, as_bytes(body)).reason ==
          kServiceHandled);
    CHECK(node.accept({"bob@else.example", {"keys@n0.example"}, ""},
                      as_bytes("Subject: r\r\n\r\n" + kAlice + "\r\n" + kAuth + "\r\n"))
              .reason == kServiceHandled);
    CapturingTransport out;
    node.flush_round(out);
    CHECK(out.sent.empty());
}

TEST_CASE("node services: remailer-* answered, signed, rate limited per requester",
          "[core][admin][node]") {
    TestNet net(1);
    net.nodes[0].node.reset();
    net.open_all(high_threshold);
    Node& node = *net.nodes[0].node;
    const Envelope env{"carol@else.example", {"mixtasy@n0.example"}, ""};
    for (int i = 0; i < 3; ++i) {
        Decision d = node.accept(env, as_bytes(std::string("Subject: remailer-conf\r\n\r\n")));
        CHECK(d.reason == kServiceHandled);
    }
    CapturingTransport out;
    node.flush_round(out);
    REQUIRE(out.sent.size() == 2);  // the third is over the per-requester limit
    const std::string reply = text_of(out.sent[0].message);
    CHECK(reply.find("Subject: Re: remailer-conf\r\n") != std::string::npos);
    CHECK(reply.find("From: mixtasy@n0.example\r\n") != std::string::npos);
    CHECK(reply.find("Max-Original-Size: ") != std::string::npos);
    CHECK(reply.find(std::string("Software: ") + kNodeSoftware) != std::string::npos);
    CHECK(reply.find("-----BEGIN PGP SIGNATURE-----") != std::string::npos);

    // The operator's key, from <home>/adminkey.asc.
    {
        std::ofstream f(net.nodes[0].home / "adminkey.asc");
        f << "-----BEGIN PGP PUBLIC KEY BLOCK-----\nOPERATOR KEY\n";
    }
    node.accept({"dave@else.example", {"mixtasy@n0.example"}, ""},
                as_bytes(std::string("Subject: remailer-adminkey\r\n\r\n")));
    CapturingTransport admin;
    node.flush_round(admin);
    REQUIRE(admin.sent.size() == 1);
    CHECK(text_of(admin.sent[0].message).find("OPERATOR KEY") != std::string::npos);
}

TEST_CASE("node services: replies pooled before a restart still leave first",
          "[core][service][node]") {
    TestNet net(1);
    net.nodes[0].node.reset();
    net.open_all(high_threshold);
    net.nodes[0].node->accept({"erin@else.example", {"mixtasy@n0.example"}, ""},
                              as_bytes(std::string("Subject: remailer-help\r\n\r\n")));
    net.nodes[0].node.reset();
    net.open_all(high_threshold);
    CapturingTransport out;
    net.nodes[0].node->flush_round(out);
    REQUIRE(out.sent.size() == 1);
    CHECK(out.sent[0].recipient == "erin@else.example");
}

TEST_CASE("node services: publication refused when the socket cannot vouch for the login",
          "[core][service][node]") {
    TestNet net(1);
    net.nodes[0].node.reset();
    net.open_all([](const TestNode&, NodeOptions& o) { o.key_publication = false; });
    Node& node = *net.nodes[0].node;
    node.accept({kAlice, {"keys@n0.example"}, "alice"},
                as_bytes("Subject: k\r\n\r\n" + alice_key() + kAuth + "\r\n"));
    CapturingTransport out;
    node.flush_round(out);
    CHECK(out.sent.empty());
}

TEST_CASE("node services: ServiceDomains names the keys@ domains", "[core][service][node]") {
    TestNet net(1);
    net.nodes[0].node.reset();
    net.open_all([](const TestNode&, NodeOptions& o) {
        o.service_domains = {"Users.Example", "n0.example"};
    });
    CHECK(net.nodes[0].node->is_service_address("keys@users.example"));
    CHECK(net.nodes[0].node->is_service_address("keys@n0.example"));
    CHECK_FALSE(net.nodes[0].node->is_service_address("keys@n1.example"));
}
