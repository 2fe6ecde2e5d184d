// SPDX-License-Identifier: BSD-2-Clause
// Exit header sanitizing (exit_headers.h): real-world headers, the options
// for From, Reply-To and the disclaimer, limits on hostile headers.
#include "core/node/exit_headers.h"

#include <catch2/catch.hpp>

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

const Instant t0 = from_unix(1'795'000'000);  // Wed, 18 Nov 2026 11:06:40 UTC

std::unique_ptr<ExitHeaders> make(ExitHeaderOptions options = {}) {
    auto policy = ExitHeaders::create(std::move(options));
    REQUIRE(policy);
    return std::move(*policy);
}

std::string sanitized(const ExitHeaders& policy, std::string_view original,
                      std::string_view recipient = "alice@example.org") {
    DeterministicRandom random(1);
    auto out = policy.sanitize(as_bytes(original), recipient, t0, random);
    REQUIRE(out);
    return std::string(as_chars(*out));
}

std::string header_of(const std::string& message) {
    return message.substr(0, message.find("\r\n\r\n") + 2);
}

// A message as Thunderbird sends it through a typical provider, after a
// few hops: every identifying field a real one carries.
const char* const thunderbird_message =
    "Return-Path: <carol.sender@mail.example.net>\r\n"
    "Delivered-To: mixtasy@exit.example\r\n"
    "Received: from mx1.example.net (mx1.example.net [198.51.100.7])\r\n"
    "\tby exit.example (Postfix) with ESMTPS id 4Q2x1Z3kLmz9sT\r\n"
    "\tfor <mixtasy@exit.example>; Thu, 19 Nov 2026 10:01:02 +0100 (CET)\r\n"
    "Received: from [192.168.1.23] (dsl-203-0-113-9.isp.example [203.0.113.9])\r\n"
    "\tby mx1.example.net (Postfix) with ESMTPSA id 91BC2A0042\r\n"
    "\tfor <alice@example.org>; Thu, 19 Nov 2026 10:01:00 +0100 (CET)\r\n"
    "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=example.net;\r\n"
    "\ts=mail; t=1795000000; bh=47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=;\r\n"
    "\th=Date:From:To:Subject; b=dGhpcyBpcyBub3QgYSByZWFsIHNpZ25hdHVyZQ==\r\n"
    "ARC-Seal: i=1; a=rsa-sha256; t=1795000000; cv=none; d=example.net; s=arc\r\n"
    "Authentication-Results: mx1.example.net; spf=pass smtp.mailfrom=example.net\r\n"
    "Message-ID: <a1b2c3d4-e5f6-7890-abcd-ef0123456789@mail.example.net>\r\n"
    "Date: Thu, 19 Nov 2026 10:00:58 +0100\r\n"
    "MIME-Version: 1.0\r\n"
    "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:115.0) Gecko/20100101\r\n"
    " Thunderbird/115.5.0\r\n"
    "Content-Language: en-US\r\n"
    "To: Alice <alice@example.org>\r\n"
    "Cc: bob@example.org\r\n"
    "Bcc: secret-witness@example.com\r\n"
    "From: Carol Sender <carol.sender@mail.example.net>\r\n"
    "Sender: carol@example.net\r\n"
    "Reply-To: carol.private@example.net\r\n"
    "Organization: Example Research Group\r\n"
    "Subject: =?UTF-8?Q?Quarterly_r=C3=A9sum=C3=A9?=\r\n"
    "In-Reply-To: <prev-42@example.org>\r\n"
    "References: <prev-41@example.org>\r\n"
    " <prev-42@example.org>\r\n"
    "X-Mailer: Thunderbird 115\r\n"
    "X-Originating-IP: [203.0.113.9]\r\n"
    "x-spam-status: No, score=-0.1\r\n"
    "Disposition-Notification-To: carol.sender@mail.example.net\r\n"
    "Return-Receipt-To: carol.sender@mail.example.net\r\n"
    "Errors-To: carol.sender@mail.example.net\r\n"
    "Resent-From: carol@example.net\r\n"
    "List-Unsubscribe: <mailto:unsub@example.net>\r\n"
    "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n"
    "Content-Transfer-Encoding: 8bit\r\n"
    "Content-ID: <part1.XYZ@mail.example.net>\r\n"
    "\r\n"
    "Hello Alice,\r\n"
    "\r\n"
    "Received: this line is body, not header.\r\n"
    "-- \r\n"
    "Carol\r\n";

}  // namespace

