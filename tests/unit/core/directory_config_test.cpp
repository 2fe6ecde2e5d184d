// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/sender/client_config.h: the sender's `Key value` file.
#include <catch2/catch.hpp>

#include <string>

#include "core/sender/client_config.h"

using namespace mixtasy;
using namespace mixtasy::core;

TEST_CASE("client config: keys, repeats, comments and defaults", "[core][directory][config]") {
    auto c = parse_client_config(
        "# the sender's mixtasy.conf\n"
        "KeyServer hkps://keys.example.org\n"
        "keyserver   hkp://127.0.0.1:11371   # a local one\n"
        "MixDomain Mix1.Example\r\n"
        "KeyServiceDomain Mix2.Example\n"
        "KeyServiceDomain mix3.example\n"
        "KeyFile /tmp/mixes.asc\n"
        "EnvelopeSender anon@home.example\n"
        "SmtpUrl smtp://mail.home.example:587\n"
        "MinSubkeyValidity 6h\n");
    REQUIRE(c);
    CHECK(c->key_servers ==
          std::vector<std::string>{"hkps://keys.example.org", "hkp://127.0.0.1:11371"});
    CHECK(c->mix_domains == std::vector<std::string>{"mix1.example"});
    CHECK(c->key_service_domains == std::vector<std::string>{"mix2.example", "mix3.example"});
    CHECK(c->key_files == std::vector<std::string>{"/tmp/mixes.asc"});
    CHECK(c->envelope_sender == "anon@home.example");
    CHECK(c->smtp_url == "smtp://mail.home.example:587");
    CHECK(c->sendmail == "/usr/sbin/sendmail");
    CHECK(c->min_subkey_validity == std::chrono::hours(6));
    CHECK(c->half_life == std::chrono::hours(24));
}

TEST_CASE("client config: each refusal names its line", "[core][directory][config]") {
    auto line_of = [](const std::string& text) {
        auto c = parse_client_config(text);
        REQUIRE_FALSE(c);
        return c.error().line;
    };
    CHECK(line_of("\nBogus value\n") == 2);
    CHECK(line_of("KeyServer ftp://x\n") == 1);
    CHECK(line_of("MixDomain not a domain\n") == 1);
    CHECK(line_of("KeyServiceDomain a b\n") == 1);
    CHECK(line_of("EnvelopeSender <bad>\n") == 1);
    CHECK(parse_client_config("EnvelopeSender <>\n")->envelope_sender == std::string());
    CHECK_FALSE(parse_client_config("")->envelope_sender);
    CHECK(line_of("Sendmail /a\nSendmail /b\n") == 2);
    CHECK(line_of("HalfLife 0\n") == 1);
    CHECK(line_of("HalfLife 400d\n") == 1);
    CHECK(line_of("KeyServer\n") == 1);
    CHECK(line_of(std::string(2000, 'x') + "\n") == 1);
    CHECK(line_of(std::string(70 * 1024, '#')) == 0);
    CHECK(line_of(std::string("Sendmail /a\0b\n", 14)) == 0);
}

TEST_CASE("client config: ranking keys and the minimum rank", "[core][directory][config]") {
    auto c = parse_client_config("RankingKey /a.asc\nRankingKey /b.asc\nMinRank 2\n");
    REQUIRE(c);
    CHECK(c->ranking_keys == std::vector<std::string>{"/a.asc", "/b.asc"});
    CHECK(c->min_rank == 2);
    CHECK(parse_client_config("")->min_rank == 0);
    CHECK(parse_client_config("")->ranking_keys.empty());
    for (const char* bad : {"MinRank\n", "MinRank x\n", "MinRank -1\n", "MinRank 101\n",
                            "MinRank 1 2\n", "MinRank 1\nMinRank 2\n", "RankingKey\n",
                            "RankingKey -x\n"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_client_config(bad));
    }
}
