// SPDX-License-Identifier: BSD-2-Clause
// key_file_test.cpp - small key files (crypto/key_file.h): atomic writes
// with the asked mode, bounded reads and their refusals, the exclusive lock.
#include "crypto/key_file.h"

#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "test_util.h"

using namespace mixtasy;
using namespace mixtasy::crypto;
namespace fs = std::filesystem;

TEST_CASE("key files are written with their mode and read back", "[key_file]") {
    test::TempDir dir;
    const auto home = dir.path() / "home";
    REQUIRE(make_private_directory(home));
    REQUIRE(make_private_directory(home));  // already there: fine
    CHECK((fs::status(home).permissions() & fs::perms::all) == fs::perms::owner_all);
    REQUIRE(write_key_file(home, "a.asc", "first", 0600));
    REQUIRE(write_key_file(home, "a.asc", "second", 0600));  // replaced whole
    CHECK((fs::status(home / "a.asc").permissions() & fs::perms::all) ==
          (fs::perms::owner_read | fs::perms::owner_write));
    CHECK(!fs::exists(home / ".a.asc.tmp"));
    auto back = read_key_file(home / "a.asc", FileAccess::OwnerOnly);
    REQUIRE(back);
    CHECK(*back == "second");
    REQUIRE(write_key_file(home, "b.asc", "public", 0644));
    CHECK((fs::status(home / "b.asc").permissions() & fs::perms::others_read) ==
          fs::perms::others_read);
    CHECK(read_key_file(home / "b.asc", FileAccess::Any));
}

TEST_CASE("key file reads refuse what the contract names", "[key_file]") {
    test::TempDir dir;
    REQUIRE(write_key_file(dir.path(), "s.asc", "x", 0640));
    auto open_secret = read_key_file(dir.path() / "s.asc", FileAccess::OwnerOnly);
    REQUIRE(!open_secret);
    CHECK(open_secret.error().code == ErrorCode::BadKey);
    CHECK(open_secret.error().detail == (dir.path() / "s.asc").string() + " must be mode 0600");
    CHECK(read_key_file(dir.path() / "s.asc", FileAccess::Any));

    REQUIRE(write_key_file(dir.path(), "big.asc", std::string(kMaxKeyFileSize + 1, 'a'), 0600));
    auto big = read_key_file(dir.path() / "big.asc", FileAccess::OwnerOnly);
    REQUIRE(!big);
    CHECK(big.error().code == ErrorCode::LimitExceeded);
    CHECK(big.error().detail.find("larger than 1 MiB") != std::string::npos);
    REQUIRE(write_key_file(dir.path(), "edge.asc", std::string(kMaxKeyFileSize, 'a'), 0600));
    CHECK(read_key_file(dir.path() / "edge.asc", FileAccess::OwnerOnly));

    auto absent = read_key_file(dir.path() / "absent", FileAccess::Any);
    REQUIRE(!absent);
    CHECK(absent.error().code == ErrorCode::IoError);
    CHECK(!write_key_file(dir.path() / "no-such-dir", "x", "y", 0600));
}

TEST_CASE("a file lock excludes every other holder until it is dropped", "[key_file]") {
    test::TempDir dir;
    const auto path = dir.path() / ".lock";
    const auto try_lock = [&path] {
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        REQUIRE(fd >= 0);
        const bool got = ::flock(fd, LOCK_EX | LOCK_NB) == 0;
        ::close(fd);
        return got;
    };
    {
        auto lock = FileLock::exclusive(path);
        REQUIRE(lock);
        CHECK((fs::status(path).permissions() & fs::perms::all) ==
              (fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
               fs::perms::others_read));
        CHECK_FALSE(try_lock());
        FileLock moved = std::move(*lock);
        CHECK_FALSE(try_lock());
    }
    CHECK(try_lock());
    CHECK(!FileLock::exclusive(dir.path() / "absent" / ".lock"));
}
