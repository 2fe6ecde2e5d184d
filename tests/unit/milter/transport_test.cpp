// SPDX-License-Identifier: BSD-2-Clause
// transport_test.cpp - SmtpTransport against a loopback sink answering
// 250/451/554; SendmailTransport against scripts that exit 0/75/67.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <sys/stat.h>
#include <unistd.h>

#include "milter/log.h"
#include "milter/sendmail_transport.h"
#include "milter/smtp_transport.h"
#include "tests/unit/milter/smtp_sink.h"
#include "tests/unit/temp_dir.h"

using namespace mixtasy;
using namespace mixtasy::milter;
using mixtasy::milter::testing::SmtpSink;

namespace {

const std::string kMessage =
    "From: nobody@mix.example\r\nTo: mixtasy@next.example\r\n\r\n"
    ".leading dot\r\n-----BEGIN PGP MESSAGE-----\r\nxyz\r\n-----END PGP MESSAGE-----\r\n";

core::OutgoingMessage outgoing(const std::string& to = "mixtasy@next.example",
                               const std::string& from = "mixtasy@mix.example") {
    static std::string f, t;
    f = from;
    t = to;
    return core::OutgoingMessage{f, t, as_bytes(kMessage)};
}

struct QuietLog {
    QuietLog() { log_set_level(LogLevel::Error); }
    ~QuietLog() { log_set_level(LogLevel::Info); }
};

}  // namespace

TEST_CASE("smtp transport: 250 is Accepted and the message arrives intact", "[transport]") {
    SmtpSink sink;
    SmtpTransport t({sink.url(), std::chrono::seconds(10)});
    CHECK(t.send(outgoing()) == core::SendResult::Accepted);
    auto got = sink.messages();
    REQUIRE(got.size() == 1);
    CHECK(got[0].mail_from == "<mixtasy@mix.example>");
    CHECK(got[0].rcpts == std::vector<std::string>{"<mixtasy@next.example>"});
    CHECK(got[0].data == kMessage);
}

TEST_CASE("smtp transport: the null sender and several messages on one connection", "[transport]") {
    SmtpSink sink;
    SmtpTransport t({sink.url(), std::chrono::seconds(10)});
    for (int i = 0; i < 5; ++i)
        CHECK(t.send(outgoing("r@x.example", "")) == core::SendResult::Accepted);
    auto got = sink.messages();
    REQUIRE(got.size() == 5);
    CHECK(got[0].mail_from == "<>");
    CHECK(sink.connections() == 1);
}

TEST_CASE("smtp transport: 451 after DATA is TempFail", "[transport]") {
    QuietLog quiet;
    SmtpSink sink;
    sink.data_reply = "451 4.3.0 try later";
    SmtpTransport t({sink.url(), std::chrono::seconds(10)});
    CHECK(t.send(outgoing()) == core::SendResult::TempFail);
    CHECK(sink.messages().empty());
}

TEST_CASE("smtp transport: 554 after DATA is PermFail", "[transport]") {
    QuietLog quiet;
    SmtpSink sink;
    sink.data_reply = "554 5.7.1 no";
    SmtpTransport t({sink.url(), std::chrono::seconds(10)});
    CHECK(t.send(outgoing()) == core::SendResult::PermFail);
}

TEST_CASE("smtp transport: RCPT refusals map 4xx/5xx", "[transport]") {
    QuietLog quiet;
    SmtpSink sink;
    SECTION("550") {
        sink.rcpt_reply = "550 5.1.1 no such user";
        SmtpTransport t({sink.url(), std::chrono::seconds(10)});
        CHECK(t.send(outgoing()) == core::SendResult::PermFail);
    }
    SECTION("450") {
        sink.rcpt_reply = "450 4.2.0 busy";
        SmtpTransport t({sink.url(), std::chrono::seconds(10)});
        CHECK(t.send(outgoing()) == core::SendResult::TempFail);
    }
}

TEST_CASE("smtp transport: nobody listening is TempFail", "[transport]") {
    QuietLog quiet;
    int port = 0;
    {
        SmtpSink sink;
        port = sink.port();
    }  // closed again
    SmtpTransport t({"smtp://127.0.0.1:" + std::to_string(port), std::chrono::seconds(5)});
    CHECK(t.send(outgoing()) == core::SendResult::TempFail);
}

