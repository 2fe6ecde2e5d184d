// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/node/node.h through a real network of nodes (core_test_util.h):
// what the Node adds to peeling one message (processor_test): the replay
// cache, the pool, exit delivery, reassembly, dummies, reload.
#include <catch2/catch.hpp>

#include <fstream>
#include <utime.h>

#include "core/sender/creator.h"
#include "core_test_util.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;

namespace {

const std::string kOriginal =
    "To: bob@dest.example\r\nSubject: hello through the mixes\r\n\r\nHi Bob,\r\nthis is "
    "secret.\r\n";

Bytes create_one(TestNet& net, const std::vector<std::string>& path,
                 const std::string& original = kOriginal) {
    auto created =
        create_messages(net.ring, path, as_bytes(original), net.clock->now(), *net.random);
    if (!created) FAIL(created.error());
    REQUIRE(created->size() == 1);
    CHECK(created->front().first_hop == path.front());
    return created->front().message;
}

// Carries an original for `to` through the first three mixes of a 4-mix
// path and returns the exit's decision.
Decision to_exit(TestNet& net, const std::vector<std::string>& path, const std::string& to) {
    Bytes m = create_one(net, path, "To: " + to + "\r\nSubject: s\r\n\r\nbody\r\n");
    std::vector<CapturingTransport::Sent> out;
    for (std::size_t i = 0; i < 3; ++i) {
        REQUIRE(net.hop(path[i], m, &out).reason == "pooled");
        m = out[0].message;
    }
    return net.hop(path[3], m, &out);
}

void check_delivered(const std::vector<CapturingTransport::Sent>& out, const std::string& body) {
    REQUIRE(out.size() == 1);
    CHECK(out[0].recipient == "bob@dest.example");
    const std::string text = text_of(out[0].message);
    CHECK(text.find(body) != std::string::npos);
    CHECK(text.find("Subject: hello through the mixes") != std::string::npos);
}

}  // namespace

TEST_CASE("node: a message crosses 4 mixes and is delivered", "[core][node]") {
    TestNet net(4);
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        mix_address(3)};
    auto out = run_path(net, path, create_one(net, path));
    check_delivered(out, "Hi Bob,\r\nthis is secret.\r\n");
}

TEST_CASE("node: a message crosses 8 hops (mixes revisited, never twice in a row)",
          "[core][node]") {
    TestNet net(5);
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        mix_address(0), mix_address(3), mix_address(4),
                                        mix_address(1), mix_address(2)};
    auto out = run_path(net, path, create_one(net, path));
    check_delivered(out, "this is secret.");
}

TEST_CASE("node: own address, and the node's clock retires its subkeys", "[core][node]") {
    TestNet net(4);
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        mix_address(3)};
    Bytes msg = create_one(net, path);
    CHECK(net.at(mix_address(0)).node->is_own_address("<mixtasy@n0.example>"));
    CHECK(net.at(mix_address(0)).node->is_own_address("MIXTASY@n0.example"));
    CHECK_FALSE(net.at(mix_address(0)).node->is_own_address("mixtasy@n1.example"));
    CHECK_FALSE(net.at(mix_address(0)).node->is_own_address("postmaster@n0.example"));

    // n0's only subkey expires after two days (a wrong key and an expired
    // subkey as peel() sees them: processor_test)
    net.clock->advance(std::chrono::hours(24 * 3));
    Decision d = net.hop(mix_address(0), msg);
    CHECK(d.kind == Decision::Kind::Dropped);
    CHECK(d.reason == "no-valid-subkey");
}

TEST_CASE("node: a replayed message is destroyed, the first one is not affected", "[core][node]") {
    TestNet net(4);
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        mix_address(3)};
    Bytes msg = create_one(net, path);
    std::vector<CapturingTransport::Sent> out;
    CHECK(net.hop(mix_address(0), msg, &out).reason == "pooled");
    REQUIRE(out.size() == 1);
    CHECK(net.hop(mix_address(0), msg).reason == "replay");
    // the replay is recognised whatever the outer header and re-armoring
    CHECK(net.hop(mix_address(0), with_body(msg, binary_body(msg), mix_address(0))).reason ==
          "replay");
    // the next hop still works
    CHECK(net.hop(mix_address(1), out[0].message).reason == "pooled");
}

