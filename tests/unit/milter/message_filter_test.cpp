// SPDX-License-Identifier: BSD-2-Clause
// message_filter_test.cpp - the callback logic through a fake context and a
// scripted node: every Decision, RCPT-time accept, mixed recipients,
// oversize, abort, several messages per connection.
#include "milter/message_filter.h"

#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "milter/log.h"
#include "tests/unit/milter/fakes.h"

using namespace mixtasy;
using namespace mixtasy::milter;
using mixtasy::milter::testing::FakeContext;
using mixtasy::milter::testing::FakeNode;

namespace {

const std::string kBody = "-----BEGIN PGP MESSAGE-----\r\n\r\nabc\r\n-----END PGP MESSAGE-----\r\n";

// Drives one message through the filter the way libmilter would.
Verdict send_message(MessageFilter& f, FakeContext& ctx, const std::vector<std::string>& rcpts,
                     const std::string& body = kBody) {
    REQUIRE(f.mail_from("<alice@sender.example>") == Verdict::Continue);
    for (const auto& r : rcpts) {
        Verdict v = f.rcpt_to(r);
        if (v != Verdict::Continue) return v;
    }
    Verdict v = f.data();
    if (v != Verdict::Continue) return v;
    v = f.header(ctx, "Remailer-Type", "Mixtasy v1");
    if (v != Verdict::Continue) return v;
    v = f.header(ctx, "Subject", "x");
    if (v != Verdict::Continue) return v;
    v = f.end_of_header(ctx);
    if (v != Verdict::Continue) return v;
    v = f.body(ctx, as_bytes(body));
    if (v != Verdict::Continue) return v;
    return f.end_of_message(ctx);
}

}  // namespace

TEST_CASE("filter: ordinary mail is accepted at DATA, before any body", "[filter]") {
    FakeNode node;
    FakeContext ctx;
    MessageFilter f(node, {});
    CHECK(f.mail_from("<a@b>") == Verdict::Continue);
    CHECK(f.rcpt_to("<bob@elsewhere.example>") == Verdict::Continue);
    CHECK(f.rcpt_to("<carol@elsewhere.example>") == Verdict::Continue);
    CHECK(f.data() == Verdict::Accept);
    CHECK(node.envelopes.empty());
}

TEST_CASE("filter: without a DATA step, ordinary mail is accepted at the first header",
          "[filter]") {
    FakeNode node;
    FakeContext ctx;
    MessageFilter f(node, {});
    f.mail_from("<a@b>");
    f.rcpt_to("<bob@elsewhere.example>");
    CHECK(f.header(ctx, "Subject", "hi") == Verdict::Accept);
    CHECK(f.buffered_bytes() == 0);
}

TEST_CASE("filter: a later RCPT to the mix keeps the message", "[filter]") {
    FakeNode node;
    FakeContext ctx;
    MessageFilter f(node, {});
    f.mail_from("<a@b>");
    f.rcpt_to("<bob@elsewhere.example>");
    f.rcpt_to("<MixTasy@Mix.Example>");
    CHECK(f.data() == Verdict::Continue);
    CHECK(f.has_own_recipient());
}

TEST_CASE("filter: Pooled discards and hands core the message as received", "[filter]") {
    FakeNode node;
    FakeContext ctx;
    MessageFilter f(node, {});
    CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}) == Verdict::Discard);
    REQUIRE(node.messages.size() == 1);
    CHECK(node.messages[0] == "Remailer-Type: Mixtasy v1\r\nSubject: x\r\n\r\n" + kBody);
    REQUIRE(node.envelopes.size() == 1);
    CHECK(node.envelopes[0].sender == "alice@sender.example");
    CHECK(node.envelopes[0].recipients == std::vector<std::string>{"mixtasy@mix.example"});
    CHECK(ctx.progress_calls == 1);
    CHECK(ctx.deleted.empty());
}

TEST_CASE("filter: Dropped discards", "[filter]") {
    FakeNode node;
    node.next = core::Decision::dropped("replay");
    FakeContext ctx;
    MessageFilter f(node, {});
    CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}) == Verdict::Discard);
}

