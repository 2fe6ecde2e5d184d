// temp_dir.h - the one temporary directory of core's tests: made fresh
// (mkdtemp) for each object, removed with everything in it at its end, also
// when the test fails.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <stdlib.h>
#include <string>
#include <system_error>

namespace mixtasy::core::testing {

class TempDir {
public:
    TempDir() {
        std::string tmpl =
            (std::filesystem::temp_directory_path() / "mixtasy-core-test-XXXXXX").string();
        REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
        path_ = tmpl;
    }
    ~TempDir() {
        std::error_code ignored;
        std::filesystem::remove_all(path_, ignored);
    }
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::filesystem::path& path() const { return path_; }

private:
    std::filesystem::path path_;
};

}  // namespace mixtasy::core::testing
