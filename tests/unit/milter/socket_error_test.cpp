// SPDX-License-Identifier: BSD-2-Clause
// socket_error_test.cpp - a milter socket that cannot be opened is named with
// the OS's reason (issue 15: "cannot open milter socket ..." said neither
// why nor what to fix).  The real daemon_main in a child process, -f.
#include <catch2/catch.hpp>

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <getopt.h>
#include <sstream>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "milter/daemon_main.h"
#include "tests/unit/temp_dir.h"

using namespace mixtasy;
using namespace mixtasy::milter;

TEST_CASE("daemon: a socket that cannot be opened is named with the reason", "[daemon]") {
    mixtasy::testing::TempDir dir;
    const std::string conf = (dir.path() / "milter.conf").string();
    const std::string log = (dir.path() / "daemon.log").string();
    // 192.0.2.1 (TEST-NET-1) is no address of this host: bind fails.
    std::ofstream(conf) << "AllowRoot yes\nSyslog no\nSocket inet:18896@192.0.2.1\nHome "
                        << dir.path().string() << "\n";
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        const int fd = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(fd, STDERR_FILENO);
        std::string c = conf;
        char arg0[] = "mixtasy-milter", arg1[] = "-f", arg2[] = "-c";
        char* argv[] = {arg0, arg1, arg2, c.data(), nullptr};
        optind = 1;
        const NodeFactory never =
            [](const core::NodeOptions&) -> Expected<std::unique_ptr<core::Node>, core::OpenError> {
            return Unexpected{core::OpenError{}};
        };
        ::_exit(daemon_main(4, argv, never));
    }
    int status = 0;
    pid_t done = 0;
    for (int i = 0; i < 200 && done == 0; ++i) {  // 20 s at most
        done = ::waitpid(pid, &status, WNOHANG);
        if (done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    if (done == 0) {
        ::kill(pid, SIGKILL);
        ::waitpid(pid, &status, 0);
        FAIL("the daemon did not exit");
    }
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) != 0);
    std::ifstream in(log);
    std::stringstream text;
    text << in.rdbuf();
    INFO(text.str());
    CHECK(text.str().find("cannot open milter socket inet:18896@192.0.2.1: ") != std::string::npos);
    CHECK(text.str().find("Cannot assign requested address") != std::string::npos);
}
