// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/keys/key_rotation.h: the subkey schedule of seed 000 section 6.3
// on a key, on the key files, and through a network of nodes whose keys
// rotate while messages are under way.
#include "core/keys/key_rotation.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <thread>

#include "core/keys/key_home.h"
#include "core/keys/node_key.h"
#include "core/sender/creator.h"
#include "crypto/keygen.h"
#include "tests/unit/core/core_test_util.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;

namespace {

constexpr std::int64_t kDay = 24 * 3600;
constexpr std::int64_t kCreated = kTestEpoch - 3600;  // TestNet's keys

crypto::SecretCertificate fresh_key(Random& random) {
    NodeKeyParams params;
    params.address = "mixtasy@rot.example";
    params.modes = {"middleman"};
    params.created = static_cast<crypto::Timestamp>(kCreated);
    auto key = generate_node_key(params, random);
    REQUIRE(key);
    return std::move(*key);
}

RotationReport rotate_at(crypto::SecretCertificate& key, std::int64_t t, Random& random) {
    auto r = rotate_subkeys(key, from_unix(t), kDefaultSubkeyValidity, random);
    if (!r) FAIL(describe(r.error()));
    return *r;
}

std::size_t valid_at(const crypto::SecretCertificate& key, std::int64_t t) {
    return crypto::valid_encryption_subkeys(
               key.cert, std::chrono::system_clock::time_point(std::chrono::seconds(t)))
        .size();
}

}  // namespace

TEST_CASE("key rotation: a successor at half-life, expired subkeys wiped", "[core][rotation]") {
    DeterministicRandom random(7);
    auto key = fresh_key(random);
    const auto first = key.cert.subkeys.at(0).key.fingerprint;

    CHECK_FALSE(rotate_at(key, kCreated, random).changed());
    CHECK_FALSE(rotate_at(key, kCreated + kDay - 1, random).changed());

    auto half = rotate_at(key, kCreated + kDay, random);
    CHECK(half.added == 1);
    CHECK(half.removed == 0);
    REQUIRE(key.cert.subkeys.size() == 2);
    REQUIRE(key.subkeys.size() == 2);
    // Senders take the newest valid subkey: the successor.
    const auto at_half =
        std::chrono::system_clock::time_point(std::chrono::seconds(kCreated + kDay));
    CHECK(crypto::valid_encryption_subkeys(key.cert, at_half).front()->key.fingerprint != first);
    CHECK_FALSE(rotate_at(key, kCreated + kDay, random).changed());  // once per half-life

    // The first subkey is valid up to its expiry, then it is wiped; the
    // successor reaches its own half-life at that moment.
    CHECK_FALSE(rotate_at(key, kCreated + 2 * kDay - 1, random).changed());
    CHECK(valid_at(key, kCreated + 2 * kDay - 1) == 2);
    auto expiry = rotate_at(key, kCreated + 2 * kDay, random);
    CHECK(expiry.removed == 1);
    CHECK(expiry.added == 1);
    REQUIRE(key.cert.subkeys.size() == 2);
    for (const auto& sub : key.cert.subkeys) CHECK(sub.key.fingerprint != first);
    CHECK(key.find_subkey(first) == nullptr);  // its secret is gone
}

TEST_CASE("key rotation: a node down for days gets one new subkey, never more than the limit",
          "[core][rotation]") {
    DeterministicRandom random(8);
    auto key = fresh_key(random);
    auto late = rotate_at(key, kCreated + 5 * kDay, random);
    CHECK(late.removed == 1);
    CHECK(late.added == 1);
    CHECK(key.cert.subkeys.size() == 1);
    CHECK(valid_at(key, kCreated + 5 * kDay) == 1);
    // A year of hourly upkeep keeps at most two subkeys.
    for (std::int64_t t = kCreated + 5 * kDay; t < kCreated + 370 * kDay; t += 3600) {
        rotate_at(key, t, random);
        REQUIRE(key.cert.subkeys.size() <= 2);
        REQUIRE(valid_at(key, t) >= 1);
    }
}

