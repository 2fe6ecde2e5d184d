// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/format/mail_header.h (lines, tokens, fields, limits) and
// core/format/mail_address.h (strict and lenient addr-specs, mailboxes).
#include "core/format/mail_header.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/format/mail_address.h"

using namespace mixtasy;
using namespace mixtasy::core;
using Code = MailHeaderError::Code;

namespace {

MailHeaderError::Code error_of(const std::string& text, const MailHeaderLimits& limits = {}) {
    auto parsed = parse_mail_header(text, limits);
    REQUIRE_FALSE(parsed);
    return parsed.error().code;
}

std::size_t error_offset(const std::string& text, const MailHeaderLimits& limits = {}) {
    auto parsed = parse_mail_header(text, limits);
    REQUIRE_FALSE(parsed);
    return parsed.error().offset;
}

}  // namespace

TEST_CASE("mail header: fields, folding, LF and CRLF", "[core][mail_header]") {
    const std::string text =
        "Subject: hello\r\n  world \r\nTo:  Alice <a@b.example> \nX-Empty:\r\n\r\nbody";
    auto h = parse_mail_header(text);
    REQUIRE(h);
    REQUIRE(h->fields.size() == 3);
    CHECK(h->fields[0].name == "Subject");
    CHECK(h->fields[0].value == "hello world");
    CHECK(h->fields[0].offset == 0);
    CHECK(h->fields[1].value == "Alice <a@b.example>");
    CHECK(h->fields[1].offset == text.find("To:"));
    CHECK(h->fields[2].value.empty());
    REQUIRE(h->find("subJECT") != nullptr);
    CHECK(h->find("Cc") == nullptr);
    CHECK(text.substr(h->body_offset) == "body");
}

TEST_CASE("mail header: the end of the header", "[core][mail_header]") {
    auto empty_first = parse_mail_header("\r\nbody");
    REQUIRE(empty_first);
    CHECK(empty_first->fields.empty());
    CHECK(empty_first->body_offset == 2);
    CHECK(error_of("Subject: x\r\n") == Code::Truncated);
    CHECK(error_of("Subject: x") == Code::Truncated);
    CHECK(error_of("") == Code::Truncated);
    MailHeaderLimits header_only;
    header_only.allow_header_only = true;
    auto only = parse_mail_header("Subject: x", header_only);
    REQUIRE(only);
    CHECK(only->fields.at(0).value == "x");
    CHECK(only->body_offset == 10);
    auto nothing = parse_mail_header("", header_only);
    REQUIRE(nothing);
    CHECK(nothing->body_offset == 0);
}

