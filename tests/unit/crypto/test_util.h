// SPDX-License-Identifier: BSD-2-Clause
// test_util.h - helpers shared by crypto/ tests: data files, .vec blocks,
// temporary directories, running external tools (gpg, sq).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <unistd.h>
#include <vector>

#include "common/bytes.h"
#include "tests/unit/temp_dir.h"

namespace mixtasy::test {

// Seed 000's subkey lifetime, which the node keys of these tests mimic.
inline constexpr uint32_t kTwoDays = 2 * 24 * 3600;

inline std::string read_text(const std::filesystem::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

inline std::filesystem::path data_path(const std::string& name) {
    return std::filesystem::path(MIXTASY_TEST_DATA) / "crypto" / name;
}

inline std::string data_text(const std::string& name) { return read_text(data_path(name)); }

// Blocks of "key = value" lines separated by blank lines; '#' comments.
inline std::vector<std::map<std::string, std::string>> read_vec(const std::string& name) {
    std::vector<std::map<std::string, std::string>> out;
    std::istringstream in(data_text(name));
    std::map<std::string, std::string> block;
    std::string line;
    auto flush = [&] {
        if (!block.empty()) out.push_back(block);
        block.clear();
    };
    while (std::getline(in, line)) {
        if (!line.empty() && line[0] == '#') continue;
        const auto eq = line.find(" = ");
        if (eq == std::string::npos) {
            flush();
            continue;
        }
        block[line.substr(0, eq)] = line.substr(eq + 3);
    }
    flush();
    return out;
}

using mixtasy::testing::TempDir;

inline void write_file(const std::filesystem::path& p, std::string_view data) {
    std::ofstream out(p, std::ios::binary);
    out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline bool have_tool(const std::string& name) {
    return std::system(("command -v " + name + " >/dev/null 2>&1").c_str()) == 0;
}

// Runs a shell command, returns its exit status and stdout.
struct RunResult {
    int status = -1;
    std::string out;
};
inline RunResult run(const std::string& command) {
    RunResult r;
    FILE* p = ::popen(command.c_str(), "r");
    if (!p) return r;
    char buf[4096];
    std::size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) r.out.append(buf, n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

inline std::string quote(const std::string& s) {
    std::string out = "'";
    for (char c : s) {
        if (c == '\'') out += "'\\''";
        else out += c;
    }
    return out + "'";
}

}  // namespace mixtasy::test
