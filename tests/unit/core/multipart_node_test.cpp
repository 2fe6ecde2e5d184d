// SPDX-License-Identifier: BSD-2-Clause
// Multipart sets at a real node (issue 11): the caps on waiting sets, the
// exit policy judged at part 1, one size chain from creator to store
// through four nodes, and a Mixtasy-ID namespace no attacker can share.
// Crafted parts are final mix messages sealed in one layer for the exit,
// as any sender (or attacker) can make them.
#include <catch2/catch.hpp>

#include <filesystem>
#include <string>
#include <vector>

#include <sqlite3.h>

#include "core/format/final_message.h"
#include "core/format/layer.h"
#include "core/format/mixtasy_id.h"
#include "core/format/wire_message.h"
#include "core/sender/creator.h"
#include "core_test_util.h"
#include "store/open.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;

namespace {

// A final message of the given part, sealed for `exit` alone.
Bytes crafted_part(TestNet& net, const std::string& exit, const std::string& id, PartNumber number,
                   const std::string& payload) {
    auto final_msg =
        build_final_message(MixType::Multipart, id, number, as_bytes(payload), *net.random);
    REQUIRE(final_msg);
    const crypto::Subkey* sub = net.ring.encryption_subkey(exit, net.clock->now());
    REQUIRE(sub != nullptr);
    auto layer = seal_layer(*final_msg, sub->key, *net.random);
    REQUIRE(layer);
    auto padded = pad_body(*layer, kIntermediateBodySize, *net.random);
    REQUIRE(padded);
    return transport_message("", exit, *padded);
}

// The bytes the node's database holds: its WAL checkpointed into the file
// first, since the log keeps every page a commit touched until then.
std::uintmax_t database_bytes(const TestNode& node) {
    const std::string path = (node.home / "node.db").string();
    sqlite3* db = nullptr;
    REQUIRE(sqlite3_open(path.c_str(), &db) == SQLITE_OK);
    sqlite3_busy_timeout(db, 5000);
    CHECK(sqlite3_exec(db, "PRAGMA wal_checkpoint(TRUNCATE)", nullptr, nullptr, nullptr) ==
          SQLITE_OK);
    sqlite3_close(db);
    return std::filesystem::file_size(path);
}

std::uint32_t parts_stored(const TestNode& node, const std::string& id) {
    store::SqliteOptions options;
    options.path = (node.home / "node.db").string();
    auto store = store::open_sqlite(options);
    REQUIRE(store);
    auto count = (*store)->count_parts(id);
    REQUIRE(count);
    return *count;
}

std::string original_of(std::size_t size, const std::string& to = "bob@dest.example") {
    std::string original = "To: " + to + "\r\nSubject: big\r\n\r\n";
    std::size_t line = 0;
    while (original.size() < size) original += "line " + std::to_string(line++) + " of it\r\n";
    original.resize(size);
    return original;
}

// Sends each message through path[0..3] and returns what the exit
// decided about each and what it delivered after one flush.
struct Outcome {
    std::vector<std::string> reasons;
    std::vector<CapturingTransport::Sent> delivered;
};

Outcome through(TestNet& net, const std::vector<std::string>& path,
                const std::vector<CreatedMessage>& created) {
    Outcome outcome;
    for (const CreatedMessage& c : created) {
        Bytes m = c.message;
        for (std::size_t i = 0; i + 1 < path.size(); ++i) {
            std::vector<CapturingTransport::Sent> out;
            REQUIRE(net.hop(path[i], m, &out).reason == "pooled");
            REQUIRE(out.size() == 1);
            m = std::move(out[0].message);
        }
        outcome.reasons.push_back(net.hop(path.back(), m).reason);
    }
    CapturingTransport t;
    net.at(path.back()).node->flush_round(t);
    outcome.delivered = std::move(t.sent);
    return outcome;
}

std::vector<std::string> four_hops() {
    return {mix_address(0), mix_address(1), mix_address(2), mix_address(3)};
}

}  // namespace

TEST_CASE("multipart: 40 crafted Part 1/256 messages do not grow the database past the cap",
          "[core][node][multipart]") {
    TestNet net(1);
    const std::string exit = mix_address(0);
    TestNode& node = net.at(exit);
    node.node.reset();
    net.open_all([](const TestNode&, NodeOptions& options) {
        options.max_original_bytes = 100 * 1024;
        options.multipart.max_buffer_bytes = 160 * 1024;  // about 8 parts
        options.multipart.max_window_bytes = 160 * 1024;
    });
    const std::uintmax_t before = database_bytes(node);
    std::size_t pooled = 0, capped = 0;
    for (int i = 0; i < 40; ++i) {
        const std::string id = "<flood" + std::to_string(i) + "@attacker.example>";
        const std::string payload = original_of(20000);
        Decision d = net.hop(exit, crafted_part(net, exit, id, {1, 256}, payload));
        pooled += d.reason == "pooled";
        capped += d.reason == "multipart-cap";
    }
    CHECK(pooled == 8);
    CHECK(capped == 32);
    const std::uintmax_t grown = database_bytes(node) - before;
    INFO("grown by " << grown << " bytes");
    // The parts under the cap, plus pages for replay entries: far from the
    // 800 KB the 40 parts would take.
    CHECK(grown < 160 * 1024 + 120 * 1024);
}

