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

// v4: the keys local users published through seed 004's key service.
// (Numbered for the merge: v2 and v3 come from other branches; until they
// are in, this step sits second in the table.  The lead orders the steps.)
Result<void> migrate_to_v4(sql::Database& db) {
    return db.exec(R"sql(
CREATE TABLE published_keys (
    address      TEXT    NOT NULL PRIMARY KEY,
    key_bytes    BLOB    NOT NULL,
    published_at INTEGER NOT NULL
);
)sql");
}

// steps[i] migrates version i to version i + 1.
constexpr std::array<Step, kCurrentSchemaVersion> steps = {migrate_to_v1, migrate_to_v4};

}  // namespace

Result<int> version_of(sql::Database& db) {
    MIXTASY_TRY(v, db.query_int("PRAGMA user_version"));
    return static_cast<int>(*v);
}

Result<void> migrate(sql::Database& db) {
    // The common case, a file already current, needs no write lock: opening
    // the store then never waits behind writers of other processes.
    MIXTASY_TRY(current, version_of(db));
    if (*current == kCurrentSchemaVersion) return {};
    for (;;) {
        // Read and bump the version inside the write transaction, so two
        // processes opening a new file at once migrate it once.
        MIXTASY_TRY(tx, sql::Transaction::begin(db, sql::Transaction::Mode::Write));
        MIXTASY_TRY(version, version_of(db));
        if (*version == kCurrentSchemaVersion) return tx->commit();
        if (*version < 0 || *version > kCurrentSchemaVersion)
            return Unexpected{StoreError{StoreError::Code::Schema,
                                         "schema version " + std::to_string(*version) +
                                             " is not one this program knows (newest " +
                                             std::to_string(kCurrentSchemaVersion) + ")"}};
        auto step = steps[static_cast<std::size_t>(*version)](db);
        if (!step) return step;
        std::string bump = "PRAGMA user_version = " + std::to_string(*version + 1);
        auto bumped = db.exec(bump.c_str());
        if (!bumped) return bumped;
        auto committed = tx->commit();
        if (!committed) return committed;
    }
}

}  // namespace mixtasy::store::schema
