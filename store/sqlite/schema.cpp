// SPDX-License-Identifier: BSD-2-Clause
// schema.cpp - see schema.h.  The SQL here is kept portable (no WITHOUT
// ROWID, no SQLite-only types): INTEGER, TEXT, BLOB, CHECK and plain indexes
// translate to PostgreSQL as they stand (BLOB -> BYTEA, INTEGER PRIMARY KEY
// -> BIGINT GENERATED ALWAYS AS IDENTITY).
#include "store/sqlite/schema.h"

#include <array>
#include <string>

#include "store/sqlite/impl.h"  // MIXTASY_TRY

namespace mixtasy::store::schema {

namespace {

using Step = Result<void> (*)(sql::Database&);

// v1: replay cache, pool/outbox, multipart buffer, key metadata, stats.
Result<void> migrate_to_v1(sql::Database& db) {
    return db.exec(R"sql(
CREATE TABLE replay (
    hash        BLOB    NOT NULL PRIMARY KEY,
    expires_at  INTEGER NOT NULL
);
CREATE INDEX replay_by_expiry ON replay (expires_at);

CREATE TABLE pool (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL
                    CHECK (kind IN ('mix', 'exit', 'dummy', 'admin-reply')),
    state           TEXT    NOT NULL
                    CHECK (state IN ('pooled', 'sending', 'sent', 'failed')),
    next_hop        TEXT    NOT NULL,
    envelope_from   TEXT    NOT NULL,
    bytes           BLOB    NOT NULL,
    enqueued_at     INTEGER NOT NULL,
    next_attempt_at INTEGER NOT NULL,
    give_up_at      INTEGER NOT NULL,
    attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    changed_at      INTEGER NOT NULL
);
CREATE INDEX pool_ready ON pool (state, next_attempt_at);

CREATE TABLE parts (
    mixtasy_id  TEXT    NOT NULL,
    part        INTEGER NOT NULL CHECK (part >= 1),
    total       INTEGER NOT NULL CHECK (total >= part),
    bytes       BLOB    NOT NULL,
    expires_at  INTEGER NOT NULL,
    PRIMARY KEY (mixtasy_id, part)
);
CREATE INDEX parts_by_expiry ON parts (expires_at);

CREATE TABLE keys (
    fingerprint TEXT    NOT NULL PRIMARY KEY,
    kind        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL,
    expires_at  INTEGER NOT NULL,
    secret_path TEXT    NOT NULL
);

CREATE TABLE stats (
    day     INTEGER NOT NULL,
    counter TEXT    NOT NULL,
    value   INTEGER NOT NULL,
    PRIMARY KEY (day, counter)
);
)sql");
}

// v2: a pool row that ends is deleted, never kept as 'sent' or 'failed'
// (issue 11, High 3: v1 kept kind, next hop and times of every sent row
// for 7 days, which with the MTA's log maps inputs to outputs).  Purges
// the rows v1 kept; migrate() then truncates the WAL so their pages leave
// it too.  Adds delivery_id: the identifier a row was first sent under,
// fixed before the first hand-over, so a repeat after a crash is
// recognisable (the exit's Message-ID, Medium 6).
Result<void> migrate_to_v2(sql::Database& db) {
    return db.exec(R"sql(
DELETE FROM pool WHERE state IN ('sent', 'failed');
ALTER TABLE pool ADD COLUMN delivery_id TEXT;
)sql");
}

// v3: the keys local users published through seed 004's key service.
Result<void> migrate_to_v3(sql::Database& db) {
    return db.exec(R"sql(
CREATE TABLE published_keys (
    address      TEXT    NOT NULL PRIMARY KEY,
    key_bytes    BLOB    NOT NULL,
    published_at INTEGER NOT NULL
);
)sql");
}

// steps[i] migrates version i to version i + 1.
constexpr std::array<Step, kCurrentSchemaVersion> steps = {migrate_to_v1, migrate_to_v2,
                                                           migrate_to_v3};

}  // namespace

Result<int> version_of(sql::Database& db) {
    MIXTASY_TRY(v, db.query_int("PRAGMA user_version"));
    return static_cast<int>(*v);
}

namespace {

// One step (or none, when another process got there first) in its own write
// transaction with its user_version bump; true once the file is current.
Result<bool> migrate_one_step(sql::Database& db) {
    // Read and bump the version inside the write transaction, so two
    // processes opening a new file at once migrate it once.
    MIXTASY_TRY(tx, sql::Transaction::begin(db, sql::Transaction::Mode::Write));
    MIXTASY_TRY(version, version_of(db));
    if (*version == kCurrentSchemaVersion) {
        MIXTASY_CHECK(tx->commit());
        return true;
    }
    if (*version < 0 || *version > kCurrentSchemaVersion)
        return Unexpected{
            StoreError{StoreError::Code::Schema, "schema version " + std::to_string(*version) +
                                                     " is not one this program knows (newest " +
                                                     std::to_string(kCurrentSchemaVersion) + ")"}};
    MIXTASY_CHECK(steps[static_cast<std::size_t>(*version)](db));
    std::string bump = "PRAGMA user_version = " + std::to_string(*version + 1);
    MIXTASY_CHECK(db.exec(bump.c_str()));
    MIXTASY_CHECK(tx->commit());
    return false;
}

}  // namespace

Result<void> migrate(sql::Database& db) {
    // The common case, a file already current, needs no write lock: opening
    // the store then never waits behind writers of other processes.
    MIXTASY_TRY(current, version_of(db));
    if (*current == kCurrentSchemaVersion) return {};
    for (;;) {
        MIXTASY_TRY(done, migrate_one_step(db));
        if (*done) break;
    }
    // What a step deleted (v2: the sent rows of v1) is zeroed in the file
    // by secure_delete, but the WAL still holds the pages as they were;
    // cut it now.  A busy checkpoint is no failure: the flusher's next
    // truncate_journal() finishes the job.
    MIXTASY_TRY(busy, db.query_int("PRAGMA wal_checkpoint(TRUNCATE)"));
    (void)busy;
    return {};
}

}  // namespace mixtasy::store::schema
