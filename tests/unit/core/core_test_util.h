// SPDX-License-Identifier: BSD-2-Clause
// core_test_util.h - a small mix network in a temporary directory for the
// tests of creation and node processing: real keys (crypto keygen), real
// SQLite stores, a manual clock, a seeded Random, a capturing Transport.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/format/mix_format.h"
#include "core/keys/key_home.h"
#include "core/keys/keyring.h"
#include "core/keys/node_key.h"
#include "core/node/node.h"
#include "core/node/processor.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "crypto/armor.h"
#include "crypto/key_io.h"
#include "tests/unit/temp_dir.h"
#include "wire_bytes.h"

namespace mixtasy::core::testing {

using mixtasy::testing::TempDir;

inline constexpr std::int64_t kTestEpoch = 1'800'000'000;  // 2027-01-15

class CapturingTransport final : public Transport {
public:
    struct Sent {
        std::string from, recipient;
        Bytes message;
    };
    SendResult send(const OutgoingMessage& msg) override {
        sent.push_back(
            {msg.envelope_from, msg.recipient, Bytes(msg.message.begin(), msg.message.end())});
        return SendResult::Accepted;
    }
    std::vector<Sent> sent;
};

struct TestNode {
    std::string address;
    std::filesystem::path home;
    crypto::SecretCertificate key;
    std::unique_ptr<Node> node;
};

inline std::string mix_address(std::size_t i) {
    return "mixtasy@n" + std::to_string(i) + ".example";
}

// n nodes with the given modes each; every node knows the others' keys.
class TestNet {
public:
    // `epoch`: the test clock's start; keys are made an hour before it.
    explicit TestNet(std::size_t n, std::vector<std::string> modes = {"middleman", "exitpublic"},
                     std::int64_t epoch = kTestEpoch)
        : epoch_(epoch),
          clock(std::make_shared<ManualClock>(from_unix(epoch))),
          random(std::make_shared<DeterministicRandom>(42)) {
        for (std::size_t i = 0; i < n; ++i) add_node(mix_address(i), modes);
        open_all();
    }

    void add_node(const std::string& address, const std::vector<std::string>& modes) {
        NodeKeyParams params;
        params.address = address;
        params.modes = modes;
        params.created = static_cast<crypto::Timestamp>(epoch_ - 3600);
        auto key = generate_node_key(params, *random);
        REQUIRE(key);
        TestNode node{address, dir.path() / address, std::move(*key), nullptr};
        REQUIRE(save_node_key(node.home, node.key));
        armored_ring += crypto::export_public(node.key.cert);
        nodes.push_back(std::move(node));
    }

    // Opens every node not yet open, with a pool that sends everything at
    // once; `adjust` may change a node's options first.
    void open_all(const std::function<void(const TestNode&, NodeOptions&)>& adjust = {}) {
        ring = KeyRing::parse(armored_ring);
        REQUIRE(ring.rejected().empty());
        for (auto& n : nodes) {
            if (n.node) continue;
            NodeOptions options;
            options.home = n.home.string();
            options.pool.min_pool = 0;
            options.pool.fraction = 1.0;
            if (adjust) adjust(n, options);
            auto opened = Node::open(options, NodeServices{clock, random});
            if (!opened) FAIL(opened.error().detail);
            n.node = std::move(*opened);
        }
    }

    TestNode& at(const std::string& address) {
        auto it =
            std::find_if(nodes.begin(), nodes.end(), [&](auto& n) { return n.address == address; });
        REQUIRE(it != nodes.end());
        return *it;
    }

    // accept() at `address`; if pooled, flush and return what left the node.
    Decision hop(const std::string& address, ByteView message,
                 std::vector<CapturingTransport::Sent>* out = nullptr) {
        TestNode& n = at(address);
        Decision d = n.node->accept(Envelope{"someone@sender.example", {address}}, message);
        if (d.kind == Decision::Kind::Pooled && out != nullptr) {
            CapturingTransport t;
            n.node->flush_round(t);
            *out = std::move(t.sent);
        }
        return d;
    }

    // The ring as the nodes' key files now have it (after rotations).
    void refresh_ring() {
        armored_ring.clear();
        for (auto& n : nodes) {
            auto cert = load_node_certificate(n.home);
            REQUIRE(cert);
            armored_ring += crypto::export_public(*cert);
        }
        ring = KeyRing::parse(armored_ring);
        REQUIRE(ring.rejected().empty());
    }

    std::vector<std::string> addresses() const {
        std::vector<std::string> out;
        for (auto& n : nodes) out.push_back(n.address);
        return out;
    }

    std::int64_t epoch_;
    TempDir dir;
    std::shared_ptr<ManualClock> clock;
    std::shared_ptr<DeterministicRandom> random;
    std::vector<TestNode> nodes;
    std::string armored_ring;
    KeyRing ring;
};

// A transport message with its binary body replaced.
inline Bytes with_body(ByteView /*message*/, ByteView binary, const std::string& to) {
    return transport_message("", to, binary);
}

// Runs one message along `path`; returns the exit's deliveries.
inline std::vector<CapturingTransport::Sent> run_path(TestNet& net,
                                                      const std::vector<std::string>& path,
                                                      Bytes message) {
    for (std::size_t i = 0; i < path.size(); ++i) {
        CAPTURE(i);
        CHECK(binary_body(message).size() == kIntermediateBodySize);
        std::vector<CapturingTransport::Sent> out;
        Decision d = net.hop(path[i], message, &out);
        REQUIRE(d.reason == "pooled");
        REQUIRE(out.size() == 1);
        if (i + 1 == path.size()) return out;
        CHECK(out[0].recipient == path[i + 1]);
        CHECK(out[0].from == path[i]);
        message = out[0].message;
    }
    return {};
}

}  // namespace mixtasy::core::testing
