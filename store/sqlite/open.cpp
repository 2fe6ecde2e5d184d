// SPDX-License-Identifier: BSD-2-Clause
// open.cpp - opening the SQLite store: file checks, connection setup,
// quick_check, migrations; plus the SQL helpers every operation shares.
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <string>
#include <unistd.h>

#include "store/sqlite/impl.h"
#include "store/sqlite/schema.h"

namespace mixtasy::store {

namespace {

StoreError read_only(std::string detail) {
    return StoreError{StoreError::Code::ReadOnly, std::move(detail)};
}

// SQLite in WAL mode writes the database, a -wal and a -shm file beside it.
// Finding out up front that we cannot gives the admin one clear error
// instead of a CANTOPEN at the first write.  (access() honours the real
// uid; the daemon runs with real == effective after dropping privileges.)
Result<void> check_writable(const std::string& path) {
    namespace fs = std::filesystem;
    fs::path file(path);
    fs::path dir = file.has_parent_path() ? file.parent_path() : fs::path(".");
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
        int err = errno;
        std::string why = std::strerror(err);
        if (err == ENOENT || err == ENOTDIR)
            return Unexpected{StoreError{StoreError::Code::Io,
                                         "directory of the database does not exist: " + why}};
        return Unexpected{read_only("directory of the database is not writable: " + why)};
    }
    if (::access(file.c_str(), F_OK) == 0 && ::access(file.c_str(), R_OK | W_OK) != 0)
        return Unexpected{
            read_only("database file is not writable: " + std::string(std::strerror(errno)))};
    return {};
}

// A new database file is created 0600 before SQLite sees it: it holds
// messages in transit.  SQLite gives the -wal and -shm files the same mode.
Result<void> create_private(const std::string& path) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return {};
    }
    if (errno == EEXIST) return {};
    int err = errno;
    StoreError::Code code = (err == EACCES || err == EROFS || err == EPERM)
                                ? StoreError::Code::ReadOnly
                                : StoreError::Code::Io;
    return Unexpected{StoreError{code, "create database file: " + std::string(std::strerror(err))}};
}

Result<std::unique_ptr<sql::Database>> open_connection(const SqliteOptions& options) {
    sql::Database::OpenOptions how;
    how.create = false;  // created by create_private()
    auto ms = options.busy_timeout.count();
    how.busy_timeout_ms = ms < 0 ? 0 : (ms > INT32_MAX ? INT32_MAX : static_cast<int>(ms));
    MIXTASY_TRY(db, sql::Database::open(options.path, how));
    if ((*db)->read_only()) return Unexpected{read_only("database opened read-only")};
    MIXTASY_CHECK(
        (*db)->exec(options.durable ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL"));
    // Deleted message bytes are overwritten, not left in free pages for
    // whoever images the disk later.
    MIXTASY_CHECK(
        (*db)->exec("PRAGMA secure_delete = ON; PRAGMA foreign_keys = ON;"
                    " PRAGMA trusted_schema = OFF;"));
    if (options.max_database_bytes > 0) {
        MIXTASY_TRY(page_size, (*db)->query_int("PRAGMA page_size"));
        std::int64_t pages = options.max_database_bytes / (*page_size > 0 ? *page_size : 4096);
        if (pages < 1) pages = 1;
        std::string pragma = "PRAGMA max_page_count = " + std::to_string(pages);
        MIXTASY_TRY(applied, (*db)->query_int(pragma));
        (void)applied;
    }
    return std::move(*db);
}

// WAL is a property of the file, set once; quick_check reads every page.
Result<void> prepare_file(sql::Database& db, bool check) {
    MIXTASY_TRY(mode, db.query_text("PRAGMA journal_mode = WAL"));
    if (*mode != "wal")
        return Unexpected{StoreError{StoreError::Code::Io, "cannot switch to WAL mode: " + *mode}};
    if (check) {
        MIXTASY_TRY(verdict, db.query_text("PRAGMA quick_check"));
        if (*verdict != "ok")
            return Unexpected{StoreError{StoreError::Code::Corrupt, "quick_check: " + *verdict}};
    }
    return schema::migrate(db);
}

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& options) {
    if (options.path.empty() || options.path.size() > 4096 ||
        options.path.find('\0') != std::string::npos)
        return Unexpected{detail::invalid("database path empty, too long or with NUL")};
    MIXTASY_CHECK(check_writable(options.path));
    MIXTASY_CHECK(create_private(options.path));
    MIXTASY_TRY(first, open_connection(options));
    MIXTASY_CHECK(prepare_file(**first, options.check_on_open));

    auto impl = std::make_unique<SqliteStore::Impl>(options,
                                                    [options] { return open_connection(options); });
    impl->pool.adopt(std::move(*first));
    return std::unique_ptr<Store>(std::make_unique<SqliteStore>(std::move(impl)));
}

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SqliteStore::~SqliteStore() = default;

int SqliteStore::current_schema_version() noexcept { return schema::kCurrentSchemaVersion; }

Result<int> SqliteStore::schema_version() {
    MIXTASY_TRY(db, impl_->connection());
    return schema::version_of(**db);
}

Result<void> SqliteStore::integrity_check() {
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(verdict, (*db)->query_text("PRAGMA integrity_check"));
    if (*verdict != "ok")
        return Unexpected{StoreError{StoreError::Code::Corrupt, "integrity_check: " + *verdict}};
    return {};
}

// ---- shared SQL helpers -----------------------------------------------------

namespace detail {

Result<void> apply_stats(sql::Database& db, std::int64_t day, std::span<const StatDelta> stats) {
    for (const auto& delta : stats) {
        MIXTASY_TRY(st, db.prepare("INSERT INTO stats (day, counter, value) VALUES (?1, ?2, ?3)"
                                   " ON CONFLICT (day, counter)"
                                   " DO UPDATE SET value = stats.value + excluded.value"));
        st->bind(1, day).bind(2, delta.counter).bind(3, delta.amount);
        MIXTASY_CHECK(st->run());
    }
    return {};
}

Result<void> insert_replay(sql::Database& db, const ReplayEntry& replay) {
    MIXTASY_TRY(st, db.prepare("INSERT INTO replay (hash, expires_at) VALUES (?1, ?2)"
                               " ON CONFLICT (hash) DO NOTHING"));
    st->bind(1, replay.hash).bind(2, replay.expires_at);
    MIXTASY_CHECK(st->run());
    if (db.changes() == 0)
        return Unexpected{StoreError{StoreError::Code::Replay, "replay hash already present"}};
    return {};
}

}  // namespace detail
}  // namespace mixtasy::store