TEST_CASE("filter: TempFail tempfails with a 451 reply", "[filter]") {
    FakeNode node;
    node.next = core::Decision::tempfail("store-unavailable");
    FakeContext ctx;
    MessageFilter f(node, {});
    CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}) == Verdict::TempFail);
    REQUIRE(ctx.replies.size() == 1);
    CHECK(ctx.replies[0].rfind("451 4.3.0", 0) == 0);
}

TEST_CASE("filter: an exception from the node becomes TempFail", "[filter]") {
    FakeNode node;
    node.throw_on_accept = true;
    FakeContext ctx;
    MessageFilter f(node, {});
    CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}) == Verdict::TempFail);
}

TEST_CASE("filter: Quarantine quarantines, or discards when switched off", "[filter]") {
    FakeNode node;
    node.next = core::Decision::quarantine("no-valid-subkey");
    FakeContext ctx;
    SECTION("on") {
        MessageFilter f(node, {});
        CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}) == Verdict::Continue);
        CHECK(ctx.quarantined == std::vector<std::string>{"no-valid-subkey"});
    }
    SECTION("off") {
        FilterSettings s;
        s.quarantine = false;
        MessageFilter f(node, s);
        CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}) == Verdict::Discard);
        CHECK(ctx.quarantined.empty());
    }
    SECTION("refused by the MTA") {
        ctx.allow_quarantine = false;
        MessageFilter f(node, {});
        CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}) == Verdict::Discard);
    }
}

TEST_CASE("filter: mixed recipients: the mix recipient is deleted, the rest goes on", "[filter]") {
    FakeNode node;
    FakeContext ctx;
    MessageFilter f(node, {});
    CHECK(send_message(f, ctx, {"<bob@elsewhere.example>", "<mixtasy@mix.example>"}) ==
          Verdict::Continue);
    CHECK(ctx.deleted == std::vector<std::string>{"<mixtasy@mix.example>"});
    REQUIRE(node.envelopes.size() == 1);
    CHECK(node.envelopes[0].recipients == std::vector<std::string>{"mixtasy@mix.example"});

    SECTION("dropped copy: still deleted") {
        node.next = core::Decision::dropped("malformed");
        FakeContext ctx2;
        CHECK(send_message(f, ctx2, {"<mixtasy@mix.example>", "<bob@x.example>"}) ==
              Verdict::Continue);
        CHECK(ctx2.deleted.size() == 1);
    }
    SECTION("tempfail: the whole message is retried") {
        node.next = core::Decision::tempfail("store-unavailable");
        FakeContext ctx2;
        CHECK(send_message(f, ctx2, {"<mixtasy@mix.example>", "<bob@x.example>"}) ==
              Verdict::TempFail);
        CHECK(ctx2.deleted.empty());
    }
    SECTION("quarantine: held whole, recipients untouched") {
        node.next = core::Decision::quarantine("no-valid-subkey");
        FakeContext ctx2;
        CHECK(send_message(f, ctx2, {"<mixtasy@mix.example>", "<bob@x.example>"}) ==
              Verdict::Continue);
        CHECK(ctx2.deleted.empty());
        CHECK(ctx2.quarantined.size() == 1);
    }
    SECTION("deletion refused: tempfail rather than a local delivery") {
        FakeContext ctx2;
        ctx2.allow_delete = false;
        CHECK(send_message(f, ctx2, {"<mixtasy@mix.example>", "<bob@x.example>"}) ==
              Verdict::TempFail);
    }
}

TEST_CASE("filter: oversize mix mail is rejected 552 5.3.4", "[filter]") {
    FakeNode node;
    FakeContext ctx;
    FilterSettings s;
    s.max_message_size = 2048;
    MessageFilter f(node, s);
    const std::string big(3000, 'A');
    CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}, big) == Verdict::Reject);
    REQUIRE(ctx.replies.size() == 1);
    CHECK(ctx.replies[0].rfind("552 5.3.4", 0) == 0);
    CHECK(f.buffered_bytes() == 0);
    CHECK(node.envelopes.empty());
}

