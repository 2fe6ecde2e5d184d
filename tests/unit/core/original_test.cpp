// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/sender/original.h: the original cleaned before wrapping
// (seed 000 6.2.1) and split into one copy per recipient.
#include "core/sender/original.h"

#include <catch2/catch.hpp>

#include <string>

#include "core/sender/creator.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

const std::string kOriginal =
    "From: Alice <alice@home.test>\r\n"
    "To: Bob <bob@one.test>, \"Smith, Carol\" <carol@two.test>\r\n"
    "Cc: dave@three.test,\r\n"
    "  BOB@one.test\r\n"
    "Bcc: eve@four.test\r\n"
    "Subject: hello\r\n"
    "Date: Tue, 1 Dec 2026 23:00:00 +0100\r\n"
    "Message-ID: <123@home.test>\r\n"
    "In-Reply-To: <99@two.test>\r\n"
    "References: <98@two.test>\r\n"
    "  <99@two.test>\r\n"
    "User-Agent: Mutt/2.2\r\n"
    "X-Mailer: something\r\n"
    "MIME-Version: 1.0\r\n"
    "\r\n"
    "the body\r\nFrom: not a header\r\n";

std::string text_of(const Bytes& b) { return std::string(b.begin(), b.end()); }

}  // namespace

TEST_CASE("original: one copy per distinct recipient, each addressed to it alone",
          "[core][original]") {
    auto copies = prepare_originals(as_bytes(kOriginal), {});
    REQUIRE(copies);
    REQUIRE(copies->size() == 4);  // bob twice is one recipient
    CHECK((*copies)[0].recipient == "bob@one.test");
    CHECK((*copies)[1].recipient == "carol@two.test");
    CHECK((*copies)[2].recipient == "dave@three.test");
    CHECK((*copies)[3].recipient == "eve@four.test");
    for (const auto& c : *copies) {
        const std::string text = text_of(c.message);
        CHECK(text.rfind("To: " + c.recipient + "\r\n", 0) == 0);
        // The creator reads the one recipient back.
        CHECK(original_recipient(c.message) == c.recipient);
        for (const char* gone :
             {"Cc:", "Bcc:", "From: Alice", "Date:", "Message-ID:", "In-Reply-To:", "References:",
              "  <99@two.test>", "User-Agent:", "X-Mailer:", "alice@home.test"}) {
            INFO(gone);
            CHECK(text.find(gone) == std::string::npos);
        }
        CHECK(text.find("Subject: hello\r\nMIME-Version: 1.0\r\n\r\nthe body\r\n"
                        "From: not a header\r\n") != std::string::npos);
    }
}

TEST_CASE("original: the sender keeps a field by name", "[core][original]") {
    OriginalOptions keep;
    keep.keep = {"from", "Date"};
    auto copies = prepare_originals(as_bytes(kOriginal), keep);
    REQUIRE(copies);
    const std::string text = text_of(copies->front().message);
    CHECK(text.find("From: Alice <alice@home.test>\r\n") != std::string::npos);
    CHECK(text.find("Date: Tue, 1 Dec 2026") != std::string::npos);
    CHECK(text.find("Message-ID:") == std::string::npos);
}

TEST_CASE("original: LF line ends are kept, groups give their members", "[core][original]") {
    const std::string lf =
        "To: friends: a@x.test, B <b@y.test>;, undisclosed-recipients:;\n"
        "Subject: s\n\nbody\n";
    auto copies = prepare_originals(as_bytes(lf), {});
    REQUIRE(copies);
    REQUIRE(copies->size() == 2);
    CHECK(text_of((*copies)[1].message) == "To: b@y.test\nSubject: s\n\nbody\n");
}

TEST_CASE("original: refusals", "[core][original]") {
    auto none = prepare_originals(as_bytes("Subject: nobody\r\n\r\nbody\r\n"), {});
    REQUIRE_FALSE(none);
    CHECK(none.error().code == OriginalError::Code::NoRecipient);
    auto empty_group = prepare_originals(as_bytes("To: undisclosed-recipients:;\r\n\r\nb\r\n"), {});
    CHECK(empty_group.error().code == OriginalError::Code::NoRecipient);
    auto bad = prepare_originals(as_bytes("To: not an address\r\n\r\nb\r\n"), {});
    CHECK(bad.error().code == OriginalError::Code::BadAddress);
    auto truncated = prepare_originals(as_bytes("To: a@b.test\r\nSubject: x"), {});
    CHECK(truncated.error().code == OriginalError::Code::BadHeader);
    OriginalLimits two;
    two.max_recipients = 2;
    auto many =
        prepare_originals(as_bytes("To: a@b.test, c@d.test, e@f.test\r\n\r\nb\r\n"), {}, two);
    CHECK(many.error().code == OriginalError::Code::TooManyRecipients);
    auto quoted = split_address_list("\"a, <b@c.test>\" <d@e.test> (x, <y@z.test>)", 10);
    REQUIRE(quoted);
    CHECK(*quoted == std::vector<std::string>{"d@e.test"});
}