TEST_CASE("node: flipped ciphertext bytes destroy the message and nothing else", "[core][node]") {
    TestNet net(4);
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        mix_address(3)};
    Bytes msg = create_one(net, path);
    const Bytes body = binary_body(msg);
    // Offsets: PKESK area, SED header/prefix, early ciphertext, deep inside
    // the verified span.
    for (std::size_t offset : {3u, 40u, 90u, 160u, 200u, 400u, 2000u, 10000u, 18000u}) {
        CAPTURE(offset);
        Bytes tampered = body;
        tampered[offset] ^= 0x01;
        Decision d = net.hop(mix_address(0), with_body(msg, tampered, mix_address(0)));
        CHECK(d.kind == Decision::Kind::Dropped);
        CHECK((d.reason == "verification-failed" || d.reason == "malformed" ||
               d.reason == "no-valid-subkey"));
    }
    // The untouched message still passes: no tampered copy burnt its hash.
    CHECK(net.hop(mix_address(0), msg).reason == "pooled");
}

TEST_CASE("node: exitprivate delivers to local domains only", "[core][node]") {
    TestNet net(3);
    net.add_node("mixtasy@dest.example", {"exitprivate"});
    net.add_node("mixtasy@other.example", {"exitprivate"});
    // an exitprivate node's local domains come from options (without them
    // it refuses to open); each gets its own domain
    net.open_all([](const TestNode& n, NodeOptions& options) {
        options.local_domains = {n.address.substr(n.address.find('@') + 1)};
    });
    std::vector<CapturingTransport::Sent> out;
    for (const std::string exit : {"mixtasy@dest.example", "mixtasy@other.example"}) {
        const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2), exit};
        Bytes m = create_one(net, path);
        for (std::size_t i = 0; i < 3; ++i) {
            REQUIRE(net.hop(path[i], m, &out).reason == "pooled");
            m = out[0].message;
        }
        Decision d = net.hop(exit, m, &out);
        if (exit == "mixtasy@dest.example") {
            CHECK(d.reason == "pooled");
            check_delivered(out, "this is secret.");
        } else {
            CHECK(d.reason == "wrong-mode");
        }
    }
}

TEST_CASE("node: multipart messages are reassembled in any arrival order", "[core][node]") {
    TestNet net(4);
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        mix_address(3)};
    for (std::size_t parts : {1u, 2u, 30u}) {
        CAPTURE(parts);
        std::string original = "To: bob@dest.example\r\nSubject: big\r\n\r\n";
        std::size_t line = 0;
        while (original.size() < (parts - 1) * 20300 + 5000) {
            original += "line " + std::to_string(line++) + " of a long message for " +
                        std::to_string(parts) + " parts\r\n";
        }
        auto created =
            create_messages(net.ring, path, as_bytes(original), net.clock->now(), *net.random);
        if (!created) FAIL(created.error());
        REQUIRE(created->size() == parts);
        // Through the first three hops in order, then shuffled to the exit.
        std::vector<Bytes> at_exit;
        for (auto& c : *created) {
            Bytes m = c.message;
            std::vector<CapturingTransport::Sent> out;
            for (std::size_t i = 0; i < 3; ++i) {
                REQUIRE(net.hop(path[i], m, &out).reason == "pooled");
                REQUIRE(out.size() == 1);
                m = out[0].message;
            }
            at_exit.push_back(std::move(m));
        }
        for (std::size_t i = at_exit.size(); i > 1; --i) {
            std::swap(at_exit[i - 1], at_exit[net.random->uniform(i)]);
        }
        for (auto& m : at_exit) REQUIRE(net.hop(path[3], m).reason == "pooled");
        CapturingTransport t;
        net.at(path[3]).node->flush_round(t);
        REQUIRE(t.sent.size() == 1);
        CHECK(t.sent[0].recipient == "bob@dest.example");
        const std::string delivered = text_of(t.sent[0].message);
        const std::string body = original.substr(original.find("\r\n\r\n") + 4);
        CHECK(delivered.size() > body.size());
        CHECK(delivered.substr(delivered.size() - body.size()) == body);
    }
}

