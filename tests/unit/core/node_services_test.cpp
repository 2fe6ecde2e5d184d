// SPDX-License-Identifier: BSD-2-Clause
// node_services_test.cpp - the Node answers keys@ (seed 004) and the
// remailer-* commands (core/node/service_desk.h): stored keys, HMACs over
// the binary key, signed replies that leave at the next flush whatever the
// pool threshold, rate limits, and log lines without the requester.
#include <catch2/catch.hpp>

#include <botan/base64.h>

#include "core/publish/key_service.h"
#include <fstream>

#include "core/keys/mode_change.h"
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

TEST_CASE("node services: remailer-conf reports what a reload changed", "[core][admin][reload]") {
    TestNet net(1);
    net.nodes[0].node.reset();
    net.open_all(high_threshold);
    Node& node = *net.nodes[0].node;
    NodeOptions options;
    options.home = net.nodes[0].home.string();
    options.pool.interval = std::chrono::seconds(42);
    options.pool.min_pool = 77;
    options.pool.min_keep = 3;
    options.pool.fraction = 0.5;
    options.max_message_bytes = 123456;
    options.blocked_destinations = {"dest.example"};
    options.exit_rate_per_hour = 9;
    REQUIRE(node.reconfigure(options));  // what SIGUSR1 calls with the re-read file
    node.accept({"frank@else.example", {"mixtasy@n0.example"}, ""},
                as_bytes(std::string("Subject: remailer-conf\r\n\r\n")));
    CapturingTransport out;
    node.flush_round(out);
    REQUIRE(out.sent.size() == 1);
    const std::string reply = text_of(out.sent[0].message);
    for (const char* line : {"Pool-Interval: 42\r\n", "Pool-Min-Messages: 77\r\n",
                             "Pool-Min-Keep: 3\r\n", "Pool-Fraction: 0.5\r\n",
                             "Max-Message-Size: 123456\r\n", "Blocked-Destinations: 1\r\n",
                             "Exit-Rate-Per-Hour: 9\r\n"}) {
        INFO(line);
        CHECK(reply.find(line) != std::string::npos);
    }
}

TEST_CASE("node services: a reply the MTA refused for now still leaves outside the pool",
          "[core][service][node]") {
    TestNet net(1);
    net.nodes[0].node.reset();
    net.open_all(high_threshold);  // the pool alone would send nothing
    Node& node = *net.nodes[0].node;
    node.accept({"gina@else.example", {"mixtasy@n0.example"}, ""},
                as_bytes(std::string("Subject: remailer-help\r\n\r\n")));
    FakeTransport refusing;
    refusing.answer = [](const std::string&) { return SendResult::TempFail; };
    CHECK(node.flush_round(refusing).failed == 1);
    FakeTransport out;
    node.flush_round(out);  // its retry time has not come
    CHECK(out.attempts.empty());
    net.clock->advance(RetryParameters{}.retry_base);
    const FlushReport report = node.flush_round(out);
    REQUIRE(out.accepted.size() == 1);
    CHECK(out.accepted[0].recipient == "gina@else.example");
    CHECK(report.sent == 1);
    node.flush_round(out);  // sent once, and then settled
    CHECK(out.attempts.size() == 1);
}

TEST_CASE("node services: remailer-conf reports the modes of a reloaded key",
          "[core][admin][reload]") {
    TestNet net(1, {"middleman"});
    net.nodes[0].node.reset();
    net.open_all(high_threshold);
    Node& node = *net.nodes[0].node;
    net.clock->advance(std::chrono::seconds(2));  // the new self-signature after the first
    REQUIRE(change_modes(net.nodes[0].home, {"middleman", "exitpublic"}, net.clock->now(),
                         *net.random));  // what `mixtasy key mode` does
    REQUIRE(node.reload());              // what SIGUSR1 does
    node.accept({"hank@else.example", {"mixtasy@n0.example"}, ""},
                as_bytes(std::string("Subject: remailer-conf\r\n\r\n")));
    CapturingTransport out;
    node.flush_round(out);
    REQUIRE(out.sent.size() == 1);
    CHECK(text_of(out.sent[0].message).find("Modes: middleman, exitpublic\r\n") !=
          std::string::npos);
}