TEST_CASE("key rotation: refusals", "[core][rotation]") {
    DeterministicRandom random(9);
    auto key = fresh_key(random);
    CHECK_FALSE(
        rotate_subkeys(key, from_unix(kCreated + 3 * kDay), std::chrono::seconds(0), random));
    CHECK_FALSE(rotate_subkeys(key, from_unix(kCreated - 10), kDefaultSubkeyValidity, random));
    using Code = RotationError::Code;
    const auto code_of = [&](crypto::SecretCertificate& k, std::int64_t t,
                             std::chrono::seconds validity) {
        auto r = rotate_subkeys(k, from_unix(t), validity, random);
        REQUIRE(!r);
        return r.error().code;
    };
    CHECK(code_of(key, kCreated + 3 * kDay, std::chrono::seconds(0)) == Code::BadValidity);
    CHECK(code_of(key, kCreated - 10, kDefaultSubkeyValidity) == Code::ClockOutOfRange);
    auto revoked = key;
    revoked.cert.revoked = true;
    CHECK_FALSE(
        rotate_subkeys(revoked, from_unix(kCreated + 3 * kDay), kDefaultSubkeyValidity, random));
    CHECK(revoked.cert.subkeys.size() == 1);  // nothing added to a dead key
    CHECK(code_of(revoked, kCreated + 3 * kDay, kDefaultSubkeyValidity) == Code::PrimaryUnusable);
    CHECK(describe(rotate_subkeys(revoked, from_unix(kCreated + 3 * kDay), kDefaultSubkeyValidity,
                                  random)
                       .error()) ==
          "the node's primary key is expired or revoked; it needs a new key");
    auto expired = key;
    expired.cert.expires = static_cast<crypto::Timestamp>(kCreated + kDay);
    CHECK_FALSE(
        rotate_subkeys(expired, from_unix(kCreated + 3 * kDay), kDefaultSubkeyValidity, random));
    TempDir dir;
    CHECK_FALSE(maintain_key_home((dir.path() / "none").string(), from_unix(kCreated),
                                  kDefaultSubkeyValidity, random));
    auto no_home = maintain_key_home((dir.path() / "none").string(), from_unix(kCreated),
                                     kDefaultSubkeyValidity, random);
    REQUIRE(!no_home);
    CHECK(no_home.error().code == Code::KeyFiles);
    // Issue 15: the home by name and the OS's reason, not "io_error at
    // offset 0: open none/.lock".
    CHECK(describe(no_home.error()) ==
          "node key: key home " + (dir.path() / "none").string() + ": No such file or directory");
    CHECK(std::string(to_string(Code::PrimaryUnusable)) == "primary-unusable");
}

TEST_CASE("key rotation: the key files change under a lock, once for two maintainers",
          "[core][rotation]") {
    TempDir dir;
    DeterministicRandom random(10);
    const auto home = dir.path() / "node";
    REQUIRE(save_node_key(home, fresh_key(random)));

    auto unchanged =
        maintain_key_home(home.string(), from_unix(kCreated + 60), kDefaultSubkeyValidity, random);
    REQUIRE(unchanged);
    CHECK_FALSE(unchanged->report.changed());

    std::atomic<std::size_t> added{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
        threads.emplace_back([&] {
            auto m = maintain_key_home(home.string(), from_unix(kCreated + kDay),
                                       kDefaultSubkeyValidity, random);
            if (m) added += m->report.added;
        });
    }
    for (auto& t : threads) t.join();
    CHECK(added == 1);
    auto on_disk = load_node_key(home);
    REQUIRE(on_disk);
    CHECK(on_disk->cert.subkeys.size() == 2);
    auto published = load_node_certificate(home);
    REQUIRE(published);
    CHECK(published->subkeys.size() == 2);  // public.asc carries the successor
}

TEST_CASE("node: messages keep flowing while every node's subkeys rotate",
          "[core][rotation][node]") {
    TestNet net(4);
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        mix_address(3)};
    const std::string original = "To: bob@dest.example\r\nSubject: rotation\r\n\r\nstill here\r\n";
    const auto make = [&] {
        auto created =
            create_messages(net.ring, path, as_bytes(original), net.clock->now(), *net.random);
        if (!created) FAIL(created.error());
        return created->front().message;
    };
    const Bytes to_first_subkeys = make();
    const Bytes sent_late = make();

    // Half-life: each node adds a successor and says so; senders who fetch
    // the new public keys encrypt to it.
    net.clock->advance(std::chrono::seconds(kDay - 3600));
    for (auto& n : net.nodes) {
        auto r = n.node->maintain_keys();
        if (!r) FAIL(r.error());
        CHECK(r->added == 1);
    }
    net.refresh_ring();
    const Bytes to_successors = make();
    CHECK(run_path(net, path, to_first_subkeys).size() == 1);  // old subkeys still decrypt
    CHECK(run_path(net, path, to_successors).size() == 1);

    // The first subkeys expire and are wiped: mail to them is destroyed,
    // mail to their successors is not.
    net.clock->advance(std::chrono::seconds(kDay));
    for (auto& n : net.nodes) {
        auto r = n.node->maintain_keys();
        if (!r) FAIL(r.error());
        CHECK(r->removed == 1);
    }
    CHECK(net.hop(mix_address(0), sent_late).reason == "no-valid-subkey");
    net.refresh_ring();
    CHECK(run_path(net, path, make()).size() == 1);

    // A node opened afresh from its files has the rotated key.
    NodeOptions options;
    options.home = net.nodes[0].home.string();
    options.database = (net.dir.path() / "reopened.db").string();
    auto reopened = Node::open(options, NodeServices{net.clock, net.random});
    REQUIRE(reopened);
    auto on_disk = load_node_key(net.nodes[0].home);
    REQUIRE(on_disk);
    CHECK(on_disk->cert.subkeys.size() == 2);
}