TEST_CASE("mail header: each refusal has its code and the offending line", "[core][mail_header]") {
    MailHeaderLimits limits;
    limits.max_header_bytes = 100;
    limits.max_line_bytes = 20;
    limits.max_fields = 2;
    CHECK(error_of(" folded first\r\n\r\n", limits) == Code::ContinuationFirst);
    CHECK(error_of("no colon\r\n\r\n", limits) == Code::BadFieldName);
    CHECK(error_of(": x\r\n\r\n", limits) == Code::BadFieldName);
    CHECK(error_of("A b: x\r\n\r\n", limits) == Code::BadFieldName);
    CHECK(error_of(std::string("A: x\0y\r\n\r\n", 10), limits) == Code::ForbiddenByte);
    CHECK(error_of("A: x\ry\r\n\r\n", limits) == Code::ForbiddenByte);
    CHECK(error_of("A: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits) == Code::TooManyFields);
    CHECK(error_offset("A: 1\r\nB: 2\r\nC: 3\r\n\r\n", limits) == 12);
    CHECK(error_of("A: " + std::string(30, 'x') + "\r\n\r\n", limits) == Code::LineTooLong);
    CHECK(error_offset("A: 1\r\nB: " + std::string(30, 'x') + "\r\n\r\n", limits) == 6);
    std::string big;
    for (int i = 0; i < 10; ++i) big += " 123456789012345\r\n";
    CHECK(error_of("A: x\r\n" + big + "\r\n", limits) == Code::HeaderTooLarge);
    // A line end exactly at the limit is inside it.
    const std::string fits = "A: " + std::string(15, 'x') + "\r\n\r\n";
    limits.max_header_bytes = fits.size();
    CHECK(parse_mail_header(fits + "body", limits));
    limits.max_header_bytes = fits.size() - 1;
    CHECK(error_of(fits + "body", limits) == Code::HeaderTooLarge);
}

TEST_CASE("mail header: 8-bit text only where allowed", "[core][mail_header]") {
    const std::string text = "Subject: r\xC3\xA9sum\xC3\xA9\r\n\r\n";
    CHECK(parse_mail_header(text));
    MailHeaderLimits ascii_only;
    ascii_only.allow_8bit = false;
    CHECK(error_of(text, ascii_only) == Code::ForbiddenByte);
}

TEST_CASE("mail header: the lexer's tokens and the line reader", "[core][mail_header]") {
    const std::string text = "A: 1\n b\r\n\r\nrest";
    HeaderLexer lexer(text, {});
    auto t1 = lexer.next();
    REQUIRE(t1);
    CHECK(t1->kind == HeaderToken::Kind::Field);
    CHECK(t1->name == "A");
    CHECK(t1->value == " 1");
    auto t2 = lexer.next();
    REQUIRE(t2);
    CHECK(t2->kind == HeaderToken::Kind::Continuation);
    CHECK(t2->line.text == " b");
    CHECK(t2->line.offset == 5);
    auto t3 = lexer.next();
    REQUIRE(t3);
    CHECK(t3->kind == HeaderToken::Kind::End);
    CHECK(t3->body_offset() == 11);
    auto again = lexer.next();
    REQUIRE(again);
    CHECK(again->kind == HeaderToken::Kind::End);

    HeaderLines lines("one\r\ntwo\nthree", 100, 100);
    std::vector<std::string> seen;
    for (auto l = lines.next(); l && *l; l = lines.next()) {
        seen.emplace_back((*l)->text);
        CHECK((*l)->terminated == (seen.size() < 3));
    }
    CHECK(seen == std::vector<std::string>{"one", "two", "three"});
}

TEST_CASE("mail header: unfolding", "[core][mail_header]") {
    std::string value = "a";
    unfold_into(value, "\t b ");
    unfold_into(value, "   ");
    CHECK(value == "a b");
    std::string empty;
    unfold_into(empty, " c");
    CHECK(empty == "c");
    CHECK(is_field_name("X-Mailer"));
    CHECK_FALSE(is_field_name(""));
    CHECK_FALSE(is_field_name("a:b"));
    CHECK_FALSE(is_field_name("a b"));
}

TEST_CASE("mail address: strict addr-spec is SMTP-safe", "[core][mail_address]") {
    auto a = strict_addr_spec(" <Mixtasy@A.example> ");
    REQUIRE(a);
    CHECK(a->address == "Mixtasy@A.example");
    CHECK(a->local == "Mixtasy");
    CHECK(a->domain == "A.example");
    for (const char* bad :
         {"", "plain", "@b.c", "a@", "a@@b.c", "a@b@c", "a b@c.d", "a@b..c", "a@.b", "a@b.",
          "a@-b.c", "a\r\n@b.c", "<a@b.c", "Name <a@b.c>", "\"q\"@b.c", "a@b_c.d"}) {
        INFO(bad);
        CHECK_FALSE(strict_addr_spec(bad));
    }
    CHECK(strict_addr_spec(std::string(250, 'a') + "@b.c"));
    CHECK_FALSE(strict_addr_spec(std::string(251, 'a') + "@b.c"));
}

TEST_CASE("mail address: lenient addr-spec for destinations", "[core][mail_address]") {
    auto a = lenient_addr_spec("<user%relay!x@Example.ORG>");
    REQUIRE(a);
    CHECK(a->local == "user%relay!x");
    CHECK(a->domain == "Example.ORG");
    auto last_at = lenient_addr_spec("a@b@c.example");
    REQUIRE(last_at);
    CHECK(last_at->domain == "c.example");
    for (const char* bad : {"", "no-at-sign", "@domain.example", "local@", "a b@c.example",
                            "a@b.example, c@d.example", "a@.example", "a@example.",
                            "Name <a@b.example>", "a\x7f@b.c"}) {
        INFO(bad);
        CHECK_FALSE(lenient_addr_spec(bad));
    }
    CHECK(lenient_addr_spec(std::string(316, 'a') + "@b.c"));
    CHECK_FALSE(lenient_addr_spec(std::string(317, 'a') + "@b.c"));
}

TEST_CASE("mail address: the address of a mailbox", "[core][mail_address]") {
    CHECK(mailbox_address("Alice <a@b.example>") == "<a@b.example>");
    CHECK(mailbox_address("\"x <y>\" <a@b.example>") == "<a@b.example>");
    CHECK(mailbox_address("a@b.example") == "a@b.example");
    CHECK(mailbox_address("broken > <") == "broken > <");
    CHECK(strict_addr_spec(mailbox_address("Alice <a@b.example>"))->address == "a@b.example");
}
