// SPDX-License-Identifier: BSD-2-Clause
// daemon_cli_test.cpp - the mixtasy-milter command line as an admin meets
// it (issue 15): -h exits 0, -V names the libraries, and a start-up error
// of the detaching daemon reaches stderr with a non-zero exit (the parent
// waits for the child's verdict instead of exiting 0 at once).
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <string>
#include <sys/wait.h>

#include "tests/unit/temp_dir.h"

namespace {

const std::string kDaemon = std::string(MIXTASY_BINARY_DIR) + "/milter/mixtasy-milter";

// Runs a shell command line; its exit status and its stdout+stderr.
std::pair<int, std::string> run(const std::string& command) {
    std::string out;
    std::FILE* p = ::popen((command + " 2>&1").c_str(), "r");
    REQUIRE(p != nullptr);
    char buf[512];
    while (std::fgets(buf, sizeof buf, p) != nullptr) out += buf;
    const int status = ::pclose(p);
    return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

}  // namespace

TEST_CASE("daemon command line: -h exits 0, -V names the libraries", "[daemon][cli]") {
    auto [help_status, help] = run(kDaemon + " -h");
    CHECK(help_status == 0);
    CHECK(help.find("-l") != std::string::npos);
    auto [status, text] = run(kDaemon + " -V");
    CHECK(status == 0);
    for (const char* lib : {"Botan ", "SQLite ", "libmilter ", "libcurl "})
        CHECK(text.find(lib) != std::string::npos);
}

TEST_CASE("daemon command line: a start-up error reaches stderr before detaching",
          "[daemon][cli]") {
    mixtasy::testing::TempDir dir;
    const std::string conf = (dir.path() / "milter.conf").string();
    // 192.0.2.1 is no address of this host: the socket cannot be opened.
    // Syslog yes (the default): the error must still reach the terminal.
    std::ofstream(conf) << "AllowRoot yes\nSocket inet:18898@192.0.2.1\nHome "
                        << (dir.path() / "home").string() << "\n";
    auto [status, text] = run(kDaemon + " -c " + conf);
    CHECK(status == 2);
    CHECK(text.find("cannot open milter socket inet:18898@192.0.2.1") != std::string::npos);
}