TEST_CASE("exit sanitize: identifying fields of a real header are gone", "[exit_headers]") {
    auto policy = make();
    const std::string out = sanitized(*policy, thunderbird_message);
    const std::string header = header_of(out);
    for (const char* gone : {"Return-Path",
                             "Delivered-To",
                             "Received",
                             "DKIM",
                             "ARC-",
                             "Authentication-Results",
                             "a1b2c3d4",
                             "10:00:58",
                             "User-Agent",
                             "Thunderbird",
                             "Bcc",
                             "secret-witness",
                             "Carol",
                             "carol",
                             "Sender:",
                             "\nReply-To",
                             "Organization",
                             "X-Mailer",
                             "X-Originating-IP",
                             "203.0.113.9",
                             "x-spam",
                             "Disposition-Notification",
                             "Return-Receipt",
                             "Errors-To",
                             "Resent-",
                             "List-",
                             "Content-ID",
                             "mail.example.net",
                             "Alice <",
                             "Cc:",
                             "bob@example.org",
                             "In-Reply-To",
                             "References",
                             "prev-4",
                             "Content-Language",
                             "en-US"}) {
        INFO(gone);
        CHECK(header.find(gone) == std::string::npos);
    }
    for (const char* kept :
         {"To: alice@example.org\r\n", "Subject: =?UTF-8?Q?Quarterly_r=C3=A9sum=C3=A9?=\r\n",
          "MIME-Version: 1.0\r\n", "Content-Type: text/plain; charset=UTF-8; format=flowed\r\n",
          "Content-Transfer-Encoding: 8bit\r\n"}) {
        INFO(kept);
        CHECK(header.find(kept) != std::string::npos);
    }
    CHECK(out.starts_with("From: Anonymous <nobody@localhost>\r\n"));
    // Date and Message-ID are stamped at send time (exit_stamp_test.cpp).
    CHECK(header.find("Date:") == std::string::npos);
    CHECK(header.find("Message-ID:") == std::string::npos);
    CHECK(header.find("Comments: This message was sent through an anonymous remailer.") !=
          std::string::npos);
    // The body is untouched, including a body line that looks like a field.
    CHECK(out.substr(out.find("\r\n\r\n") + 4) ==
          "Hello Alice,\r\n\r\nReceived: this line is body, not header.\r\n-- \r\nCarol\r\n");
}

TEST_CASE("exit sanitize: LF-only input becomes CRLF", "[exit_headers]") {
    auto policy = make();
    const std::string out =
        sanitized(*policy, "Subject: x\n folded\nTo: a@b.example\n\nline1\nline2\rline3\r\n");
    CHECK(out.find("Subject: x\r\n folded\r\n") != std::string::npos);
    CHECK(out.ends_with("\r\n\r\nline1\r\nline2\r\nline3\r\n"));
    for (std::size_t i = 0; i < out.size(); ++i) {
        if (out[i] == '\n') REQUIRE((i > 0 && out[i - 1] == '\r'));
    }
}

TEST_CASE("exit sanitize: header-only message and empty message", "[exit_headers]") {
    auto policy = make();
    const std::string out = sanitized(*policy, "Subject: only a header");
    CHECK(out.find("Subject: only a header\r\n") != std::string::npos);
    CHECK(out.ends_with("\r\n\r\n"));
    const std::string empty = sanitized(*policy, "");
    CHECK(empty.starts_with("From: Anonymous"));
    const std::string no_header = sanitized(*policy, "\r\njust body\r\n");
    CHECK(no_header.ends_with("\r\n\r\njust body\r\n"));
}

