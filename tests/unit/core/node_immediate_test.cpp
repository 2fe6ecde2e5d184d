// SPDX-License-Identifier: BSD-2-Clause
// node_immediate_test.cpp - Node::accept_immediate and NodeOptions::
// recover_in_flight, which `mixtasy process --immediate` uses on a home a
// running daemon may share; and Node::reconfigure, which SIGUSR1 uses.
#include <catch2/catch.hpp>

#include "core/sender/creator.h"
#include "core_test_util.h"
#include "store/open.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;

namespace {

const std::string kOriginal = "To: bob@dest.example\r\nSubject: s\r\n\r\nbody\r\n";

Bytes create_one(TestNet& net, const std::string& original = kOriginal) {
    auto created = create_messages(net.ring, net.addresses(), as_bytes(original), net.clock->now(),
                                   *net.random);
    if (!created) FAIL(created.error());
    REQUIRE(created->size() == 1);
    return created->front().message;
}

std::unique_ptr<store::Store> open_store(const TestNode& n) {
    store::SqliteOptions options;
    options.path = (n.home / "node.db").string();
    auto opened = store::open_sqlite(options);
    REQUIRE(opened);
    return std::move(*opened);
}

std::unique_ptr<Node> open_second(TestNet& net, const TestNode& n, bool recover) {
    NodeOptions options;
    options.home = n.home.string();
    options.recover_in_flight = recover;
    auto opened = Node::open(options, NodeServices{net.clock, net.random});
    if (!opened) FAIL(opened.error().detail);
    return std::move(*opened);
}

}  // namespace

TEST_CASE("node: accept_immediate sends what its message made, and leaves the pool alone",
          "[core][node][immediate]") {
    TestNet net(4);
    TestNode& first = net.nodes.front();
    const Envelope envelope{"", {first.address}};
    // The daemon's state: two rows pooled, one of them in flight.
    REQUIRE(first.node->accept(envelope, create_one(net)).kind == Decision::Kind::Pooled);
    REQUIRE(first.node->accept(envelope, create_one(net)).kind == Decision::Kind::Pooled);
    auto daemon_store = open_store(first);
    auto in_flight = daemon_store->claim_random_ready(to_unix(net.clock->now()), 1,
                                                      [](std::uint64_t) { return 0; });
    REQUIRE(in_flight);
    REQUIRE(in_flight->size() == 1);

    // `mixtasy process --immediate` on the same home.
    auto process = open_second(net, first, false);
    CapturingTransport out;
    const Decision d = process->accept_immediate(envelope, create_one(net), out);
    CHECK(d.kind == Decision::Kind::Pooled);
    REQUIRE(out.sent.size() == 1);
    CHECK(out.sent[0].recipient == net.nodes[1].address);
    CHECK(daemon_store->count_in_state(store::PoolState::Sending).value() == 1);
    CHECK(daemon_store->count_in_state(store::PoolState::Pooled).value() == 1);
    // The replay cache is the home's: the same message again is destroyed.
    const Bytes again = create_one(net);
    CHECK(first.node->accept(envelope, again).kind == Decision::Kind::Pooled);
    CapturingTransport none;
    CHECK(process->accept_immediate(envelope, again, none).kind == Decision::Kind::Dropped);
    CHECK(none.sent.empty());
}

TEST_CASE("node: recover_in_flight decides whether open() takes rows in flight back",
          "[core][node][immediate]") {
    TestNet net(4);
    TestNode& first = net.nodes.front();
    REQUIRE(first.node->accept(Envelope{"", {first.address}}, create_one(net)).kind ==
            Decision::Kind::Pooled);
    auto daemon_store = open_store(first);
    REQUIRE(daemon_store
                ->claim_random_ready(to_unix(net.clock->now()), 1, [](std::uint64_t) { return 0; })
                .value()
                .size() == 1);
    open_second(net, first, false);
    CHECK(daemon_store->count_in_state(store::PoolState::Sending).value() == 1);
    open_second(net, first, true);  // the daemon's own start
    CHECK(daemon_store->count_in_state(store::PoolState::Sending).value() == 0);
}

TEST_CASE("node: reconfigure applies a new exit policy and pool to the running node",
          "[core][node][reload]") {
    TestNet net(4, {"middleman", "exitpublic"});
    const std::vector<std::string> path = net.addresses();
    TestNode& exit = net.nodes.back();
    auto deliver_at_exit = [&](const std::string& original) {
        Bytes message = create_one(net, original);
        for (std::size_t i = 0; i + 1 < path.size(); ++i) {
            std::vector<CapturingTransport::Sent> out;
            REQUIRE(net.hop(path[i], message, &out).kind == Decision::Kind::Pooled);
            REQUIRE(out.size() == 1);
            message = out[0].message;
        }
        return net.hop(exit.address, message);
    };
    CHECK(deliver_at_exit(kOriginal).kind == Decision::Kind::Pooled);

    NodeOptions options;
    options.home = exit.home.string();
    options.blocked_destinations = {"dest.example"};
    options.pool.interval = std::chrono::seconds(42);
    REQUIRE(exit.node->reconfigure(options));
    CHECK(exit.node->flush_interval() == std::chrono::seconds(42));
    CHECK(deliver_at_exit(kOriginal).kind == Decision::Kind::Dropped);  // now blocked

    // A policy that cannot be built leaves the running one whole.
    options.anonymous_from = "bad\r\nInjected: yes";
    CHECK_FALSE(exit.node->reconfigure(options));
    CHECK(exit.node->flush_interval() == std::chrono::seconds(42));
    CHECK(deliver_at_exit(kOriginal).kind == Decision::Kind::Dropped);
}
