// SPDX-License-Identifier: BSD-2-Clause
// config_test.cpp - mixtasy-milter.conf parsing: defaults, every key, errors
// with line numbers.
#include "common/build_config.h"
#include "milter/config.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdio>
#include <cctype>
#include <fstream>
#include <set>
#include <syslog.h>
#include <unistd.h>

using namespace mixtasy::milter;

namespace {
std::string temp_path(const char* tag) {
    return "/tmp/mixtasy-milter-test-" + std::to_string(::getpid()) + "-" + tag;
}
}  // namespace

TEST_CASE("config: an empty file gives the documented defaults", "[config]") {
    auto c = parse_config("");
    REQUIRE(c);
    // A unix socket under Postfix's chroot, for the MTA's group only.
    CHECK(c->socket == "unix:/var/spool/postfix/mixtasy/milter.sock");
    CHECK(c->socket_group == "postfix");
    CHECK(c->umask == 007);
    CHECK(c->user_id.empty());
    CHECK_FALSE(c->allow_root);
    CHECK(c->pid_file.empty());
    CHECK(c->syslog);
    CHECK(c->syslog_facility == LOG_MAIL);
    CHECK(c->log_level == LogLevel::Info);
    CHECK(c->max_message_size == 256 * 1024);
    CHECK(c->quarantine);
    CHECK(c->reinject_url == "smtp://127.0.0.1:10026");
    CHECK(c->reinject_timeout == std::chrono::seconds(60));
    // /var/lib/mixtasy-milter for a package (prefix /usr); a source build
    // under /usr/local has it under /usr/local/var (GNUInstallDirs).
    CHECK(c->node.home == mixtasy::build::kDefaultStateDir);
    CHECK(c->node.database == std::string(mixtasy::build::kDefaultStateDir) + "/node.db");
    CHECK(c->node.pool.interval == std::chrono::seconds(900));
    CHECK(c->node.pool.min_pool == 45);
    CHECK(c->node.pool.min_keep == 0);
    CHECK(c->node.pool.fraction == Approx(0.65));
}

TEST_CASE("config: every key is read", "[config]") {
    const std::string blocklist = temp_path("blocklist");
    {
        std::ofstream out(blocklist);
        out << "# comment\n\nVictim@Example.org\n  example.net  \n";
    }
    const std::string text =
        "# mixtasy-milter.conf\n"
        "Socket            unix:/run/mixtasy-milter/milter.sock\n"
        "UMask             002\n"
        "UserID            mixtasy:mixtasy\n"
        "PidFile           /run/mixtasy-milter/pid\n"
        "Syslog            no\n"
        "SyslogFacility    local3\n"
        "LogLevel          debug\n"
        "Home              /srv/mix\n"
        "SubkeyLifetime    3d\n"
        "Database          /srv/db/node.db\n"
        "LocalDomains      Example.org, example.net\texample.com\n"
        "AnonymousFrom     nobody@mix.example\n"
        "BlockList         " +
        blocklist +
        "\n"
        "ExitRatePerHour   20\n"
        "PoolInterval      5m\n"
        "PoolMinMessages   0\n"
        "PoolMinKeep       3\n"
        "PoolFraction      0.5\n"
        "PoolRetryBase     2s\n"
        "PoolRetryMax      1m\n"
        "MaxMessageSize    1m\n"
        "ReinjectURL       sendmail:/usr/sbin/sendmail\n"
        "ReinjectTimeout   30\n"
        "Quarantine        off\r\n";
    auto c = parse_config(text);
    std::remove(blocklist.c_str());
    INFO((c ? std::string() : format_problems("test", c.error())));
    REQUIRE(c);
    CHECK(c->socket == "unix:/run/mixtasy-milter/milter.sock");
    CHECK(c->umask == 002);
    CHECK(c->user_id == "mixtasy:mixtasy");
    CHECK(c->pid_file == "/run/mixtasy-milter/pid");
    CHECK_FALSE(c->syslog);
    CHECK(c->syslog_facility == LOG_LOCAL3);
    CHECK(c->log_level == LogLevel::Debug);
    CHECK(c->node.home == "/srv/mix");
    CHECK(c->node.subkey_validity == std::chrono::seconds(3 * 24 * 3600));
    CHECK(c->node.database == "/srv/db/node.db");
    CHECK(c->node.local_domains ==
          std::vector<std::string>{"example.org", "example.net", "example.com"});
    CHECK(c->node.anonymous_from == "nobody@mix.example");
    CHECK(c->node.blocked_destinations ==
          std::vector<std::string>{"victim@example.org", "example.net"});
    CHECK(c->node.exit_rate_per_hour == 20);
    CHECK(c->node.pool.interval == std::chrono::seconds(300));
    CHECK(c->node.pool.min_pool == 0);
    CHECK(c->node.pool.min_keep == 3);
    CHECK(c->node.pool.fraction == Approx(0.5));
    CHECK(c->node.retry.retry_base == std::chrono::seconds(2));
    CHECK(c->node.retry.retry_max == std::chrono::seconds(60));
    CHECK(c->max_message_size == 1024 * 1024);
    CHECK(c->reinject_url == "sendmail:/usr/sbin/sendmail");
    CHECK(c->reinject_timeout == std::chrono::seconds(30));
    CHECK_FALSE(c->quarantine);
}