TEST_CASE("exit sanitize: options for From, Reply-To, extra fields, disclaimer", "[exit_headers]") {
    ExitHeaderOptions options;
    options.anonymous_from = "Anonymous Remailer <remailer@exit.example>";
    options.message_id_domain = "exit.example";
    options.from_opt_in = {"alice@example.org", "optin.example"};
    options.allow_reply_to = true;
    options.keep_extra = {"X-Newsreader-Topic"};
    options.disclaimer_field = "X-Anonymous-Remailer";
    options.disclaimer = "abuse: abuse@exit.example";
    auto policy = make(options);
    const std::string msg =
        "From: Carol <carol@example.net>\r\nReply-To: pseudonym@nym.example\r\n"
        "x-newsreader-topic: kept\r\nX-Other: dropped\r\n\r\nb\r\n";

    const std::string to_alice = sanitized(*policy, msg, "Alice@Example.ORG");
    CHECK(to_alice.starts_with("From: Carol <carol@example.net>\r\n"));
    CHECK(to_alice.find("Reply-To: pseudonym@nym.example\r\n") != std::string::npos);
    CHECK(to_alice.find("x-newsreader-topic: kept\r\n") != std::string::npos);
    CHECK(to_alice.find("X-Other") == std::string::npos);
    CHECK(to_alice.find("X-Anonymous-Remailer: abuse: abuse@exit.example\r\n") !=
          std::string::npos);
    // message_id_domain is the stamp's at send time (exit_stamp_test.cpp).
    CHECK(to_alice.find("Message-ID:") == std::string::npos);
    CHECK(to_alice.find("Comments:") == std::string::npos);

    const std::string to_domain = sanitized(*policy, msg, "x@sub.optin.example");
    CHECK(to_domain.starts_with("From: Carol"));

    const std::string to_other = sanitized(*policy, msg, "dave@example.org");
    CHECK(to_other.starts_with("From: Anonymous Remailer <remailer@exit.example>\r\n"));
    CHECK(to_other.find("carol") == std::string::npos);

    options.disclaimer_field.clear();
    auto silent = make(options);
    const std::string none = sanitized(*silent, msg, "dave@example.org");
    CHECK(none.find("abuse") == std::string::npos);
}

TEST_CASE("exit sanitize: hostile headers are refused with a typed error", "[exit_headers]") {
    ExitHeaderOptions options;
    options.limits.max_header_bytes = 1024;
    options.limits.max_line_bytes = 200;
    options.limits.max_fields = 10;
    options.limits.max_message_bytes = 4096;
    auto policy = make(options);
    DeterministicRandom random(3);
    const auto error_of = [&](const std::string& msg) {
        auto out = policy->sanitize(as_bytes(msg), "a@b.example", t0, random);
        REQUIRE_FALSE(out);
        return out.error().code;
    };
    using C = HeaderError::Code;
    CHECK(error_of(" starts folded\r\n\r\n") == C::ContinuationFirst);
    CHECK(error_of("no colon here\r\n\r\n") == C::BadFieldName);
    CHECK(error_of(": empty name\r\n\r\n") == C::BadFieldName);
    CHECK(error_of("Sub ject: x\r\n\r\n") == C::BadFieldName);
    CHECK(error_of("From x@y Mon Jan 1\r\n\r\n") == C::BadFieldName);  // mbox line
    CHECK(error_of("Subject: a" + std::string(300, 'x') + "\r\n\r\n") == C::LineTooLong);
    CHECK(error_of(std::string("Subject: a\0b\r\n\r\n", 16)) == C::ForbiddenByte);
    CHECK(error_of("Subject: a\rb\r\n\r\n") == C::ForbiddenByte);
    std::string many;
    for (int i = 0; i < 11; ++i) many += "To: x" + std::to_string(i) + "@y.example\r\n";
    CHECK(error_of(many + "\r\n") == C::TooManyFields);
    std::string folded = "Subject: x\r\n";
    for (int i = 0; i < 20; ++i) folded += " " + std::string(60, 'y') + "\r\n";
    CHECK(error_of(folded + "\r\n") == C::HeaderTooLarge);
    CHECK(error_of("Subject: x\r\n\r\n" + std::string(5000, 'b')) == C::MessageTooLarge);
    // The body has no header limits.
    auto ok = policy->sanitize(as_bytes("Subject: x\r\n\r\n" + std::string(3000, 'b')),
                               "a@b.example", t0, random);
    CHECK(ok);
}

