// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/sender/creator.h through a test network: the typed refusals a
// client branches on, and the recipient read from an original's header.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/sender/creator.h"
#include "core_test_util.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;

namespace {

const std::string kOriginal = "To: bob@dest.example\r\nSubject: hi\r\n\r\nHi Bob\r\n";

CreateError::Code refusal(TestNet& net, const std::vector<std::string>& path,
                          const std::string& original = kOriginal) {
    auto made = create_messages(net.ring, path, as_bytes(original), net.clock->now(), *net.random);
    REQUIRE_FALSE(made);
    CHECK_FALSE(made.error().detail.empty());
    return made.error().code;
}

}  // namespace

TEST_CASE("creator: refusals carry a code and the one-line reason", "[core][creator]") {
    TestNet net(4);
    net.add_node("mixtasy@middle.example", {"middleman"});
    net.open_all();
    using C = CreateError::Code;
    const std::vector<std::string> ok{mix_address(0), mix_address(1), mix_address(2),
                                      mix_address(3)};
    REQUIRE(create_messages(net.ring, ok, as_bytes(kOriginal), net.clock->now(), *net.random));

    CHECK(refusal(net, {mix_address(0), mix_address(1), mix_address(2)}) == C::BadPath);
    CHECK(refusal(net, {mix_address(0), mix_address(1), mix_address(1), mix_address(2)}) ==
          C::BadPath);
    CHECK(refusal(net, {mix_address(0), mix_address(1), mix_address(2),
                        "mixtasy@nowhere.example"}) == C::UnknownMix);
    CHECK(refusal(net, {mix_address(0), mix_address(1), mix_address(2),
                        "mixtasy@middle.example"}) == C::WrongMode);
    CHECK(refusal(net, ok, "Subject: no recipient\r\n\r\nbody\r\n") == C::NoRecipient);

    auto unknown =
        create_messages(net.ring,
                        std::vector<std::string>{mix_address(0), mix_address(1), mix_address(2),
                                                 "mixtasy@nowhere.example"},
                        as_bytes(kOriginal), net.clock->now(), *net.random);
    REQUIRE_FALSE(unknown);
    CHECK(unknown.error().detail == "unknown mix mixtasy@nowhere.example");
    CHECK(std::string(to_string(unknown.error().code)) == "unknown-mix");
    CHECK_FALSE(create_dummy(net.ring, std::vector<std::string>{}, net.clock->now(), *net.random));
}

TEST_CASE("creator: the original's recipient", "[core][creator]") {
    const auto rcpt = [](const std::string& original) {
        return original_recipient(as_bytes(original));
    };
    CHECK(rcpt("To: bob@dest.example\r\n\r\n") == "bob@dest.example");
    CHECK(rcpt("Subject: x\nto:   Bob <bob@dest.example>  \n\nbody") == "bob@dest.example");
    CHECK(rcpt("To: Bob\r\n <bob@dest.example>\r\n\r\n") == "bob@dest.example");
    CHECK(rcpt("To: bob@dest.example, carol@dest.example\r\n\r\n").empty());
    CHECK(rcpt("Subject: x\r\n\r\nTo: bob@dest.example\r\n").empty());  // body, not header
    CHECK(rcpt("To:\r\nTo: bob@dest.example\r\n\r\n") == "bob@dest.example");
    CHECK(rcpt("X: y\r\nTo: bob@dest.example") == "bob@dest.example");  // no blank line
    CHECK(rcpt("").empty());
}