TEST_CASE("config: keys are case-insensitive and Database follows Home", "[config]") {
    auto c = parse_config("home /srv/x\nSOCKET inet6:9000@::1\n");
    REQUIRE(c);
    CHECK(c->node.database == "/srv/x/node.db");
    CHECK(c->socket == "inet6:9000@::1");
}

TEST_CASE("config: every problem is reported with its line number", "[config]") {
    const std::string text =
        "Socket inet:8895@127.0.0.1\n"     // 1 ok
        "Frobnicate yes\n"                 // 2 unknown key
        "\n"                               // 3
        "PoolFraction 1.5\n"               // 4 out of range
        "Socket unix:/x\n"                 // 5 repeated
        "MaxMessageSize\n"                 // 6 missing value
        "UMask 999\n"                      // 7 not octal
        "LogLevel chatty\n"                // 8
        "ReinjectURL http://x\n"           // 9
        "BlockList /nonexistent/blocks\n"  // 10
        "PoolInterval 0\n"                 // 11
        "Syslog maybe\n"                   // 12
        "Socket2 x\n";                     // 13 unknown
    auto c = parse_config(text);
    REQUIRE_FALSE(c);
    std::vector<std::size_t> lines;
    for (const auto& p : c.error()) lines.push_back(p.line);
    CHECK(lines == std::vector<std::size_t>{2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13});
    const std::string rendered = format_problems("/etc/m.conf", c.error());
    CHECK(rendered.find("/etc/m.conf:2: unknown key 'Frobnicate'\n") != std::string::npos);
    CHECK(rendered.find("/etc/m.conf:5: Socket: given more than once\n") != std::string::npos);
}

TEST_CASE("config: SubkeyLifetime defaults to two days and refuses less than an hour", "[config]") {
    auto d = parse_config("Socket inet:8895@127.0.0.1\n");
    REQUIRE(d);
    CHECK(d->node.subkey_validity == std::chrono::seconds(2 * 24 * 3600));
    CHECK(parse_config("SubkeyLifetime 1h\n"));
    CHECK_FALSE(parse_config("SubkeyLifetime 59m\n"));
    CHECK_FALSE(parse_config("SubkeyLifetime 0\n"));
    CHECK_FALSE(parse_config("SubkeyLifetime 200000d\n"));
}

TEST_CASE("config: socket specifications are checked", "[config]") {
    CHECK(parse_config("Socket inet:8895\n"));
    CHECK(parse_config("Socket local:/run/m.sock\n"));
    CHECK_FALSE(parse_config("Socket inet:0@localhost\n"));
    CHECK_FALSE(parse_config("Socket inet:70000@localhost\n"));
    CHECK_FALSE(parse_config("Socket inet:8895@\n"));
    CHECK_FALSE(parse_config("Socket unix:relative.sock\n"));
    CHECK_FALSE(parse_config("Socket tcp:8895@host\n"));
    CHECK_FALSE(parse_config("Socket 8895\n"));
}

