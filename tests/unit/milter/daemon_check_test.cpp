// SPDX-License-Identifier: BSD-2-Clause
// daemon_check_test.cpp - `mixtasy-milter -n` checks what start-up needs
// (issue 15): UserID, the key home and its owner, the store, PidFile's
// directory, a unix socket's directory, a sendmail: binary; and MixAddress
// against the key's user ID.
#include "milter/daemon_check.h"

#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <unistd.h>

#include "core/keys/key_home.h"
#include "core/keys/node_key.h"
#include "core/ports/random.h"
#include "milter/mode_check.h"
#include "tests/unit/temp_dir.h"

using namespace mixtasy;
using namespace mixtasy::milter;

namespace {

void make_home(const std::filesystem::path& home) {
    core::NodeKeyParams params;
    params.address = "mixtasy@check.example";
    params.modes = {"middleman"};
    params.created = static_cast<crypto::Timestamp>(::time(nullptr) - 3600);
    core::SystemRandom random;
    auto key = core::generate_node_key(params, random);
    REQUIRE(key);
    REQUIRE(core::save_node_key(home, *key));
}

Config good_config(const std::filesystem::path& dir) {
    Config c;
    c.socket = "inet:18897@127.0.0.1";
    c.node.home = (dir / "home").string();
    c.pid_file = (dir / "milter.pid").string();
    return c;
}

bool mentions(const std::vector<std::string>& problems, const std::string& text) {
    for (const std::string& p : problems)
        if (p.find(text) != std::string::npos) return true;
    return false;
}

}  // namespace

TEST_CASE("startup check (-n): a complete set-up has no problems", "[config][check]") {
    mixtasy::testing::TempDir dir;
    make_home(dir.path() / "home");
    const Config c = good_config(dir.path());
    CHECK(startup_problems(c).empty());
    CHECK_FALSE(mix_address_problem(c));
    CHECK(node_addresses(c).mix_address == "mixtasy@check.example");  // from the key
}

TEST_CASE("startup check (-n): each missing piece is one line naming it", "[config][check]") {
    mixtasy::testing::TempDir dir;
    Config c = good_config(dir.path());
    c.pid_file = "/nonexistent-dir/milter.pid";
    c.socket = "unix:/nonexistent-a/b/milter.sock";
    c.reinject_url = "sendmail:/nonexistent/sendmail";
    c.node.database = "/nonexistent-db/node.db";
    const auto problems = startup_problems(c);
    CHECK(mentions(problems, "Home " + c.node.home));
    CHECK(mentions(problems, "PidFile /nonexistent-dir/milter.pid"));
    CHECK(mentions(problems, "Socket unix:/nonexistent-a/b/milter.sock"));
    CHECK(mentions(problems, "ReinjectURL sendmail:/nonexistent/sendmail"));
    CHECK(mentions(problems, "Database /nonexistent-db/node.db"));

    c.reinject_url = "sendmail:" + (dir.path()).string();  // a directory, not a program
    CHECK(mentions(startup_problems(c), "not an executable file"));
    c.user_id = "no-such-user-mixtasy";
    CHECK(mentions(startup_problems(c), "UserID: no such user 'no-such-user-mixtasy'"));
}

TEST_CASE("startup check (-n): a key home written by root is named with the chown that fixes it",
          "[config][check]") {
    if (::geteuid() != 0) {
        const char* ci = std::getenv("CI");
        if (ci != nullptr && std::string(ci) == "true") FAIL("needs root, and CI=true");
        WARN("skipped: needs root to own files as root and check for another user");
        return;
    }
    mixtasy::testing::TempDir dir;
    make_home(dir.path() / "home");
    Config c = good_config(dir.path());
    c.user_id = "nobody";
    const auto problems = startup_problems(c);
    CHECK(mentions(problems, "secret.asc belongs to root"));
    CHECK(mentions(problems, "chown -R nobody " + c.node.home));
}

TEST_CASE("startup check (-n): MixAddress that differs from the key's user ID", "[config][check]") {
    mixtasy::testing::TempDir dir;
    make_home(dir.path() / "home");
    Config c = good_config(dir.path());
    c.mix_address = "mixtasy@other.example";
    auto problem = mix_address_problem(c);
    REQUIRE(problem);
    CHECK(problem->find("mixtasy@check.example") != std::string::npos);
    CHECK(node_addresses(c).mix_address == "mixtasy@other.example");
    c.mix_address = "mixtasy@check.example";
    CHECK_FALSE(mix_address_problem(c));
}

TEST_CASE("MixAddress: parsed lower-case; not an address is refused", "[config]") {
    auto c = parse_config("MixAddress MixTasy@Mix1.Test\n");
    REQUIRE(c);
    CHECK(c->mix_address == "mixtasy@mix1.test");
    CHECK_FALSE(parse_config("MixAddress mixtasy\n"));
    CHECK_FALSE(parse_config("MixAddress <mixtasy@mix1.test>\n"));
}
