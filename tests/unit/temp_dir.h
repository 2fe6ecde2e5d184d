// SPDX-License-Identifier: BSD-2-Clause
// temp_dir.h - the one temporary directory of the unit tests, for every
// part: made fresh (mkdtemp) for each object, removed with everything in it
// when the object goes, also when the test fails.  A failing mkdtemp
// throws, which Catch2 reports as the test's failure.
#pragma once

#include <filesystem>
#include <stdexcept>
#include <stdlib.h>
#include <string>
#include <system_error>

namespace mixtasy::testing {

class TempDir {
public:
    explicit TempDir(const std::string& prefix = "mixtasy-test") {
        std::string tmpl = (std::filesystem::temp_directory_path() / (prefix + "-XXXXXX")).string();
        if (::mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }
    // The path of `name` inside the directory, as a string.
    std::string file(const std::string& name) const { return (path_ / name).string(); }

private:
    std::filesystem::path path_;
};

}  // namespace mixtasy::testing