TEST_CASE("node: dummies are discarded at their last mix and burn their hash", "[core][node]") {
    TestNet net(4);
    const std::vector<std::string> path{mix_address(0), mix_address(1)};
    auto dummy = create_dummy(net.ring, path, net.clock->now(), *net.random);
    REQUIRE(dummy);
    std::vector<CapturingTransport::Sent> out;
    REQUIRE(net.hop(path[0], dummy->message, &out).reason == "pooled");
    REQUIRE(out.size() == 1);
    CHECK(net.hop(path[1], out[0].message).reason == "dummy");
    CHECK(net.hop(path[1], out[0].message).reason == "replay");
}

TEST_CASE("node: a replay at the exit does not spend the destination's rate limit",
          "[core][node]") {
    TestNet net(3);
    net.add_node("mixtasy@exit.example", {"exitpublic"});
    net.open_all([](const TestNode&, NodeOptions& options) { options.exit_rate_per_hour = 2; });
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        "mixtasy@exit.example"};
    // Carries one message to the exit's door and returns what arrives there.
    auto at_exit = [&](const std::string& original) {
        Bytes m = create_one(net, path, original);
        std::vector<CapturingTransport::Sent> out;
        for (std::size_t i = 0; i < 3; ++i) {
            REQUIRE(net.hop(path[i], m, &out).reason == "pooled");
            m = out[0].message;
        }
        return m;
    };
    const Bytes first = at_exit(kOriginal);
    const Bytes second = at_exit(kOriginal);
    std::vector<CapturingTransport::Sent> out;
    REQUIRE(net.hop("mixtasy@exit.example", first, &out).reason == "pooled");
    for (int i = 0; i < 3; ++i)
        CHECK(net.hop("mixtasy@exit.example", first, &out).reason == "replay");
    // the allowance of 2 per hour still has room for the second message
    CHECK(net.hop("mixtasy@exit.example", second, &out).reason == "pooled");
}

TEST_CASE("node: reload re-reads the known mixes the dummies go through", "[core][node]") {
    TestNet net(4);
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        mix_address(3)};
    TestNode& n0 = net.at(mix_address(0));
    const auto flush_one = [&] {
        REQUIRE(n0.node->accept(Envelope{}, create_one(net, path)).kind == Decision::Kind::Pooled);
        CapturingTransport t;
        return n0.node->flush_round(t);
    };
    // No mixes.asc: nothing to hide a flush in.
    CHECK(flush_one().dummies == 0);
    {
        std::ofstream out(n0.home / "mixes.asc", std::ios::binary);
        out << net.armored_ring;
    }
    REQUIRE(n0.node->reload());
    // Every flush sends at least one dummy beside its messages (seed 000 6.6).
    CHECK(flush_one().dummies >= 1);
}

namespace {

// Writes `armored` as `node`'s mixes.asc, stamped as refreshed at `when`.
void write_directory(TestNode& node, const std::string& armored, Instant when) {
    const auto path = node.home / "mixes.asc";
    {
        std::ofstream out(path, std::ios::binary);
        out << armored;
    }
    const struct utimbuf times {
        static_cast<time_t>(to_unix(when)), static_cast<time_t>(to_unix(when))
    };
    REQUIRE(::utime(path.c_str(), &times) == 0);
    REQUIRE(node.node->reload());
}

// The armored public keys of `addresses` among net's nodes.
std::string armored_of(TestNet& net, const std::vector<std::string>& addresses) {
    std::string out;
    for (const auto& a : addresses) out += crypto::export_public(net.at(a).key.cert);
    return out;
}

}  // namespace