TEST_CASE("config: sizes and limits", "[config]") {
    CHECK(parse_config("MaxMessageSize 64m\n"));
    CHECK_FALSE(parse_config("MaxMessageSize 65m\n"));
    CHECK_FALSE(parse_config("MaxMessageSize 100\n"));
    CHECK_FALSE(parse_config("MaxMessageSize -1\n"));
    CHECK_FALSE(parse_config("MaxMessageSize 99999999999999999999999\n"));
    CHECK_FALSE(parse_config("PoolFraction 0\n"));
    CHECK(parse_config("PoolFraction 1\n"));
    const std::string long_line = "Home /" + std::string(kMaxLineLength, 'a') + "\n";
    auto c = parse_config(long_line);
    REQUIRE_FALSE(c);
    CHECK(c.error().front().line == 1);
}

TEST_CASE("config: load_config reads a file and reports a missing one", "[config]") {
    const std::string path = temp_path("conf");
    {
        std::ofstream out(path);
        out << "LogLevel warning\n";
    }
    auto c = load_config(path);
    std::remove(path.c_str());
    REQUIRE(c);
    CHECK(c->log_level == LogLevel::Warning);
    auto missing = load_config(path);
    REQUIRE_FALSE(missing);
    CHECK(missing.error().front().line == 0);
}

TEST_CASE("config: AllowRoot and SocketGroup", "[config]") {
    auto c = parse_config("AllowRoot yes\nSocketGroup mail\n");
    REQUIRE(c);
    CHECK(c->allow_root);
    CHECK(c->socket_group == "mail");
    CHECK_FALSE(parse_config("AllowRoot maybe\n"));
    CHECK_FALSE(parse_config("SocketGroup postfix:postfix\n"));
    CHECK_FALSE(parse_config("SocketGroup two groups\n"));
    // The inet form stays an explicit choice.
    auto inet = parse_config("Socket inet:8895@127.0.0.1\n");
    REQUIRE(inet);
    CHECK(inet->socket == "inet:8895@127.0.0.1");
}

TEST_CASE("config: the exit's domain and global hourly caps are on by default", "[config]") {
    auto d = parse_config("");
    REQUIRE(d);
    CHECK(d->node.exit_domain_rate_per_hour == mixtasy::core::kDefaultDomainRatePerHour);
    CHECK(d->node.exit_global_rate_per_hour == mixtasy::core::kDefaultGlobalRatePerHour);
    CHECK(d->node.exit_domain_rate_per_hour > 0);
    auto c = parse_config("ExitDomainRatePerHour 7\nexitglobalrateperhour 0\n");
    REQUIRE(c);
    CHECK(c->node.exit_domain_rate_per_hour == 7);
    CHECK(c->node.exit_global_rate_per_hour == 0);  // 0: no cap, as for ExitRatePerHour
    CHECK_FALSE(parse_config("ExitDomainRatePerHour many\n"));
    CHECK_FALSE(parse_config("ExitGlobalRatePerHour -1\n"));
}

TEST_CASE("config: the multipart limits default to the node's and are read", "[config]") {
    auto d = parse_config("");
    REQUIRE(d);
    const mixtasy::core::NodeOptions defaults;
    CHECK(d->node.max_original_bytes == mixtasy::core::kMaxOriginalSize);
    CHECK(d->node.multipart.max_open_sets == defaults.multipart.max_open_sets);
    CHECK(d->node.multipart.max_buffer_bytes == 32 * 1024 * 1024);
    CHECK(d->node.multipart.window == std::chrono::hours(1));
    CHECK(d->node.multipart.max_window_sets == 64);
    CHECK(d->node.multipart.max_window_bytes == 8 * 1024 * 1024);
    auto c = parse_config(
        "MaxOriginalSize 2m\nMultipartMaxSets 10\nMultipartMaxBytes 0\n"
        "MultipartWindow 30m\nMultipartWindowSets 5\nMultipartWindowBytes 4m\n");
    REQUIRE(c);
    CHECK(c->node.max_original_bytes == 2 * 1024 * 1024);
    CHECK(c->node.multipart.max_open_sets == 10);
    CHECK(c->node.multipart.max_buffer_bytes == 0);
    CHECK(c->node.multipart.window == std::chrono::minutes(30));
    CHECK(c->node.multipart.max_window_sets == 5);
    CHECK(c->node.multipart.max_window_bytes == 4 * 1024 * 1024);
    CHECK_FALSE(parse_config("MaxOriginalSize 100\n"));
    CHECK_FALSE(parse_config("MaxOriginalSize 65m\n"));
    CHECK_FALSE(parse_config("MultipartWindow 0\n"));
    CHECK_FALSE(parse_config("MultipartMaxBytes lots\n"));
}