TEST_CASE("smtp transport: unsafe addresses are refused without connecting", "[transport]") {
    QuietLog quiet;
    SmtpSink sink;
    SmtpTransport t({sink.url(), std::chrono::seconds(5)});
    CHECK(t.send(outgoing("a@b\r\nRCPT TO:<c@d>")) == core::SendResult::PermFail);
    CHECK(t.send(outgoing("a@b>")) == core::SendResult::PermFail);
    CHECK(t.send(outgoing("")) == core::SendResult::PermFail);
    CHECK(sink.connections() == 0);
}

namespace {

// A stand-in sendmail: records its arguments and stdin, exits with `code`.
std::string fake_sendmail(const std::string& dir, int code) {
    const std::string path = dir + "/sendmail";
    std::ofstream s(path);
    s << "#!/bin/sh\nprintf '%s\\n' \"$@\" > " << dir << "/args\ncat > " << dir << "/stdin\nexit "
      << code << "\n";
    s.close();
    ::chmod(path.c_str(), 0755);
    return path;
}

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
}

using mixtasy::testing::TempDir;

}  // namespace

TEST_CASE("sendmail transport: exit 0 is Accepted, arguments and message as expected",
          "[transport]") {
    TempDir dir;
    SendmailTransport t(fake_sendmail(dir.path().string(), 0), std::chrono::seconds(10));
    CHECK(t.send(outgoing()) == core::SendResult::Accepted);
    CHECK(slurp(dir.path().string() + "/args") ==
          "-i\n-f\nmixtasy@mix.example\n--\nmixtasy@next.example\n");
    CHECK(slurp(dir.path().string() + "/stdin") == kMessage);
    CHECK(t.send(outgoing("r@x.example", "")) == core::SendResult::Accepted);
    CHECK(slurp(dir.path().string() + "/args") == "-i\n-f\n<>\n--\nr@x.example\n");
}

TEST_CASE("sendmail transport: exit codes map to TempFail and PermFail", "[transport]") {
    QuietLog quiet;
    TempDir dir;
    CHECK(SendmailTransport(fake_sendmail(dir.path().string(), 75), std::chrono::seconds(10))
              .send(outgoing()) == core::SendResult::TempFail);
    CHECK(SendmailTransport(fake_sendmail(dir.path().string(), 67), std::chrono::seconds(10))
              .send(outgoing()) == core::SendResult::PermFail);
    CHECK(SendmailTransport(fake_sendmail(dir.path().string(), 1), std::chrono::seconds(10))
              .send(outgoing()) == core::SendResult::TempFail);
    CHECK(SendmailTransport(dir.path().string() + "/missing", std::chrono::seconds(10))
              .send(outgoing()) == core::SendResult::TempFail);
}

TEST_CASE("sendmail transport: an early exit does not kill us, a hang times out", "[transport]") {
    QuietLog quiet;
    TempDir dir;
    {
        std::ofstream s(dir.path().string() + "/early");
        s << "#!/bin/sh\nexit 0\n";
    }
    ::chmod((dir.path().string() + "/early").c_str(), 0755);
    static std::string big(4 * 1024 * 1024, 'x');
    core::OutgoingMessage m{"a@b.example", "c@d.example", as_bytes(big)};
    auto r = SendmailTransport(dir.path().string() + "/early", std::chrono::seconds(10)).send(m);
    CHECK(r == core::SendResult::TempFail);  // not all of it was taken
    {
        std::ofstream s(dir.path().string() + "/hang");
        s << "#!/bin/sh\nexec sleep 30\n";
    }
    ::chmod((dir.path().string() + "/hang").c_str(), 0755);
    const auto start = std::chrono::steady_clock::now();
    CHECK(SendmailTransport(dir.path().string() + "/hang", std::chrono::seconds(1))
              .send(outgoing()) == core::SendResult::TempFail);
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
}

TEST_CASE("sendmail transport: option-like addresses are refused", "[transport]") {
    QuietLog quiet;
    TempDir dir;
    SendmailTransport t(fake_sendmail(dir.path().string(), 0), std::chrono::seconds(10));
    CHECK(t.send(outgoing("-oQ/tmp")) == core::SendResult::PermFail);
    CHECK(t.send(outgoing("ok@x.example", "-bs")) == core::SendResult::PermFail);
}