TEST_CASE("multipart: the exit policy destroys a set as soon as part 1 is in",
          "[core][node][multipart]") {
    TestNet net(1);
    const std::string exit = mix_address(0);
    net.at(exit).node.reset();
    net.open_all([](const TestNode&, NodeOptions& options) {
        options.blocked_destinations = {"blocked.example"};
    });
    const std::string header = "To: victim@blocked.example\r\nSubject: x\r\n\r\n";
    // Part 2 first: kept, nothing says where it goes yet.
    CHECK(net.hop(exit, crafted_part(net, exit, "<b@x>", {2, 3}, "tail")).reason == "pooled");
    CHECK(parts_stored(net.at(exit), "<b@x>") == 1);
    // Part 1 names a blocked destination: the whole set goes at once.
    CHECK(net.hop(exit, crafted_part(net, exit, "<b@x>", {1, 3}, header)).reason == "blocked");
    CHECK(parts_stored(net.at(exit), "<b@x>") == 0);
    // Its remaining parts are refused, never stored.
    CHECK(net.hop(exit, crafted_part(net, exit, "<b@x>", {3, 3}, "end")).reason == "discarded-set");
    CHECK(parts_stored(net.at(exit), "<b@x>") == 0);
    // A set to an allowed destination is kept.
    CHECK(net.hop(exit, crafted_part(net, exit, "<ok@x>", {1, 2}, "To: bob@dest.example\r\n\r\n"))
              .reason == "pooled");
    CHECK(parts_stored(net.at(exit), "<ok@x>") == 1);
}

TEST_CASE("multipart: exitprivate judges part 1 against its local domains",
          "[core][node][multipart]") {
    TestNet net(0);
    const std::string exit = "mixtasy@local.example";
    net.add_node(exit, {"exitprivate"});
    net.open_all(
        [](const TestNode&, NodeOptions& options) { options.local_domains = {"local.example"}; });
    CHECK(net.hop(exit, crafted_part(net, exit, "<p@x>", {1, 2}, "To: a@elsewhere.example\r\n\r\n"))
              .reason == "wrong-mode");
    CHECK(parts_stored(net.at(exit), "<p@x>") == 0);
    CHECK(net.hop(exit, crafted_part(net, exit, "<q@x>", {1, 2}, "To: a@local.example\r\n\r\n"))
              .reason == "pooled");
}

TEST_CASE("multipart: an original of the maximum size crosses 4 nodes, one byte more does not",
          "[core][node][multipart]") {
    TestNet net(4);
    const auto path = four_hops();
    SECTION("just under the limit: delivered whole") {
        const std::string original = original_of(kMaxOriginalSize);
        auto created =
            create_messages(net.ring, path, as_bytes(original), net.clock->now(), *net.random);
        if (!created) FAIL(created.error().detail);
        CHECK(created->size() > 50);
        Outcome out = through(net, path, *created);
        for (const auto& reason : out.reasons) REQUIRE(reason == "pooled");
        REQUIRE(out.delivered.size() == 1);
        const std::string text = text_of(out.delivered[0].message);
        const std::string body = original.substr(original.find("\r\n\r\n") + 4);
        CHECK(text.substr(text.size() - body.size()) == body);
    }
    SECTION("just over: the creator refuses it") {
        const std::string original = original_of(kMaxOriginalSize + 1);
        auto created =
            create_messages(net.ring, path, as_bytes(original), net.clock->now(), *net.random);
        REQUIRE_FALSE(created);
        CHECK(created.error().code == CreateError::Code::TooLarge);
    }
    SECTION("just over from a sender with a larger limit: the exit destroys the set") {
        const std::string original = original_of(kMaxOriginalSize + 1);
        auto created = create_messages(net.ring, path, as_bytes(original), net.clock->now(),
                                       *net.random, 2 * kMaxOriginalSize);
        if (!created) FAIL(created.error().detail);
        Outcome out = through(net, path, *created);
        CHECK(out.delivered.empty());
        // Kept until the part that crosses the limit, then destroyed; the
        // rest refused.  The last part would have crossed it.
        CHECK(out.reasons.back() == "dropped-set");
        std::size_t kept = 0;
        for (const auto& reason : out.reasons) kept += reason == "pooled";
        CHECK(kept == created->size() - 1);
    }
}