// ---- issue 15: the syntax an OpenDKIM admin expects ------------------------

TEST_CASE("config: '#' starts a comment anywhere on a line unless quoted", "[config]") {
    auto c = parse_config(
        "Socket inet:8895@127.0.0.1 # loopback only\n"
        "Home /srv/mix#1   # the quoted form below keeps a '#'\n"
        "PidFile \"/run/a#b.pid\"  # quoted\n"
        "   # an indented comment\n"
        "LogLevel debug#no blank before the comment\n");
    REQUIRE(c);
    CHECK(c->socket == "inet:8895@127.0.0.1");
    CHECK(c->node.home == "/srv/mix");
    CHECK(c->pid_file == "/run/a#b.pid");
    CHECK(c->log_level == LogLevel::Debug);
    auto open_quote = parse_config("PidFile \"/run/a.pid\n");
    REQUIRE_FALSE(open_quote);
    CHECK(open_quote.error().front().line == 1);
    // A value that is only a comment is a missing value.
    auto empty = parse_config("Home # nothing\n");
    REQUIRE_FALSE(empty);
    CHECK(empty.error().front().message == "Home: missing value");
}

TEST_CASE("config: booleans as opendkim.conf(5): the first letter decides", "[config]") {
    for (const char* yes : {"yes", "Y", "true", "T", "1", "TRUE", "yep", "on"}) {
        auto c = parse_config(std::string("Quarantine no\nAllowRoot ") + yes + "\n");
        REQUIRE(c);
        CHECK(c->allow_root);
        CHECK_FALSE(c->quarantine);
    }
    for (const char* no : {"no", "N", "false", "F", "0", "nope", "off"}) {
        auto c = parse_config(std::string("Syslog ") + no + "\n");
        REQUIRE(c);
        CHECK_FALSE(c->syslog);
    }
    CHECK_FALSE(parse_config("Syslog maybe\n"));
    CHECK_FALSE(parse_config("Syslog 2\n"));
}

TEST_CASE("config: every duration takes s/m/h/d units", "[config]") {
    auto c = parse_config(
        "PoolInterval 2h\nSubkeyLifetime 3d\nMultipartWindow 90s\nReinjectTimeout 2m\n");
    REQUIRE(c);
    CHECK(c->node.pool.interval == std::chrono::hours(2));
    CHECK(c->node.subkey_validity == std::chrono::hours(72));
    CHECK(c->node.multipart.window == std::chrono::seconds(90));
    CHECK(c->reinject_timeout == std::chrono::minutes(2));
    CHECK(parse_config("ReinjectTimeout 1h\n"));
    CHECK_FALSE(parse_config("ReinjectTimeout 61m\n"));
    CHECK_FALSE(parse_config("PoolInterval 1w\n"));
    CHECK_FALSE(parse_config("PoolInterval 1.5h\n"));
    CHECK_FALSE(parse_config("PoolInterval -1m\n"));
}

TEST_CASE("config: file errors name the file and the OS's reason", "[config]") {
    auto missing = load_config("/nonexistent/mixtasy-milter.conf");
    REQUIRE_FALSE(missing);
    const std::string rendered =
        format_problems("/nonexistent/mixtasy-milter.conf", missing.error());
    CHECK(rendered ==
          "/nonexistent/mixtasy-milter.conf: cannot open configuration file: No such file or "
          "directory\n");
    auto dir = load_config("/tmp");
    REQUIRE_FALSE(dir);
    CHECK(dir.error().front().message == "cannot read configuration file: Is a directory");
    auto block = parse_config("BlockList /nonexistent/blocks\n");
    REQUIRE_FALSE(block);
    CHECK(block.error().front().message ==
          "BlockList: cannot read block list file /nonexistent/blocks: No such file or directory");
}

