// SPDX-License-Identifier: BSD-2-Clause
// sql.cpp - see sql.h.
#include "store/sqlite/sql.h"

#include <climits>
#include <thread>
#include <utility>

#include <sqlite3.h>

namespace mixtasy::store::sql {

namespace {

StoreError::Code code_of(int rc) {
    switch (rc & 0xff) {
        case SQLITE_FULL: return StoreError::Code::Full;
        case SQLITE_BUSY:
        case SQLITE_LOCKED: return StoreError::Code::Busy;
        case SQLITE_READONLY: return StoreError::Code::ReadOnly;
        case SQLITE_CORRUPT:
        case SQLITE_NOTADB: return StoreError::Code::Corrupt;
        case SQLITE_IOERR:
        case SQLITE_CANTOPEN:
        case SQLITE_PROTOCOL:
        case SQLITE_NOLFS:
        case SQLITE_NOMEM: return StoreError::Code::Io;
        case SQLITE_CONSTRAINT: return StoreError::Code::Constraint;
        case SQLITE_TOOBIG: return StoreError::Code::InvalidArgument;
        default: return StoreError::Code::Misuse;
    }
}

}  // namespace

StoreError error_from(int rc, sqlite3* db, std::string_view what) {
    std::string detail(what);
    detail += ": ";
    // sqlite3_errmsg describes the connection's last error, which is the one
    // we are mapping as long as nothing ran in between; fall back to the
    // generic text of the code otherwise.
    if (db != nullptr && (sqlite3_extended_errcode(db) & 0xff) == (rc & 0xff))
        detail += sqlite3_errmsg(db);
    else detail += sqlite3_errstr(rc);
    return StoreError{code_of(rc), std::move(detail)};
}

// ---- Database -------------------------------------------------------------

Result<std::unique_ptr<Database>> Database::open(const std::string& path,
                                                 const OpenOptions& options) {
    int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_PRIVATECACHE;
    if (options.create) flags |= SQLITE_OPEN_CREATE;
    sqlite3* raw = nullptr;
    int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
    // Own the handle at once: sqlite3_open_v2 may return one even on failure.
    auto db = std::make_unique<Database>(Key{}, raw);
    if (rc != SQLITE_OK) return Unexpected{error_from(rc, raw, "open")};
    sqlite3_extended_result_codes(raw, 1);
    db->busy_timeout_ = std::chrono::milliseconds(options.busy_timeout_ms);
    sqlite3_busy_handler(raw, &Database::on_busy, db.get());
    return db;
}

int Database::on_busy(void* self, int attempts) {
    auto* db = static_cast<Database*>(self);
    auto now = std::chrono::steady_clock::now();
    if (attempts == 0) db->busy_since_ = now;
    if (now - db->busy_since_ >= db->busy_timeout_)
        return 0;  // give up: the statement fails with SQLITE_BUSY
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
    return 1;
}

Database::~Database() {
    for (auto& [sql, cached] : cache_) sqlite3_finalize(cached.stmt);
    // sqlite3_close_v2 defers the close until any leftover statement is
    // finalized; we finalized them all above, so it closes now.
    sqlite3_close_v2(db_);
}

Result<void> Database::exec(const char* sql) {
    int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
    if (rc != SQLITE_OK) return Unexpected{error_from(rc, db_, "exec")};
    return {};
}

Result<Statement> Database::prepare(std::string_view sql) {
    if (sql.size() > INT_MAX)
        return Unexpected{StoreError{StoreError::Code::Misuse, "prepare: statement too long"}};
    auto it = cache_.find(sql);
    if (it != cache_.end() && !it->second.in_use) {
        it->second.in_use = true;
        return Statement(this, &it->first, it->second.stmt);
    }
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()),
                                SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return Unexpected{error_from(rc, db_, "prepare")};
    }
    if (it != cache_.end())  // nested use of the same SQL: a one-off copy
        return Statement(this, nullptr, stmt);
    auto [slot, inserted] = cache_.emplace(std::string(sql), Cached{stmt, true});
    (void)inserted;
    return Statement(this, &slot->first, stmt);
}

void Database::give_back(const std::string* key, sqlite3_stmt* stmt) {
    sqlite3_reset(stmt);
    sqlite3_clear_bindings(stmt);
    if (key == nullptr) {
        sqlite3_finalize(stmt);
        return;
    }
    auto it = cache_.find(*key);
    if (it != cache_.end()) it->second.in_use = false;
}

// The statement of `sql` stepped onto its first row; a query that yields no
// row is a programming error (the callers ask for PRAGMA values).
Result<Statement> Database::first_row(std::string_view sql) {
    MIXTASY_TRY(st, prepare(sql));
    MIXTASY_TRY(row, st->step());
    if (!*row) return Unexpected{StoreError{StoreError::Code::Misuse, "query returned no row"}};
    return std::move(*st);
}

