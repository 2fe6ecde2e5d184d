// SPDX-License-Identifier: BSD-2-Clause
// sql.h - a small RAII wrapper over the SQLite C API, private to store/sqlite/.
//
// Database     one connection (sqlite3*), closed in its destructor, with a
//              cache of prepared statements keyed by their SQL text.
// Statement    a prepared statement borrowed from that cache; typed binds,
//              step(), typed column reads.  Its destructor resets it and
//              clears its bindings, so the next user starts clean.  A bind
//              that fails is remembered and reported by the next step().
// Transaction  BEGIN IMMEDIATE (writers take the write lock up front, so two
//              writers never deadlock upgrading a read lock) or a deferred
//              read transaction; rolls back in its destructor unless
//              commit() succeeded.
//
// Waiting for another process's lock: instead of sqlite3_busy_timeout's
// sleeps of up to 100 ms, the connection retries every millisecond until
// busy_timeout has passed, so a lock released after 3 ms is taken after
// about 4, not after 25.
//
// Every SQLite result code is mapped to a StoreError by error_from(): the
// one place that knows SQLite's codes.  A Database is used by one thread at
// a time (the connection pool in store/sqlite/connection_pool.h sees to that), so
// connections are opened with SQLITE_OPEN_NOMUTEX.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/expected.h"
#include "store/error.h"

struct sqlite3;
struct sqlite3_stmt;

namespace mixtasy::store::sql {

template <typename T>
using Result = Expected<T, StoreError>;

// Maps an SQLite result code (primary or extended) to our error, with the
// connection's message when there is one.  `what` names the operation.
StoreError error_from(int rc, sqlite3* db, std::string_view what);

class Statement;

class Database {
public:
    struct OpenOptions {
        bool create = true;
        int busy_timeout_ms = 5000;
    };
    static Result<std::unique_ptr<Database>> open(const std::string& path,
                                                  const OpenOptions& options);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs SQL that returns no rows we care about (PRAGMAs, DDL, BEGIN...).
    Result<void> exec(const char* sql);
    // Borrows the cached statement for `sql`, preparing it on first use.
    Result<Statement> prepare(std::string_view sql);
    // Single-value queries, for PRAGMAs and counts.
    Result<std::int64_t> query_int(std::string_view sql);
    Result<std::string> query_text(std::string_view sql);

    std::int64_t last_insert_rowid() const;
    std::int64_t changes() const;  // rows changed by the last statement
    bool read_only() const;
    bool in_transaction() const;  // false once SQLite rolled a transaction back
    sqlite3* handle() const { return db_; }

private:
    struct Key {  // only open() constructs
        explicit Key() = default;
    };

public:
    Database(Key, sqlite3* db) : db_(db) {}

private:
    friend class Statement;
    static int on_busy(void* self, int attempts);
    Result<Statement> first_row(std::string_view sql);
    void give_back(const std::string* key, sqlite3_stmt* stmt);

    struct Cached {
        sqlite3_stmt* stmt = nullptr;
        bool in_use = false;
    };
    sqlite3* db_ = nullptr;
    std::map<std::string, Cached, std::less<>> cache_;
    std::chrono::milliseconds busy_timeout_{0};
    std::chrono::steady_clock::time_point busy_since_;
};

class Statement {
public:
    Statement(Statement&& other) noexcept;
    Statement& operator=(Statement&&) = delete;
    Statement(const Statement&) = delete;
    ~Statement();

    // Parameters are numbered from 1, as in SQL `?1`.
    Statement& bind(int index, std::int64_t value);
    Statement& bind(int index, std::string_view text);
    Statement& bind(int index, ByteView blob);
    Statement& bind_null(int index);

    // true: a row is available; false: done.
    Result<bool> step();
    // Steps to completion, expecting no rows.
    Result<void> run();

    std::int64_t column_int(int index) const;
    std::string column_text(int index) const;
    Bytes column_blob(int index) const;
    bool column_is_null(int index) const;
    int parameter_count() const;

private:
    friend class Database;
    Statement(Database* db, const std::string* key, sqlite3_stmt* stmt)
        : db_(db), key_(key), stmt_(stmt) {}
    void note_bind(int rc);

    Database* db_;
    const std::string* key_;  // cache entry, or nullptr for a one-off statement
    sqlite3_stmt* stmt_;
    int bind_rc_ = 0;  // first failing bind, reported by step()
};

class Transaction {
public:
    enum class Mode { Read, Write };
    static Result<Transaction> begin(Database& db, Mode mode);
    Transaction(Transaction&& other) noexcept;
    Transaction& operator=(Transaction&&) = delete;
    Transaction(const Transaction&) = delete;
    ~Transaction();

    Result<void> commit();

private:
    explicit Transaction(Database* db) : db_(db) {}
    Database* db_;  // nullptr once committed, rolled back or moved from
};

}  // namespace mixtasy::store::sql