TEST_CASE("config: the list of known keys is the table's, as documented", "[config]") {
    const auto keys = known_config_keys();
    CHECK(keys.size() >= 36);
    for (std::string_view k : {"Socket", "PoolInterval", "SubkeyLifetime", "AnonymousFrom",
                               "MessageIdDomain", "Mode", "KeyServer", "WkdDirectory"}) {
        CHECK(std::find(keys.begin(), keys.end(), k) != keys.end());
    }
    // Every listed key is accepted by the parser (in any case).
    for (std::string_view k : keys) {
        auto c = parse_config(std::string(k) + " x\n");
        if (!c) CHECK(c.error().front().message.find("unknown key") == std::string::npos);
    }
}

TEST_CASE("config: MessageIdDomain and Mode", "[config]") {
    auto d = parse_config("");
    REQUIRE(d);
    CHECK(d->node.message_id_domain.empty());  // the mix address's domain
    CHECK(d->modes.empty());                   // whatever the key says
    CHECK_FALSE(mode_mismatch(*d, {"middleman"}));
    auto c = parse_config("MessageIdDomain Mix1.Example\nMode middleman, ExitPublic\nHome /srv/m\n");
    REQUIRE(c);
    CHECK(c->node.message_id_domain == "mix1.example");
    CHECK(c->modes == std::vector<std::string>{"exitpublic", "middleman"});
    CHECK_FALSE(mode_mismatch(*c, {"middleman", "exitpublic"}));
    auto why = mode_mismatch(*c, {"middleman"});
    REQUIRE(why);
    CHECK(why->find("mixtasy key mode --home /srv/m exitpublic,middleman") != std::string::npos);
    CHECK_FALSE(parse_config("Mode exitsometimes\n"));
    CHECK_FALSE(parse_config("MessageIdDomain nobody@mix1.example\n"));
}

TEST_CASE("config: conf/mixtasy-milter.conf documents exactly the known keys", "[config]") {
    // Every key appears in the sample as a commented-out "#Key value" line,
    // and no such line names a key the parser does not know.
    std::ifstream in(std::string(MIXTASY_TEST_DATA) + "/../../conf/mixtasy-milter.conf");
    REQUIRE(in);
    std::set<std::string> documented;
    std::string line;
    while (std::getline(in, line)) {
        if (line.size() < 2 || line[0] != '#' || !std::isupper(static_cast<unsigned char>(line[1])))
            continue;
        documented.insert(line.substr(1, line.find_first_of(" \t") - 1));
    }
    std::set<std::string> known;
    for (std::string_view k : known_config_keys()) known.emplace(k);
    CHECK(documented == known);
}

TEST_CASE("config: the key service keys, and publication only where the socket vouches",
          "[config]") {
    auto d = parse_config("");
    REQUIRE(d);
    CHECK(d->node.service_domains.empty());  // the mix address's domain
    CHECK(d->node.key_publication);          // the default socket is a unix socket
    CHECK(d->node.max_message_bytes == d->max_message_size);
    auto inet = parse_config("Socket inet:8895@127.0.0.1\n");
    REQUIRE(inet);
    CHECK_FALSE(inet->node.key_publication);
    auto allowed = parse_config(
        "Socket inet:8895@127.0.0.1\nKeyPublicationOnInet yes\nServiceDomains A.example, "
        "b.example\nReplyRatePerHour 5\nReplyGlobalRatePerHour 0\nMaxMessageSize 512k\n");
    REQUIRE(allowed);
    CHECK(allowed->node.key_publication);
    CHECK(allowed->node.service_domains == std::vector<std::string>{"a.example", "b.example"});
    CHECK(allowed->node.replies.per_requester_per_hour == 5);
    CHECK(allowed->node.replies.global_per_hour == 0);
    CHECK(allowed->node.max_message_bytes == 512 * 1024);
}
