// SPDX-License-Identifier: BSD-2-Clause
// node_open_test.cpp - Node::open's typed error: which part failed, with
// the same one-line reason the logs always showed.
#include <catch2/catch.hpp>

#include <filesystem>

#include "core_test_util.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;

TEST_CASE("node open: a home without a key is a Keys error", "[node_open]") {
    TempDir dir;
    NodeOptions options;
    options.home = (dir.path() / "empty-home").string();
    std::filesystem::create_directories(options.home);
    auto opened = Node::open(options);
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == OpenError::Code::Keys);
    CHECK(opened.error().detail.rfind("node key", 0) == 0);
    CHECK_FALSE(opened.error().store_error.has_value());
    CHECK(std::string(to_string(opened.error().code)) == "keys");
}

TEST_CASE("node open: an unusable database is a Store error with the store's code", "[node_open]") {
    TestNet net(1);
    NodeOptions options;
    options.home = net.nodes[0].home.string();
    options.database = (net.dir.path() / "no-such-dir" / "node.db").string();
    auto opened = Node::open(options, NodeServices{net.clock, net.random});
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == OpenError::Code::Store);
    CHECK(opened.error().detail.rfind("store: ", 0) == 0);
    REQUIRE(opened.error().store_error.has_value());
    CHECK(opened.error().store_error->code == store::StoreError::Code::Io);
    CHECK(opened.error().store_error->temporary());
    CHECK(std::string(to_string(opened.error().code)) == "store");
}

TEST_CASE("node open: contradicting exit options are an Options error", "[node_open]") {
    TestNet net(0);
    net.add_node(mix_address(0), {"exitprivate"});
    NodeOptions options;
    options.home = net.nodes[0].home.string();
    options.database = (net.dir.path() / "exit.db").string();  // exitprivate, no local_domains
    auto opened = Node::open(options, NodeServices{net.clock, net.random});
    REQUIRE_FALSE(opened);
    CHECK(opened.error().code == OpenError::Code::Options);
    CHECK(opened.error().detail.rfind("exit policy: ", 0) == 0);
}
