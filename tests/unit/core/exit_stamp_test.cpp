// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/node/exit_stamp.h: an exit delivery's Date and Message-ID
// are written when the flusher sends it (issue 11, High 2), and a repeat
// keeps its Message-ID (Medium 6).  Through the ExitStamp alone, through the
// Flusher on a real store with a ManualClock, and through a real node.
#include "core/node/exit_stamp.h"

#include <catch2/catch.hpp>

#include "core/node/exit_headers.h"
#include "core/sender/creator.h"
#include "core_test_support.h"
#include "core_test_util.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace std::chrono_literals;
using namespace mixtasy::core::testing;

namespace {

const Instant t0 = from_unix(1'800'000'000);  // Fri, 15 Jan 2027 08:00:00 UTC

// The value of the header field `name`, or "" without one.
std::string field(const std::string& message, const std::string& name) {
    const std::string header = "\r\n" + message.substr(0, message.find("\r\n\r\n") + 2);
    const std::size_t at = header.find("\r\n" + name + ": ");
    if (at == std::string::npos) return "";
    const std::size_t start = at + 2 + name.size() + 2;
    return header.substr(start, header.find("\r\n", start) - start);
}

std::unique_ptr<ExitStamp> stamp_for(const std::string& domain = "exit.example") {
    auto stamp = ExitStamp::create(domain);
    REQUIRE(stamp);
    return stamp;
}

FlusherOptions send_everything() {
    FlusherOptions options;
    options.dummies.time_triggered_mean = 0;
    options.dummies.flush_triggered_mean_per_message = 0;
    options.dummies.flush_triggered_min = 0;
    options.pool.min_pool = 0;
    options.pool.fraction = 1.0;
    options.retry.retry_base = 60s;
    return options;
}

store::NewPoolItem exit_row(const std::string& sanitized, Instant now) {
    store::NewPoolItem row =
        outgoing(store::PoolKind::Exit, "bob@dest.example", "mixtasy@this.example",
                 Bytes(sanitized.begin(), sanitized.end()));
    schedule(row, now, OutboxAges{});
    return row;
}

}  // namespace

TEST_CASE("exit stamp: date format and fresh message ids", "[exit_stamp]") {
    CHECK(rfc5322_date(from_unix(0)) == "Thu, 01 Jan 1970 00:00:00 +0000");
    CHECK(rfc5322_date(t0 + 26s) == "Fri, 15 Jan 2027 08:00:26 +0000");
    DeterministicRandom random(2);
    auto stamp = stamp_for("localhost");
    const std::string a = stamp->delivery_id(random), b = stamp->delivery_id(random);
    CHECK(a != b);
    CHECK(a.size() == std::string("<@localhost>").size() + 32);
    CHECK(a.starts_with("<"));
    CHECK(a.ends_with("@localhost>"));
}

TEST_CASE("exit stamp: Date and Message-ID end the header, the rest is unchanged", "[exit_stamp]") {
    auto stamp = stamp_for();
    const std::string pooled = "From: Anonymous <nobody@localhost>\r\nSubject: hi\r\n\r\nbody\r\n";
    const Bytes out = stamp->stamp(as_bytes(pooled), "<id-1@exit.example>", t0);
    CHECK(std::string(as_chars(out)) ==
          "From: Anonymous <nobody@localhost>\r\nSubject: hi\r\n"
          "Date: Fri, 15 Jan 2027 08:00:00 +0000\r\nMessage-ID: <id-1@exit.example>\r\n"
          "\r\nbody\r\n");
    // A body line that looks like a header stays body.
    const std::string tricky = "Subject: x\r\n\r\nDate: not a field\r\n\r\n";
    const std::string stamped(as_chars(stamp->stamp(as_bytes(tricky), "<i@e>", t0)));
    CHECK(stamped.ends_with("\r\n\r\nDate: not a field\r\n\r\n"));
    // An id a tampered store could hold never breaks the header.
    const std::string broken(as_chars(stamp->stamp(as_bytes(pooled), "<a@b>\r\nBcc: x", t0)));
    CHECK(broken.find("Bcc") == std::string::npos);
    CHECK(broken.find("Message-ID") == std::string::npos);
    CHECK_FALSE(ExitStamp::create(""));
    CHECK_FALSE(ExitStamp::create("a b"));
    CHECK_FALSE(ExitStamp::create("x\r\nBcc: y"));
    // The domain the exit's options name is the right side of its ids.
    DeterministicRandom random(9);
    CHECK(stamp->delivery_id(random).ends_with("@exit.example>"));
}

TEST_CASE("exit stamp: the sanitizer leaves Date and Message-ID to the send", "[exit_stamp]") {
    auto headers = ExitHeaders::create({});
    REQUIRE(headers);
    DeterministicRandom random(3);
    const std::string original =
        "Date: Thu, 19 Nov 2026 10:00:58 +0100\r\nMessage-ID: <orig@mail.example>\r\n"
        "To: bob@dest.example\r\nSubject: s\r\n\r\nb\r\n";
    auto pooled = (*headers)->sanitize(as_bytes(original), "bob@dest.example", t0, random);
    REQUIRE(pooled);
    const std::string text(as_chars(*pooled));
    CHECK(field(text, "Date").empty());
    CHECK(field(text, "Message-ID").empty());
    CHECK(text.find("orig@mail.example") == std::string::npos);
}

TEST_CASE("exit stamp: pooled at T, flushed at T+N, the Date says T+N", "[exit_stamp][flusher]") {
    TempDatabase db;
    auto store = db.open();
    ManualClock clock(t0);
    DeterministicRandom random(4);
    FakeDummyFactory dummies;
    auto stamp = stamp_for();
    Flusher flusher(*store, clock, random, dummies, *stamp, send_everything());
    REQUIRE(store->enqueue(exit_row("From: A <a@x>\r\nSubject: s\r\n\r\nbody\r\n", t0)));

    // The MTA is down at first: the row waits, its Message-ID already fixed.
    clock.advance(5s);
    FakeTransport transport;
    transport.answer = [](const std::string&) {
        return SendResult::TempFail;
    };
    (void)flusher.round(transport);
    REQUIRE(transport.attempts.size() == 1);
    CHECK(field(transport.attempts[0].message, "Date") == "Fri, 15 Jan 2027 08:00:05 +0000");
    const std::string first_id = field(transport.attempts[0].message, "Message-ID");
    CHECK(first_id.ends_with("@exit.example>"));

    clock.advance(10min);
    transport.answer = nullptr;
    (void)flusher.round(transport);
    REQUIRE(transport.accepted.size() == 1);
    const std::string& sent = transport.accepted[0].message;
    CHECK(field(sent, "Date") == "Fri, 15 Jan 2027 08:10:05 +0000");  // T + N, not T
    CHECK(field(sent, "Message-ID") == first_id);                     // one id per delivery
    CHECK(sent.ends_with("\r\n\r\nbody\r\n"));
}

TEST_CASE("exit stamp: a repeat after a crash before the mark keeps its Message-ID",
          "[exit_stamp][flusher]") {
    TempDatabase db;
    ManualClock clock(t0);
    DeterministicRandom random(5);
    FakeDummyFactory dummies;
    auto stamp = stamp_for();
    FakeTransport transport;
    {
        auto store = db.open();
        REQUIRE(store->enqueue(exit_row("Subject: s\r\n\r\nb\r\n", t0)));
        // The process dies after the MTA said yes and before the mark.
        class Dying final : public ForwardingStore {
        public:
            using ForwardingStore::ForwardingStore;
            store::Result<void> mark_sent(store::PoolId, store::UnixTime,
                                          std::span<const store::StatDelta>) override {
                return Unexpected{store::StoreError{store::StoreError::Code::Io, "killed"}};
            }
        } dying(*store);
        Flusher flusher(dying, clock, random, dummies, *stamp, send_everything());
        LogCapture quiet;
        (void)flusher.round(transport);
    }
    clock.advance(1h);
    auto store = db.open();
    Flusher flusher(*store, clock, random, dummies, *stamp, send_everything());
    REQUIRE(*flusher.recover() == 1);
    (void)flusher.round(transport);
    REQUIRE(transport.accepted.size() == 2);
    CHECK(field(transport.accepted[0].message, "Message-ID") ==
          field(transport.accepted[1].message, "Message-ID"));
    CHECK(field(transport.accepted[0].message, "Date") !=
          field(transport.accepted[1].message, "Date"));
}

TEST_CASE("exit stamp: a node's delivery is dated when its pool sends it", "[exit_stamp][node]") {
    TestNet net(4);
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2),
                                        mix_address(3)};
    const std::string original = "To: bob@dest.example\r\nSubject: late\r\n\r\nhello\r\n";
    auto created =
        create_messages(net.ring, path, as_bytes(original), net.clock->now(), *net.random);
    REQUIRE(created);
    Bytes message = created->front().message;
    for (std::size_t i = 0; i + 1 < path.size(); ++i) {
        std::vector<CapturingTransport::Sent> out;
        REQUIRE(net.hop(path[i], message, &out).reason == "pooled");
        REQUIRE(out.size() == 1);
        message = out[0].message;
    }

    const Instant pooled_at = net.clock->now();
    TestNode& exit_node = net.at(path.back());
    Decision d = exit_node.node->accept(Envelope{"x@y.example", {path.back()}}, message);
    REQUIRE(d.reason == "pooled");
    net.clock->advance(7min + 3s);
    CapturingTransport exit;
    exit_node.node->flush_round(exit);
    REQUIRE(exit.sent.size() == 1);
    const std::string delivered = text_of(exit.sent[0].message);
    CHECK(field(delivered, "Date") == rfc5322_date(pooled_at + 7min + 3s));
    CHECK(field(delivered, "Date") != rfc5322_date(pooled_at));
    // Issue 15: the mix's own domain, not localhost, in From and Message-ID.
    CHECK(field(delivered, "Message-ID").ends_with("@n3.example>"));
    CHECK(field(delivered, "From") == "Anonymous <nobody@n3.example>");
}

