// SPDX-License-Identifier: BSD-2-Clause
// reply_mail_test.cpp - core/node/reply_mail.h: the header of a service
// reply, its refusals, and a signature our verifier accepts.
#include "core/node/reply_mail.h"

#include <catch2/catch.hpp>

#include "core/keys/node_key.h"
#include "core/ports/random.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

crypto::SecretCertificate node_key(Random& random) {
    return unit::make_mix_key("mixtasy@mix1.test", {"middleman"}, random, 1700000000);
}

}  // namespace

TEST_CASE("reply mail: header lines, CRLF, clearsigned body", "[core][reply]") {
    DeterministicRandom random(7);
    const auto key = node_key(random);
    auto mail = build_reply({"keys@mix1.test", "alice@users.test", "Key retrieval reply"},
                            "line one\r\n", key.primary, from_unix(1700000200), random);
    REQUIRE(mail);
    const std::string text(mail->begin(), mail->end());
    CHECK(text.rfind("From: keys@mix1.test\r\nTo: alice@users.test\r\n"
                     "Subject: Key retrieval reply\r\nDate: ",
                     0) == 0);
    CHECK(text.find("\r\nMessage-ID: <") != std::string::npos);
    CHECK(text.find("@mix1.test>\r\n") != std::string::npos);
    CHECK(text.find("\r\nAuto-Submitted: auto-replied\r\n\r\n"
                    "-----BEGIN PGP SIGNED MESSAGE-----\r\n") != std::string::npos);
    CHECK(text.find("line one\r\n-----BEGIN PGP SIGNATURE-----") != std::string::npos);
    for (std::size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\n') REQUIRE((i > 0 && text[i - 1] == '\r'));
    }
}

TEST_CASE("reply mail: a forged envelope sender cannot inject a header", "[core][reply]") {
    DeterministicRandom random(8);
    const auto key = node_key(random);
    const Instant now = from_unix(1700000200);
    auto to = [&](std::string addr) {
        auto mail = build_reply({"keys@mix1.test", addr, "s"}, "x", key.primary, now, random);
        return mail ? std::string("ok") : mail.error();
    };
    CHECK(to("alice@users.test") == "ok");
    CHECK(to("") == "bad-recipient");  // a bounce's null sender
    CHECK(to("alice@users.test\r\nBcc: victim@x.test") == "bad-recipient");
    CHECK(to("Alice <alice@users.test>") == "bad-recipient");
    auto subject =
        build_reply({"keys@mix1.test", "a@b.test", "x\r\nBcc: v@x"}, "x", key.primary, now, random);
    REQUIRE_FALSE(subject);
    CHECK(subject.error() == "bad-subject");
    auto from = build_reply({"", "a@b.test", "s"}, "x", key.primary, now, random);
    REQUIRE_FALSE(from);
    CHECK(from.error() == "bad-sender");
}