TEST_CASE("filter: oversize in chunks: the buffer never exceeds the limit", "[filter]") {
    FakeNode node;
    FakeContext ctx;
    FilterSettings s;
    s.max_message_size = 4096;
    MessageFilter f(node, s);
    f.mail_from("<>");
    f.rcpt_to("<mixtasy@mix.example>");
    f.data();
    f.end_of_header(ctx);
    const std::string chunk(1000, 'B');
    Verdict v = Verdict::Continue;
    int chunks = 0;
    while (v == Verdict::Continue && chunks < 100) {
        v = f.body(ctx, as_bytes(chunk));
        CHECK(f.buffered_bytes() <= 4096);
        ++chunks;
    }
    CHECK(v == Verdict::Reject);
    CHECK(chunks == 5);
}

TEST_CASE("filter: oversize with ordinary recipients drops only the mix copy", "[filter]") {
    FakeNode node;
    FakeContext ctx;
    FilterSettings s;
    s.max_message_size = 2048;
    MessageFilter f(node, s);
    CHECK(send_message(f, ctx, {"<mixtasy@mix.example>", "<bob@x.example>"},
                       std::string(3000, 'A')) == Verdict::Continue);
    CHECK(ctx.deleted.size() == 1);
    CHECK(node.envelopes.empty());
}

TEST_CASE("filter: abort forgets the message, the next one on the connection is clean",
          "[filter]") {
    FakeNode node;
    FakeContext ctx;
    MessageFilter f(node, {});
    f.mail_from("<a@b>");
    f.rcpt_to("<mixtasy@mix.example>");
    f.data();
    f.header(ctx, "Subject", "first");
    f.body(ctx, as_bytes(std::string("partial")));
    f.abort();
    CHECK(f.buffered_bytes() == 0);
    CHECK_FALSE(f.has_own_recipient());
    CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}) == Verdict::Discard);
    REQUIRE(node.messages.size() == 1);
    CHECK(node.messages[0].find("first") == std::string::npos);
}

TEST_CASE("filter: several messages per connection, mixed kinds", "[filter]") {
    FakeNode node;
    FakeContext ctx;
    MessageFilter f(node, {});
    CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}) == Verdict::Discard);
    CHECK(send_message(f, ctx, {"<bob@x.example>"}) == Verdict::Accept);
    node.next = core::Decision::dropped("replay");
    CHECK(send_message(f, ctx, {"<keys@mix.example>"}) == Verdict::Discard);
    CHECK(node.envelopes.size() == 2);
    CHECK(node.envelopes[1].recipients == std::vector<std::string>{"keys@mix.example"});
}

TEST_CASE("filter: header reconstruction with and without leading space", "[filter]") {
    FakeNode node;
    FakeContext ctx;
    FilterSettings s;
    SECTION("plain: one space added, folded LF becomes CRLF") {
        MessageFilter f(node, s);
        f.mail_from("<>");
        f.rcpt_to("mixtasy@mix.example");
        f.data();
        f.header(ctx, "Received", "from a\n\tby b");
        f.end_of_header(ctx);
        f.end_of_message(ctx);
        CHECK(node.messages.at(0) == "Received: from a\r\n\tby b\r\n\r\n");
    }
    SECTION("SMFIP_HDR_LEADSPC: the value is kept as sent") {
        s.header_leading_space = true;
        MessageFilter f(node, s);
        f.mail_from("<>");
        f.rcpt_to("mixtasy@mix.example");
        f.data();
        f.header(ctx, "X-A", "  two");
        f.header(ctx, "X-B", "\r\n\tfolded");
        f.end_of_header(ctx);
        f.end_of_message(ctx);
        CHECK(node.messages.at(0) == "X-A:  two\r\nX-B:\r\n\tfolded\r\n\r\n");
    }
}

TEST_CASE("filter: duplicate mix recipients are one Envelope recipient, all deleted", "[filter]") {
    FakeNode node;
    FakeContext ctx;
    MessageFilter f(node, {});
    CHECK(
        send_message(f, ctx, {"<mixtasy@mix.example>", "<MIXTASY@mix.example>", "<x@y.example>"}) ==
        Verdict::Continue);
    CHECK(node.envelopes.at(0).recipients.size() == 1);
    CHECK(ctx.deleted.size() == 2);
}