TEST_CASE("exit sanitize: random garbage never crashes", "[exit_headers]") {
    auto policy = make();
    DeterministicRandom random(4);
    for (int i = 0; i < 2000; ++i) {
        Bytes junk = random.bytes(random.uniform(600));
        // Make header-like bytes common.
        for (auto& b : junk) {
            const auto r = b % 8;
            if (r == 0) b = ':';
            else if (r == 1) b = '\n';
            else if (r == 2) b = ' ';
        }
        auto out = policy->sanitize(junk, "a@b.example", t0, random);
        if (out) REQUIRE(as_chars(*out).starts_with("From: "));
    }
}

TEST_CASE("exit options: values that could break the header are refused", "[exit_headers]") {
    const auto refused = [](auto edit) {
        ExitHeaderOptions options;
        edit(options);
        return !ExitHeaders::create(options);
    };
    CHECK(refused([](auto& o) { o.anonymous_from = "x\r\nBcc: victim@example.org"; }));
    CHECK(refused([](auto& o) { o.anonymous_from = ""; }));
    CHECK(refused([](auto& o) { o.disclaimer = "a\nb"; }));
    CHECK(refused([](auto& o) { o.disclaimer_field = "Bad Name"; }));
    CHECK(refused([](auto& o) { o.disclaimer = std::string(1000, 'x'); }));
    CHECK(refused([](auto& o) { o.message_id_domain = "a b"; }));
    CHECK(refused([](auto& o) { o.message_id_domain = ""; }));
    CHECK(refused([](auto& o) { o.from_opt_in = {"has space@x"}; }));
    CHECK(refused([](auto& o) { o.from_opt_in = {""}; }));
    CHECK(refused([](auto& o) { o.keep_extra = {"a:b"}; }));
    CHECK_FALSE(refused([](auto&) {}));
}

TEST_CASE("exit options: the refusal names what was refused", "[exit_headers]") {
    const auto code_of = [](auto edit) {
        ExitHeaderOptions options;
        edit(options);
        auto made = ExitHeaders::create(options);
        REQUIRE_FALSE(made);
        CHECK_FALSE(made.error().detail.empty());
        return made.error().code;
    };
    using C = ExitOptionError::Code;
    CHECK(code_of([](auto& o) { o.anonymous_from = ""; }) == C::AnonymousFrom);
    CHECK(code_of([](auto& o) { o.anonymous_from = std::string(1000, 'x'); }) == C::AnonymousFrom);
    CHECK(code_of([](auto& o) { o.message_id_domain = "a b"; }) == C::MessageIdDomain);
    CHECK(code_of([](auto& o) { o.disclaimer_field = "Bad Name"; }) == C::DisclaimerField);
    CHECK(code_of([](auto& o) { o.disclaimer = "a\nb"; }) == C::Disclaimer);
    CHECK(code_of([](auto& o) { o.keep_extra = {"a:b"}; }) == C::KeepExtra);
    CHECK(code_of([](auto& o) { o.from_opt_in = {"@"}; }) == C::DestinationList);
}
