// SPDX-License-Identifier: BSD-2-Clause
// keyserver_fixture.h - a test keyserver (hkp_server.py, or sks through
// sks_server.py) started for one test case and stopped when it ends,
// passed or failed (the destructor kills it).  Ephemeral port on 127.0.0.1.
#pragma once

#include <chrono>
#include <filesystem>
#include <fstream>
#include <signal.h>
#include <spawn.h>
#include <string>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

#include "tests/unit/temp_dir.h"

extern char** environ;

namespace mixtasy::testing {

class TestKeyserver {
public:
    explicit TestKeyserver(const std::string& script = "hkp_server.py") : dir_("keyserver") {
        const std::string path = std::string(MIXTASY_KEYSERVER_DIR) + "/" + script;
        const std::string home = (dir_.path() / "home").string();
        const std::string port_file = (dir_.path() / "port").string();
        const char* argv[] = {"python3",     path.c_str(),      "--home", home.c_str(),
                              "--port-file", port_file.c_str(), nullptr};
        if (::posix_spawnp(&pid_, "python3", nullptr, nullptr, const_cast<char**>(argv), environ) !=
            0)
            pid_ = -1;
        for (int i = 0; i < 600 && pid_ > 0 && port_ == 0; ++i) {
            std::ifstream in(port_file);
            if (!(in >> port_)) port_ = 0;
            if (port_ == 0) std::this_thread::sleep_for(std::chrono::milliseconds(100));
        }
    }
    ~TestKeyserver() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            int status = 0;
            ::waitpid(pid_, &status, 0);
        }
    }
    TestKeyserver(const TestKeyserver&) = delete;
    TestKeyserver& operator=(const TestKeyserver&) = delete;

    bool running() const { return port_ != 0; }
    std::string url() const { return "hkp://127.0.0.1:" + std::to_string(port_); }

private:
    TempDir dir_;
    pid_t pid_ = -1;
    int port_ = 0;
};

}  // namespace mixtasy::testing