TEST_CASE("filter: recipient flood is bounded", "[filter]") {
    FakeNode node;
    node.own.clear();
    for (std::size_t i = 0; i <= kMaxOwnRecipients; ++i)
        node.own.push_back("m" + std::to_string(i) + "@mix.example");
    MessageFilter f(node, {});
    f.mail_from("<>");
    for (std::size_t i = 0; i < kMaxOwnRecipients; ++i)
        CHECK(f.rcpt_to("<m" + std::to_string(i) + "@mix.example>") == Verdict::Continue);
    CHECK(f.rcpt_to("<m" + std::to_string(kMaxOwnRecipients) + "@mix.example>") ==
          Verdict::TempFail);
    CHECK(f.rcpt_to(std::string(5000, 'x')) == Verdict::Continue);
}

TEST_CASE("filter: repeating one mix recipient is bounded too", "[filter]") {
    FakeNode node;
    MessageFilter f(node, {});
    f.mail_from("<>");
    std::size_t accepted = 0;
    for (int i = 0; i < 10000; ++i) {
        if (f.rcpt_to("<mixtasy@mix.example>") == Verdict::Continue) ++accepted;
    }
    CHECK(accepted == 4 * kMaxOwnRecipients);
}

TEST_CASE("filter: normalize_address", "[filter]") {
    CHECK(normalize_address("<a@b>") == "a@b");
    CHECK(normalize_address(" <a@b> ") == "a@b");
    CHECK(normalize_address("a@b") == "a@b");
    CHECK(normalize_address("<>") == "");
    CHECK(normalize_address("<") == "<");
}

TEST_CASE("filter: new settings apply from the next message, not the one in flight", "[filter]") {
    FakeNode node;
    FakeContext ctx;
    FilterSettings small;
    small.max_message_size = 1024;
    MessageFilter f(node, {});
    f.mail_from("<>");
    f.rcpt_to("<mixtasy@mix.example>");
    f.data();
    f.end_of_header(ctx);
    f.set_settings(small);  // SIGUSR1 in the middle of a message
    CHECK(f.body(ctx, as_bytes(std::string(2000, 'x'))) == Verdict::Continue);
    CHECK(f.end_of_message(ctx) == Verdict::Discard);
    CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}, std::string(2000, 'x')) ==
          Verdict::Reject);
}

TEST_CASE("filter: a destroyed message logs one neutral line, the reason at debug only",
          "[filter][log]") {
    std::vector<std::pair<LogLevel, std::string>> lines;
    log_capture([&](LogLevel level, std::string_view line) {
        lines.emplace_back(level, std::string(line));
    });
    FakeNode node;
    FakeContext ctx;
    MessageFilter f(node, {});
    auto lines_for = [&](const std::string& reason, LogLevel threshold) {
        lines.clear();
        log_set_level(threshold);
        node.next = core::Decision::dropped(reason);
        CHECK(send_message(f, ctx, {"<mixtasy@mix.example>"}) == Verdict::Discard);
        return lines;
    };
    const auto dummy = lines_for("dummy", LogLevel::Info);
    const auto replay = lines_for("replay", LogLevel::Info);
    const auto tagged = lines_for("verification-failed", LogLevel::Info);
    const auto dummy_debug = lines_for("dummy", LogLevel::Debug);
    log_set_level(LogLevel::Info);
    log_capture({});

    REQUIRE(dummy.size() == 1);
    CHECK(dummy == replay);
    CHECK(dummy == tagged);
    CHECK(dummy[0].second.find("dummy") == std::string::npos);
    CHECK(dummy[0].second.find("destroyed") != std::string::npos);
    bool reason_at_debug = false;
    for (const auto& [level, line] : dummy_debug) {
        if (line.find("dummy") != std::string::npos) reason_at_debug = level == LogLevel::Debug;
    }
    CHECK(reason_at_debug);
}