Result<std::int64_t> Database::query_int(std::string_view sql) {
    MIXTASY_TRY(st, first_row(sql));
    return st->column_int(0);
}

Result<std::string> Database::query_text(std::string_view sql) {
    MIXTASY_TRY(st, first_row(sql));
    return st->column_text(0);
}

std::int64_t Database::last_insert_rowid() const { return sqlite3_last_insert_rowid(db_); }
std::int64_t Database::changes() const { return sqlite3_changes64(db_); }
bool Database::read_only() const { return sqlite3_db_readonly(db_, "main") == 1; }
bool Database::in_transaction() const { return sqlite3_get_autocommit(db_) == 0; }

// ---- Statement ------------------------------------------------------------

Statement::Statement(Statement&& other) noexcept
    : db_(other.db_),
      key_(other.key_),
      stmt_(std::exchange(other.stmt_, nullptr)),
      bind_rc_(other.bind_rc_) {}

Statement::~Statement() {
    if (stmt_ != nullptr) db_->give_back(key_, stmt_);
}

void Statement::note_bind(int rc) {
    if (rc != SQLITE_OK && bind_rc_ == SQLITE_OK) bind_rc_ = rc;
}

Statement& Statement::bind(int index, std::int64_t value) {
    note_bind(sqlite3_bind_int64(stmt_, index, value));
    return *this;
}

Statement& Statement::bind(int index, std::string_view text) {
    // SQLITE_TRANSIENT: SQLite copies, so the caller's buffer may go away.
    note_bind(
        sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
    return *this;
}

Statement& Statement::bind(int index, ByteView blob) {
    // A zero-length blob must still be a blob, not NULL: give SQLite a valid
    // pointer even for an empty span.
    static const std::uint8_t empty = 0;
    const void* data = blob.empty() ? &empty : blob.data();
    note_bind(sqlite3_bind_blob64(stmt_, index, data, blob.size(), SQLITE_TRANSIENT));
    return *this;
}

Statement& Statement::bind_null(int index) {
    note_bind(sqlite3_bind_null(stmt_, index));
    return *this;
}

Result<bool> Statement::step() {
    if (bind_rc_ != SQLITE_OK) return Unexpected{error_from(bind_rc_, db_->db_, "bind")};
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) return true;
    if (rc == SQLITE_DONE) return false;
    return Unexpected{error_from(rc, db_->db_, "step")};
}

Result<void> Statement::run() {
    for (;;) {
        MIXTASY_TRY(row, step());
        if (!*row) return {};
    }
}

std::int64_t Statement::column_int(int index) const { return sqlite3_column_int64(stmt_, index); }

std::string Statement::column_text(int index) const {
    const unsigned char* text = sqlite3_column_text(stmt_, index);
    int size = sqlite3_column_bytes(stmt_, index);
    if (text == nullptr || size <= 0) return {};
    return std::string(reinterpret_cast<const char*>(text), static_cast<std::size_t>(size));
}

Bytes Statement::column_blob(int index) const {
    const void* blob = sqlite3_column_blob(stmt_, index);
    int size = sqlite3_column_bytes(stmt_, index);
    if (blob == nullptr || size <= 0) return {};
    const auto* first = static_cast<const std::uint8_t*>(blob);
    return Bytes(first, first + size);
}

bool Statement::column_is_null(int index) const {
    return sqlite3_column_type(stmt_, index) == SQLITE_NULL;
}

int Statement::parameter_count() const { return sqlite3_bind_parameter_count(stmt_); }

// ---- Transaction ----------------------------------------------------------

Result<Transaction> Transaction::begin(Database& db, Mode mode) {
    MIXTASY_CHECK(db.exec(mode == Mode::Write ? "BEGIN IMMEDIATE" : "BEGIN"));
    return Transaction(&db);
}

Transaction::Transaction(Transaction&& other) noexcept : db_(std::exchange(other.db_, nullptr)) {}

Transaction::~Transaction() {
    if (db_ == nullptr) return;
    // A failed COMMIT may already have rolled back; ROLLBACK then fails
    // harmlessly.  Either way nothing of this transaction is kept.
    if (sqlite3_get_autocommit(db_->handle()) == 0)
        sqlite3_exec(db_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
}

Result<void> Transaction::commit() {
    auto done = db_->exec("COMMIT");
    if (!done) return done;  // the destructor rolls back what is left
    db_ = nullptr;
    return {};
}

}  // namespace mixtasy::store::sql
