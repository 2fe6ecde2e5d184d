// SPDX-License-Identifier: BSD-2-Clause
// open_test.cpp - opening, schema migrations, and the fault cases of open:
// corrupt files, read-only files and directories, newer schemas.
#include <fstream>
#include <functional>
#include <random>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "store/sqlite/schema.h"
#include "tests/unit/store/store_test_util.h"

using namespace mixtasy;
using namespace mixtasy::store;
using namespace mixtasy::store::test;

namespace {

void fill(Store& store, int rows) {
    Bytes blob(2000, 0x5a);
    for (int i = 0; i < rows; ++i) {
        std::string hash = "hash-" + std::to_string(i);
        NewPoolItem it = item("");
        it.bytes = blob;
        REQUIRE(store.enqueue_with_replay({bv(hash), 99999}, it));
    }
}

void overwrite(const std::string& path, std::size_t offset, std::size_t count, std::uint32_t seed) {
    std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
    REQUIRE(file);
    std::mt19937 engine(seed);
    file.seekp(static_cast<std::streamoff>(offset));
    for (std::size_t i = 0; i < count; ++i) file.put(static_cast<char>(engine()));
    REQUIRE(file);
}

// Runs `attempt` in a child process without write permission anywhere it
// matters: as user nobody when we are root (root ignores file modes), as
// ourselves otherwise.  Returns the StoreError code the child saw, or -1
// when open succeeded.
int open_code_unprivileged(const std::string& path) {
    pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        if (::geteuid() == 0 && (::setgid(65534) != 0 || ::setuid(65534) != 0)) ::_exit(100);
        auto store = open_sqlite(options_for(path));
        ::_exit(store ? 101 : static_cast<int>(store.error().code));
    }
    int status = 0;
    REQUIRE(::waitpid(pid, &status, 0) == pid);
    REQUIRE(WIFEXITED(status));
    int code = WEXITSTATUS(status);
    REQUIRE(code != 100);  // could not drop privileges
    return code == 101 ? -1 : code;
}

}  // namespace

TEST_CASE("a new store is created private, in WAL mode, at the current schema", "[store][open]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    auto store = open_store(path);
    CHECK(*store->schema_version() == SqliteStore::current_schema_version());
    CHECK(SqliteStore::current_schema_version() == 3);
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    RawDb raw(path);
    CHECK(raw.scalar("SELECT count(*) FROM pragma_journal_mode WHERE journal_mode = 'wal'") == 1);
    CHECK(store->integrity_check());
}

TEST_CASE("migration from an empty file and from a v0 database to v1", "[store][open][migrate]") {
    TempDir dir;
    SECTION("empty file") {
        std::string path = dir.file("empty.db");
        std::ofstream(path).close();
        auto store = open_store(path);
    CHECK(SqliteStore::current_schema_version() == 3);
        REQUIRE(store->enqueue(item("works")));
    }
    SECTION("an SQLite file at user_version 0 with an unrelated table") {
        std::string path = dir.file("v0.db");
        {
            RawDb raw(path);
            REQUIRE(raw.exec("CREATE TABLE leftover (x INTEGER)") == SQLITE_OK);
        }
        auto store = open_store(path);
    CHECK(SqliteStore::current_schema_version() == 3);
        RawDb raw(path);
        CHECK(raw.scalar("SELECT count(*) FROM sqlite_master WHERE name IN "
                         "('replay', 'pool', 'parts', 'keys', 'stats')") == 5);
    }
}

TEST_CASE("a v1 file reopened keeps its rows and is not migrated again", "[store][open][migrate]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    PoolId id = 0;
    {
        auto store = open_store(path);
        id = *store->enqueue_with_replay({bv("h"), 5}, item("kept"));
        REQUIRE(store->put_key({"FP1", "subkey", 1, 2, "/k"}));
    }
    auto store = open_store(path);
    CHECK(SqliteStore::current_schema_version() == 3);
    CHECK(as_chars(store->get(id)->bytes) == "kept");
    CHECK(*store->replay_seen(bv("h")));
    CHECK(store->get_key("FP1")->secret_path == "/k");
}

TEST_CASE("a file from a newer program is refused", "[store][open][migrate]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    { open_store(path); }
    {
        RawDb raw(path);
        REQUIRE(raw.exec("PRAGMA user_version = 7") == SQLITE_OK);
    }
    auto store = open_sqlite(options_for(path));
    REQUIRE_FALSE(store);
    CHECK(store.error().code == StoreError::Code::Schema);
}

TEST_CASE("a corrupt file fails to open with Corrupt", "[store][open][fault]") {
    TempDir dir;
    std::string path = dir.file("node.db");
    {
        auto store = open_store(path);
        fill(*store, 60);
    }  // last connection closed: WAL checkpointed into the main file
    SECTION("garbage over the header") {
        overwrite(path, 0, 100, 1);
        auto store = open_sqlite(options_for(path));
        REQUIRE_FALSE(store);
        CHECK(store.error().code == StoreError::Code::Corrupt);
    }
    SECTION("garbage over table pages") {
        overwrite(path, 4096 * 3, 4096 * 8, 2);
        auto store = open_sqlite(options_for(path));
        REQUIRE_FALSE(store);
        CHECK(store.error().code == StoreError::Code::Corrupt);
    }
    SECTION("a file that is not a database at all") {
        std::string other = dir.file("text.db");
        std::ofstream(other) << std::string(8192, 'x');
        auto store = open_sqlite(options_for(other));
        REQUIRE_FALSE(store);
        CHECK(store.error().code == StoreError::Code::Corrupt);
    }
}

TEST_CASE("read-only directories and files fail with ReadOnly", "[store][open][fault]") {
    TempDir dir;
    std::string ro_dir = dir.file("ro");
    REQUIRE(::mkdir(ro_dir.c_str(), 0755) == 0);
    SECTION("no database yet, directory not writable") {
        REQUIRE(::chmod(ro_dir.c_str(), 0555) == 0);
        CHECK(open_code_unprivileged(ro_dir + "/node.db") ==
              static_cast<int>(StoreError::Code::ReadOnly));
    }
    SECTION("database file not writable") {
        REQUIRE(::chmod(ro_dir.c_str(), 0777) == 0);
        std::string path = ro_dir + "/node.db";
        { open_store(path); }
        REQUIRE(::chmod(path.c_str(), 0444) == 0);
        CHECK(open_code_unprivileged(path) == static_cast<int>(StoreError::Code::ReadOnly));
    }
    SECTION("database writable, directory not (WAL needs its side files)") {
        std::string path = ro_dir + "/node.db";
        { open_store(path); }
        REQUIRE(::chmod(path.c_str(), 0666) == 0);
        REQUIRE(::chmod(ro_dir.c_str(), 0555) == 0);
        CHECK(open_code_unprivileged(path) == static_cast<int>(StoreError::Code::ReadOnly));
    }
    ::chmod(ro_dir.c_str(), 0755);
}

TEST_CASE("bad paths are refused", "[store][open]") {
    SqliteOptions options;
    options.path = "";
    CHECK(open_sqlite(options).error().code == StoreError::Code::InvalidArgument);
    options.path = "/nonexistent-dir-mixtasy/x/node.db";
    auto store = open_sqlite(options);
    REQUIRE_FALSE(store);
    CHECK(store.error().code == StoreError::Code::Io);
}