namespace {
// What the exit of a four-hop path delivers when every node's options went
// through `adjust`.
std::string delivered_by_exit(const std::function<void(const TestNode&, NodeOptions&)>& adjust) {
    TestNet net(0);
    std::vector<std::string> path;
    for (std::size_t i = 0; i < 4; ++i) {
        net.add_node(mix_address(i), {"middleman", "exitpublic"});
        path.push_back(mix_address(i));
    }
    net.open_all(adjust);
    const std::string original = "To: bob@dest.example\r\nSubject: s\r\n\r\nhello\r\n";
    auto created =
        create_messages(net.ring, path, as_bytes(original), net.clock->now(), *net.random);
    REQUIRE(created);
    Bytes message = created->front().message;
    for (const std::string& hop : path) {
        std::vector<CapturingTransport::Sent> out;
        REQUIRE(net.hop(hop, message, &out).reason == "pooled");
        REQUIRE(out.size() == 1);
        message = out[0].message;
    }
    return text_of(message);
}
}  // namespace

TEST_CASE("exit stamp: AnonymousFrom and MessageIdDomain replace the mix's domain",
          "[exit_stamp][node]") {
    const std::string delivered = delivered_by_exit([](const TestNode&, NodeOptions& o) {
        o.anonymous_from = "Nobody <remailer@mail.example>";
        o.message_id_domain = "ids.example";
    });
    CHECK(field(delivered, "Message-ID").ends_with("@ids.example>"));
    CHECK(field(delivered, "From") == "Nobody <remailer@mail.example>");
}
