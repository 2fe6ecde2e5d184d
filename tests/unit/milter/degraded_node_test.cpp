// SPDX-License-Identifier: BSD-2-Clause
// degraded_node_test.cpp - the daemon keeps running without its keys or
// store: ordinary mail passes, mail to the node's addresses is deferred,
// the Error line is bounded, and a later open recovers (issue 15).
#include <catch2/catch.hpp>

#include <memory>

#include "fakes.h"
#include "milter/degraded_node.h"
#include "milter/log.h"
#include "milter/message_filter.h"

using namespace mixtasy;
using namespace mixtasy::milter;
using mixtasy::milter::testing::FakeContext;
using mixtasy::milter::testing::FakeNode;

namespace {

using Opened = Expected<std::unique_ptr<core::Node>, core::OpenError>;

// An opener that fails until `works` is set, counting its calls.
struct Opener {
    bool works = false;
    int calls = 0;
    FakeNode* opened = nullptr;
    SwitchingNode::Opener fn() {
        return [this]() -> Opened {
            ++calls;
            if (!works)
                return Unexpected{core::OpenError{core::OpenError::Code::Keys,
                                                  "cannot read /k/secret.asc: Permission denied",
                                                  std::nullopt}};
            auto node = std::make_unique<FakeNode>();
            opened = node.get();
            return std::unique_ptr<core::Node>(std::move(node));
        };
    }
};

struct Capture {
    std::vector<std::string> errors;
    Capture() {
        log_capture([this](LogLevel level, std::string_view line) {
            if (level == LogLevel::Error) errors.emplace_back(line);
        });
    }
    ~Capture() { log_capture({}); }
};

DegradedSettings quiet() { return {std::chrono::hours(1), std::chrono::seconds(60)}; }

NodeAddresses mix1() { return {"mixtasy@mix1.test", {"mix1.test"}}; }

}  // namespace

TEST_CASE("is_node_recipient: the mix address, keys@ service domains, case and brackets") {
    const NodeAddresses a = mix1();
    CHECK(is_node_recipient(a, "mixtasy@mix1.test"));
    CHECK(is_node_recipient(a, "<MixTasy@MIX1.test>"));
    CHECK(is_node_recipient(a, "keys@mix1.test"));
    CHECK_FALSE(is_node_recipient(a, "mixtasy@other.test"));
    CHECK_FALSE(is_node_recipient(a, "keys@other.test"));
    CHECK_FALSE(is_node_recipient(a, "bob@mix1.test"));
    CHECK_FALSE(is_node_recipient(a, "no-at-sign"));
    // Without a known address, every mixtasy@ is the node's (never delivered unseen).
    const NodeAddresses unknown{};
    CHECK(is_node_recipient(unknown, "mixtasy@anything.test"));
    CHECK_FALSE(is_node_recipient(unknown, "bob@anything.test"));
}

TEST_CASE("degraded: ordinary mail is accepted at DATA, mix mail gets 451, one Error line") {
    Capture capture;
    Opener opener;
    SwitchingNode node(mix1(), opener.fn(), quiet());
    CHECK_FALSE(node.try_open());
    REQUIRE(node.degraded());
    CHECK(node.unavailable_reason().find("Permission denied") != std::string::npos);

    MessageFilter filter(node, FilterSettings{});
    FakeContext ctx;
    filter.mail_from("<a@outside.test>");
    filter.rcpt_to("<bob@elsewhere.test>");
    CHECK(filter.data() == Verdict::Accept);  // ordinary mail exactly as before

    for (int i = 0; i < 5; ++i) {
        filter.mail_from("<a@outside.test>");
        filter.rcpt_to("<mixtasy@mix1.test>");
        CHECK(filter.data() == Verdict::Continue);
        filter.body(ctx, as_bytes(std::string_view("-----BEGIN PGP MESSAGE-----\r\n")));
        CHECK(filter.end_of_message(ctx) == Verdict::TempFail);
    }
    REQUIRE_FALSE(ctx.replies.empty());
    CHECK(ctx.replies.back().rfind("451", 0) == 0);
    // Bounded: the failed open plus five deferred messages, one line in the hour.
    CHECK(capture.errors.size() == 1);
    CHECK(capture.errors.front().find("degraded mode") != std::string::npos);
    CHECK(capture.errors.front().find("Permission denied") != std::string::npos);
}

TEST_CASE("degraded: the Error line repeats once its interval has passed") {
    Capture capture;
    Opener opener;
    SwitchingNode node(mix1(), opener.fn(), DegradedSettings{std::chrono::seconds(0), std::chrono::seconds(60)});
    node.try_open();
    node.accept(core::Envelope{}, {});
    node.accept(core::Envelope{}, {});
    CHECK(capture.errors.size() == 3);
}

TEST_CASE("degraded: a later open (periodic check or SIGUSR1's reload) recovers in place") {
    Opener opener;
    SwitchingNode node(mix1(), opener.fn(), quiet());
    CHECK_FALSE(node.try_open());
    CHECK(node.flush_interval() == std::chrono::seconds(60));
    CHECK(node.accept(core::Envelope{}, {}).kind == core::Decision::Kind::TempFail);
    CHECK_FALSE(node.reload());  // still broken: reload says so

    opener.works = true;
    REQUIRE(node.reload());  // SIGUSR1: no restart
    CHECK_FALSE(node.degraded());
    REQUIRE(opener.opened != nullptr);
    CHECK(node.accept(core::Envelope{}, {}).kind == core::Decision::Kind::Pooled);
    CHECK(opener.opened->messages.size() == 1);
    // The open node answers for itself; reload now reloads its keys.
    REQUIRE(node.reload());
    CHECK(opener.opened->reloads == 1);
    CHECK(node.try_open());
    CHECK(opener.calls == 3);  // start, failed reload, good reload
}

TEST_CASE("open node: its own address plus the configured service and mix addresses") {
    Opener opener;
    opener.works = true;
    NodeAddresses a{"", {"svc.test"}};
    SwitchingNode node(a, opener.fn(), {});
    REQUIRE(node.try_open());
    CHECK(node.is_own_address("mixtasy@mix.example"));   // the fake's key address
    CHECK(node.is_own_address("keys@svc.test"));         // service domain
    CHECK_FALSE(node.is_own_address("mixtasy@else.test"));  // no wildcard once the key speaks
}
