// SPDX-License-Identifier: BSD-2-Clause
// plaintext_test.cpp - core/node/plaintext.h: which mail to the mix address
// is a mix message, an admin command or plain mail; and what the Node
// decides for each (plain mail Quarantine, admin commands refused for now,
// mix messages that fail a check still destroyed).
#include "core/node/plaintext.h"

#include <catch2/catch.hpp>

#include "core/sender/creator.h"
#include "core_test_util.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;

namespace {

MailClass classify(const std::string& text) { return classify_mail(as_bytes(text)); }

const std::string kReceived =
    "Received: from client.example by mix.example; Tue, 1 Dec 2026 10:00:00 +0000\r\n";

}  // namespace

TEST_CASE("plaintext: plain mail to the mix address is Other", "[core][plaintext]") {
    CHECK(classify(kReceived + "From: a@b.example\r\nSubject: hello\r\n\r\nHi there\r\n").kind ==
          MailClass::Kind::Other);
    CHECK(classify("Subject: no body\r\n").kind == MailClass::Kind::Other);  // header only
    CHECK(classify("Subject: remailer-helpful\r\n\r\n").kind == MailClass::Kind::Other);
    CHECK(classify("Subject: re: remailer-key\r\n\r\n").kind == MailClass::Kind::Other);
    // Armor quoted inside a line is not a mix body.
    CHECK(classify("Subject: x\r\n\r\nsee -----BEGIN PGP MESSAGE----- above\r\n").kind ==
          MailClass::Kind::Other);
}

TEST_CASE("plaintext: Remailer-Type or an armored body makes a mix message", "[core][plaintext]") {
    CHECK(classify(kReceived + "Remailer-Type: Mixtasy v1\r\n\r\nanything\r\n").kind ==
          MailClass::Kind::MixMessage);
    CHECK(classify("remailer-type: garbage\r\nSubject: remailer-help\r\n\r\n").kind ==
          MailClass::Kind::MixMessage);  // the field wins; the peel destroys it
    CHECK(classify("Subject: x\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nhQEM\r\n").kind ==
          MailClass::Kind::MixMessage);
    CHECK(classify("Subject: x\n\ntext\n-----BEGIN PGP ARMORED FILE-----\n").kind ==
          MailClass::Kind::MixMessage);
}

TEST_CASE("plaintext: an unreadable header is a mix message, never quarantined",
          "[core][plaintext]") {
    CHECK(classify("no colon on this line\r\n\r\nbody\r\n").kind == MailClass::Kind::MixMessage);
    CHECK(classify(std::string(70 * 1024, 'x')).kind == MailClass::Kind::MixMessage);
    CHECK(classify("Subject: x\r\n\tfolded\r\nbad line\r\n\r\n").kind ==
          MailClass::Kind::MixMessage);
    CHECK(classify("").kind == MailClass::Kind::Other);  // empty mail: plain, held
}

TEST_CASE("plaintext: the remailer-* commands of Mixmaster v2 6.2, any case", "[core][plaintext]") {
    for (auto [subject, want] : {std::pair{"remailer-help", AdminCommand::Help},
                                 {"REMAILER-HELP-ar", AdminCommand::Help},
                                 {"  remailer-key  ", AdminCommand::Key},
                                 {"Remailer-Stats", AdminCommand::Stats},
                                 {"remailer-conf", AdminCommand::Conf},
                                 {"remailer-adminkey", AdminCommand::AdminKey}}) {
        INFO(subject);
        const MailClass c = classify(std::string("Subject: ") + subject + "\r\n\r\n");
        REQUIRE(c.kind == MailClass::Kind::AdminCommand);
        CHECK(c.which == want);
    }
    CHECK(std::string(to_string(AdminCommand::AdminKey)) == "remailer-adminkey");
    CHECK(classify("Subject: remailer-help-arabic\r\n\r\n").kind == MailClass::Kind::Other);
}

TEST_CASE("plaintext: the node quarantines plain mail and answers admin commands",
          "[core][plaintext][node]") {
    TestNet net(4);
    const std::string to = mix_address(0);
    Decision plain = net.hop(to, as_bytes(kReceived + "Subject: hi\r\n\r\nplain text\r\n"));
    CHECK(plain.kind == Decision::Kind::Quarantine);
    CHECK(plain.reason == "not-a-mix-message");
    Decision admin = net.hop(to, as_bytes(std::string("Subject: remailer-key\r\n\r\n")));
    CHECK(admin.kind == Decision::Kind::Dropped);
    CHECK(admin.reason == "service-request");  // answered (node_services_test)
    // A mix message that fails a check is still destroyed, never held.
    Decision bad =
        net.hop(to, as_bytes(std::string("Remailer-Type: Mixtasy v1\r\n\r\nnot pgp\r\n")));
    CHECK(bad.kind == Decision::Kind::Dropped);
    Decision armored = net.hop(
        to, as_bytes(std::string("Subject: x\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\nAAAA\r\n"
                                 "-----END PGP MESSAGE-----\r\n")));
    CHECK(armored.kind == Decision::Kind::Dropped);
    // And a real one still goes through.
    auto created =
        create_messages(net.ring, net.addresses(),
                        as_bytes(std::string("To: bob@dest.example\r\nSubject: s\r\n\r\nbody\r\n")),
                        net.clock->now(), *net.random);
    REQUIRE(created);
    CHECK(net.hop(to, created->front().message).kind == Decision::Kind::Pooled);
}
