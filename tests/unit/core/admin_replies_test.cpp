// SPDX-License-Identifier: BSD-2-Clause
// admin_replies_test.cpp - the remailer-* reply texts (core/admin/
// admin_replies.h): which Subjects are commands, what each reply says, and
// that the stats never show cover traffic on its own.
#include "core/admin/admin_replies.h"

#include <catch2/catch.hpp>

#include "core/keys/node_key.h"
#include "core/ports/random.h"
#include "crypto/key_io.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

AdminInfo info() {
    AdminInfo i;
    i.address = "mixtasy@mix1.test";
    i.version = "mixtasy-milter 0.1.0";
    i.modes = {"middleman", "exitpublic"};
    i.max_message_bytes = 256 * 1024;
    i.max_original_bytes = 20 * 1024;
    i.pool_interval = std::chrono::seconds(900);
    i.pool_min_messages = 45;
    i.pool_min_keep = 5;
    i.pool_fraction = 0.65;
    i.blocked_destinations = 3;
    return i;
}

bool contains(const std::string& s, const std::string& part) {
    return s.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("admin: the five subjects and nothing else", "[core][admin]") {
    CHECK(admin_command_of("remailer-help") == AdminCommand::Help);
    CHECK(admin_command_of("  Remailer-Key \r\n") == AdminCommand::Key);
    CHECK(admin_command_of("REMAILER-STATS") == AdminCommand::Stats);
    CHECK(admin_command_of("remailer-conf") == AdminCommand::Conf);
    CHECK(admin_command_of("remailer-adminkey") == AdminCommand::AdminKey);
    CHECK(!admin_command_of("remailer-helpme"));
    CHECK(!admin_command_of("Re: remailer-help"));
    CHECK(!admin_command_of(""));
    CHECK(std::string(to_string(AdminCommand::Conf)) == "remailer-conf");
}

TEST_CASE("admin: help and conf name what an operator and a sender need", "[core][admin]") {
    const std::string help = remailer_help(info());
    CHECK(contains(help, "mixtasy@mix1.test"));
    CHECK(contains(help, "remailer-adminkey"));
    CHECK(contains(help, "\r\n"));
    const std::string conf = remailer_conf(info());
    CHECK(contains(conf, "Remailer-Type: Mixtasy v1\r\n"));
    CHECK(contains(conf, "Modes: middleman, exitpublic\r\n"));
    CHECK(contains(conf, "Max-Message-Size: 262144\r\n"));
    CHECK(contains(conf, "Max-Original-Size: 20480\r\n"));
    CHECK(contains(conf, "Pool-Interval: 900\r\n"));
    CHECK(contains(conf, "Pool-Min-Messages: 45\r\n"));
    CHECK(contains(conf, "Pool-Fraction: 0.65\r\n"));
    CHECK(contains(conf, "Blocked-Destinations: 3\r\n"));
    CHECK(contains(conf, "Exit-Rate-Per-Hour: unlimited\r\n"));
    CHECK(contains(conf, "Software: mixtasy-milter 0.1.0\r\n"));
}

TEST_CASE("admin: stats add cover traffic into pooled, per day, newest first", "[core][admin]") {
    const std::int64_t day = 19700;  // 2023-12-09
    const std::vector<store::StatRow> rows = {
        {day, "pooled", 10}, {day, "dummy", 4},    {day, "sent", 12},
        {day, "failed", 1},  {day + 1, "sent", 3}, {day - 5, "pooled", 99},  // outside the range
    };
    const std::string stats = remailer_stats(rows, day, day + 1);
    CHECK(contains(stats, "2023-12-09       14      12\r\n"));
    CHECK(contains(stats, "2023-12-10        0       3\r\n"));
    CHECK(stats.find("2023-12-10") < stats.find("2023-12-09"));
    CHECK(!contains(stats, "dummy"));
    CHECK(!contains(stats, "99"));
}

TEST_CASE("admin: the admin key, or a line saying there is none", "[core][admin]") {
    AdminInfo i = info();
    CHECK(contains(remailer_adminkey(i), "not published"));
    i.admin_key = "-----BEGIN PGP PUBLIC KEY BLOCK-----\nabc\n-----END PGP PUBLIC KEY BLOCK-----\n";
    CHECK(remailer_adminkey(i) ==
          "-----BEGIN PGP PUBLIC KEY BLOCK-----\r\nabc\r\n-----END PGP PUBLIC KEY BLOCK-----\r\n");
}

TEST_CASE("admin: remailer-key is the node's certificate, armored", "[core][admin]") {
    DeterministicRandom random(9);
    const auto key = unit::make_mix_key("mixtasy@mix1.test", {"middleman"}, random, 1700000000);
    const std::string text = remailer_key(key.cert);
    CHECK(text.rfind("-----BEGIN PGP PUBLIC KEY BLOCK-----\r\n", 0) == 0);
    auto back = crypto::read_certificate(as_bytes(text));
    REQUIRE(back);
    CHECK(back->fingerprint() == key.cert.fingerprint());
}