TEST_CASE("multipart: an attacker's part 2 sent first never ends up in a delivery",
          "[core][node][multipart]") {
    TestNet net(4);
    const auto path = four_hops();
    const std::string original = original_of(30000);
    auto created =
        create_messages(net.ring, path, as_bytes(original), net.clock->now(), *net.random);
    REQUIRE(created);
    REQUIRE(created->size() == 2);
    // The attacker learnt the id (say, as an earlier exit of a resent copy).
    TestNode& exit = net.at(path[3]);
    Bytes at_exit = (*created)[0].message;
    for (std::size_t i = 0; i < 3; ++i) {
        std::vector<CapturingTransport::Sent> out;
        REQUIRE(net.hop(path[i], at_exit, &out).reason == "pooled");
        at_exit = out[0].message;
    }
    const auto keys_modes = check_mix_key(exit.key.cert);
    REQUIRE(keys_modes);
    const Peeled peeled = peel(at_exit, exit.key, NodeIdentity{exit.address, keys_modes->modes},
                               net.clock->now(), *net.random);
    REQUIRE(peeled.kind == Peeled::Kind::Final);
    const std::string id = peeled.fields.mixtasy_id;
    REQUIRE(check_id_binding(id, as_bytes(original)) == IdBinding::Matches);

    CHECK(
        net.hop(exit.address, crafted_part(net, exit.address, id, {2, 2}, "ATTACKER'S CONTENT\r\n"))
            .reason == "pooled");
    CHECK(net.hop(exit.address, at_exit).reason == "dropped-set");  // binding fails
    // The genuine part 2 starts no second set under the id.
    Outcome rest = through(net, path, {(*created)[1]});
    CHECK(rest.reasons[0] == "discarded-set");
    CHECK(rest.delivered.empty());
    CHECK(parts_stored(exit, id) == 0);
}

TEST_CASE("multipart: a second copy of a part number is destroyed, the first stays",
          "[core][node][multipart]") {
    TestNet net(1);
    const std::string exit = mix_address(0);
    DeterministicRandom random(11);
    const std::string part1 = "To: bob@dest.example\r\nSubject: x\r\n\r\nfirst half, ";
    const std::string part2 = "second half\r\n";
    const std::string id = bound_mixtasy_id(as_bytes(part1 + part2), random);
    CHECK(net.hop(exit, crafted_part(net, exit, id, {1, 2}, part1)).reason == "pooled");
    CHECK(
        net.hop(exit, crafted_part(net, exit, id, {1, 2}, "To: eve@evil.example\r\n\r\n")).reason ==
        "duplicate-part");
    std::vector<CapturingTransport::Sent> out;
    CHECK(net.hop(exit, crafted_part(net, exit, id, {2, 2}, part2), &out).reason == "pooled");
    REQUIRE(out.size() == 1);
    CHECK(out[0].recipient == "bob@dest.example");
    CHECK(text_of(out[0].message).find("first half, second half") != std::string::npos);
}

TEST_CASE("multipart: a complete set sent twice with fresh layers is delivered once",
          "[core][node][multipart]") {
    TestNet net(1);
    const std::string exit = mix_address(0);
    const std::string id = "<same-id@sender.example>";
    const std::string part1 = "To: bob@dest.example\r\n\r\nonce ", part2 = "only\r\n";
    std::size_t delivered = 0;
    std::vector<std::string> reasons;
    for (int copy = 0; copy < 2; ++copy) {
        reasons.push_back(net.hop(exit, crafted_part(net, exit, id, {1, 2}, part1)).reason);
        std::vector<CapturingTransport::Sent> out;
        reasons.push_back(net.hop(exit, crafted_part(net, exit, id, {2, 2}, part2), &out).reason);
        delivered += out.size();
    }
    CHECK(delivered == 1);
    CHECK(reasons ==
          std::vector<std::string>{"pooled", "pooled", "discarded-set", "discarded-set"});
}

TEST_CASE("multipart: a node refuses caps that no original of its maximum size fits",
          "[core][node][multipart]") {
    TestNet net(1);
    TestNode& node = net.nodes.front();
    node.node.reset();
    NodeOptions options;
    options.home = node.home.string();
    options.max_original_bytes = 16 * 1024 * 1024;  // over the default window bytes
    auto refused = Node::open(options, NodeServices{net.clock, net.random});
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == OpenError::Code::Options);
    CHECK(refused.error().detail.rfind("multipart: ", 0) == 0);
    options.multipart.max_window_bytes = 16 * 1024 * 1024;
    CHECK(Node::open(options, NodeServices{net.clock, net.random}));
}
