// SPDX-License-Identifier: BSD-2-Clause
// mode_check_test.cpp - `mixtasy-milter -n` compares the configuration's
// Mode with the key's user ID and names `mixtasy key mode` as the fix; after
// that command (core/keys/mode_change.h) -n passes.
#include "milter/mode_check.h"

#include <catch2/catch.hpp>

#include <cstdio>
#include <fcntl.h>
#include <fstream>
#include <getopt.h>
#include <sstream>
#include <unistd.h>

#include "core/keys/key_home.h"
#include "core/keys/mode_change.h"
#include "core/keys/node_key.h"
#include "core/ports/random.h"
#include "milter/daemon_main.h"
#include "tests/unit/temp_dir.h"

using namespace mixtasy;
using namespace mixtasy::milter;

namespace {

void make_home(const std::filesystem::path& home, const std::vector<std::string>& modes) {
    core::NodeKeyParams params;
    params.address = "mixtasy@modes.example";
    params.modes = modes;
    params.created = static_cast<crypto::Timestamp>(::time(nullptr) - 3600);
    core::SystemRandom random;
    auto key = core::generate_node_key(params, random);
    REQUIRE(key);
    REQUIRE(core::save_node_key(home, *key));
}

// `mixtasy-milter -n -c conf` in this process: its exit status and stderr.
std::pair<int, std::string> check_only(const std::string& conf, const std::string& err_file) {
    std::fflush(stderr);
    const int saved = ::dup(STDERR_FILENO);
    const int log = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    ::dup2(log, STDERR_FILENO);
    ::close(log);
    std::string c = conf;
    char arg0[] = "mixtasy-milter", arg1[] = "-n", arg2[] = "-c";
    char* argv[] = {arg0, arg1, arg2, c.data(), nullptr};
    optind = 1;
    const NodeFactory never =
        [](const core::NodeOptions&) -> Expected<std::unique_ptr<core::Node>, core::OpenError> {
        return Unexpected{core::OpenError{}};
    };
    const int status = daemon_main(4, argv, never);
    std::fflush(stderr);
    ::dup2(saved, STDERR_FILENO);
    ::close(saved);
    std::ifstream in(err_file);
    std::stringstream text;
    text << in.rdbuf();
    return {status, text.str()};
}

}  // namespace

TEST_CASE("mode check: -n names the key's other modes and the command that changes them",
          "[config][mode]") {
    mixtasy::testing::TempDir dir;
    const auto home = dir.path() / "home";
    make_home(home, {"middleman"});
    const std::string conf = (dir.path() / "milter.conf").string();
    // Nothing else for -n to complain about: a loopback socket, the store
    // beside the key.
    std::ofstream(conf) << "AllowRoot yes\nSyslog no\nSocket inet:18895@127.0.0.1\nHome "
                        << home.string() << "\nDatabase " << (dir.path() / "node.db").string()
                        << "\nMode middleman, exitpublic   # what we mean to run\n";
    auto config = load_config(conf);
    REQUIRE(config);
    auto problem = key_mode_problem(*config);
    REQUIRE(problem);
    CHECK(problem->find("mixtasy key mode --home " + home.string() + " exitpublic,middleman") !=
          std::string::npos);
    const auto [status, err] = check_only(conf, (dir.path() / "err").string());
    CHECK(status == 1);
    CHECK(err.find(conf + ":6: Mode exitpublic,middleman differs from the key's mode middleman") !=
          std::string::npos);

    core::SystemRandom random;
    auto changed =
        core::change_modes(home, {"middleman", "exitpublic"}, from_unix(::time(nullptr)), random);
    REQUIRE(changed);
    CHECK_FALSE(key_mode_problem(*config));
    CHECK(check_only(conf, (dir.path() / "err2").string()).first == 0);
}

TEST_CASE("mode check: without Mode, or without a readable key, nothing to say", "[config][mode]") {
    auto config = parse_config("Home /nonexistent/home\nMode exitpublic\n");
    REQUIRE(config);
    CHECK_FALSE(key_mode_problem(*config));
    auto no_mode = parse_config("Home /nonexistent/home\n");
    REQUIRE(no_mode);
    CHECK_FALSE(key_mode_problem(*no_mode));
}

TEST_CASE("startup check (-n): each problem names the file and the line of the key it is about",
          "[config][check]") {
    mixtasy::testing::TempDir dir;
    const auto home = dir.path() / "home";
    make_home(home, {"middleman"});
    const std::string conf = (dir.path() / "milter.conf").string();
    std::ofstream(conf) << "AllowRoot yes\nSyslog no\n"
                        << "UserID no-such-user-mixtasy   # line 3\n"
                        << "PidFile /nonexistent-dir/milter.pid\n"
                        << "Socket inet:18895@127.0.0.1\nHome " << home.string() << "\n";
    const auto [status, err] = check_only(conf, (dir.path() / "err").string());
    CHECK(status == 1);
    CHECK(err.find(conf + ":3: UserID: no such user 'no-such-user-mixtasy'") != std::string::npos);
    CHECK(err.find(conf + ":4: PidFile /nonexistent-dir/milter.pid") != std::string::npos);

    // A key left at its default has no line: the file as a whole.
    auto config = parse_config("Syslog no\n");
    REQUIRE(config);
    CHECK(locate_problem(*config, "Home /x: missing").line == 0);
    CHECK(locate_problem(*config, "Syslog: whatever").line == 1);
}