TEST_CASE("node: while its directory is fresh a middleman forwards to known mixes only",
          "[core][node]") {
    TestNet net(4);
    TestNode& n0 = net.at(mix_address(0));
    // n0's directory lists n1 and n2, not n3.
    write_directory(n0, armored_of(net, {mix_address(0), mix_address(1), mix_address(2)}),
                    net.clock->now());
    const std::vector<std::string> to_unknown{mix_address(0), mix_address(3), mix_address(1),
                                              mix_address(2)};
    const std::vector<std::string> to_known{mix_address(0), mix_address(1), mix_address(3),
                                            mix_address(2)};
    Decision d = net.hop(mix_address(0), create_one(net, to_unknown));
    CHECK(d.kind == Decision::Kind::Dropped);
    CHECK(d.reason == "bad-next-hop");
    CHECK(net.hop(mix_address(0), create_one(net, to_known)).reason == "pooled");

    // A directory older than a subkey half-life (1 of 2 days) says nothing:
    // a node whose updates stopped keeps forwarding to any mix address.
    write_directory(n0, armored_of(net, {mix_address(0), mix_address(1), mix_address(2)}),
                    net.clock->now() - std::chrono::hours(25));
    CHECK(net.hop(mix_address(0), create_one(net, to_unknown)).reason == "pooled");
}

TEST_CASE("node: a replay is destroyed as a replay even when its next hop is no longer known",
          "[core][node]") {
    TestNet net(4);
    TestNode& n0 = net.at(mix_address(0));
    write_directory(n0, armored_of(net, {mix_address(0), mix_address(1), mix_address(2)}),
                    net.clock->now());
    const Bytes message =
        create_one(net, {mix_address(0), mix_address(1), mix_address(3), mix_address(2)});
    CHECK(net.hop(mix_address(0), message).reason == "pooled");
    // n1 leaves n0's directory: the first copy went, a second one is still
    // a replay, not a message with a bad next hop.
    write_directory(n0, armored_of(net, {mix_address(0), mix_address(2)}), net.clock->now());
    const Decision d = net.hop(mix_address(0), message);
    CHECK(d.kind == Decision::Kind::Dropped);
    CHECK(d.reason == "replay");
}

TEST_CASE("node: an exit refuses recipients that would route on", "[core][node]") {
    TestNet net(3);
    net.add_node("mixtasy@private.example", {"exitprivate"});
    net.open_all(
        [](const TestNode&, NodeOptions& options) { options.local_domains = {"example.net"}; });
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        "mixtasy@private.example"};
    const auto at_exit = [&](const std::string& to) { return to_exit(net, path, to); };
    CHECK(at_exit("victim@example.net").reason == "pooled");
    for (const std::string to : {"victim%evil.com@example.net", "evil.com!victim@example.net"}) {
        INFO(to);
        const Decision d = at_exit(to);
        CHECK(d.kind == Decision::Kind::Dropped);
        CHECK(d.reason == "malformed");
    }
}

TEST_CASE("node: the exit's domain and global caps come from its options", "[core][node]") {
    TestNet net(3);
    net.add_node("mixtasy@exit.example", {"exitpublic"});
    net.open_all([](const TestNode&, NodeOptions& options) {
        options.exit_domain_rate_per_hour = 1;
        options.exit_global_rate_per_hour = 2;
    });
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        "mixtasy@exit.example"};
    const auto at_exit = [&](const std::string& to) { return to_exit(net, path, to).reason; };
    CHECK(at_exit("a@one.example") == "pooled");
    CHECK(at_exit("b@one.example") == "rate-limited");  // the domain's one
    CHECK(at_exit("c@two.example") == "pooled");
    CHECK(at_exit("d@three.example") == "rate-limited");  // the exit's two
    CHECK(NodeOptions{}.exit_domain_rate_per_hour == kDefaultDomainRatePerHour);
    CHECK(NodeOptions{}.exit_global_rate_per_hour == kDefaultGlobalRatePerHour);
}
