// SPDX-License-Identifier: BSD-2-Clause
// forget_test.cpp - a row that ends leaves nothing behind (issue 11, High
// 3): not in the tables, not in the database file's freed pages, not in
// the WAL; and the v1 -> v2 migration purges what v1 kept.
#include <filesystem>
#include <fstream>
#include <iterator>

#include "tests/unit/store/store_test_util.h"

using namespace mixtasy;
using namespace mixtasy::store;
using namespace mixtasy::store::test;

namespace {

std::string file_bytes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The bytes of the database and of its -wal and -shm files, as a seized
// disk would show them.
std::string disk_bytes(const std::string& path) {
    return file_bytes(path) + file_bytes(path + "-wal") + file_bytes(path + "-shm");
}

// The schema v1 shipped with (store/sqlite/schema.cpp before v2): frozen
// here, since the migration must work on files written by that program.
const char* const kSchemaV1 = R"sql(
CREATE TABLE replay (hash BLOB NOT NULL PRIMARY KEY, expires_at INTEGER NOT NULL);
CREATE INDEX replay_by_expiry ON replay (expires_at);
CREATE TABLE pool (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('mix', 'exit', 'dummy', 'admin-reply')),
    state TEXT NOT NULL CHECK (state IN ('pooled', 'sending', 'sent', 'failed')),
    next_hop TEXT NOT NULL, envelope_from TEXT NOT NULL, bytes BLOB NOT NULL,
    enqueued_at INTEGER NOT NULL, next_attempt_at INTEGER NOT NULL,
    give_up_at INTEGER NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    changed_at INTEGER NOT NULL);
CREATE INDEX pool_ready ON pool (state, next_attempt_at);
CREATE TABLE parts (mixtasy_id TEXT NOT NULL, part INTEGER NOT NULL CHECK (part >= 1),
    total INTEGER NOT NULL CHECK (total >= part), bytes BLOB NOT NULL,
    expires_at INTEGER NOT NULL, PRIMARY KEY (mixtasy_id, part));
CREATE INDEX parts_by_expiry ON parts (expires_at);
CREATE TABLE keys (fingerprint TEXT NOT NULL PRIMARY KEY, kind TEXT NOT NULL,
    created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, secret_path TEXT NOT NULL);
CREATE TABLE stats (day INTEGER NOT NULL, counter TEXT NOT NULL, value INTEGER NOT NULL,
    PRIMARY KEY (day, counter));
PRAGMA user_version = 1;
)sql";

void insert_v1_row(RawDb& raw, const std::string& state, const std::string& next_hop) {
    REQUIRE(raw.exec("INSERT INTO pool (kind, state, next_hop, envelope_from, bytes, enqueued_at,"
                     " next_attempt_at, give_up_at, attempts, changed_at) VALUES ('exit', '" +
                     state + "', '" + next_hop + "', 'mixtasy@self.example', x'', 1000, 1000," +
                     " 99999, 0, 1000)") == SQLITE_OK);
}

}  // namespace

TEST_CASE("sent and failed rows leave no address in the file, the WAL or the shm",
          "[store][forget]") {
    TempDir dir;
    const std::string path = dir.file("node.db");
    auto store = open_store(path);
    std::vector<std::string> hops;
    for (int i = 0; i < 40; ++i) {
        NewPoolItem it = item("body of message " + std::to_string(i));
        it.next_hop = "victim-" + std::to_string(i) + "@destination.example";
        hops.push_back(it.next_hop);
        REQUIRE(store->enqueue(it));
    }
    auto claimed = store->claim_random_ready(2000, 40, [](std::uint64_t) { return 0; });
    REQUIRE(claimed->size() == 40);
    for (std::size_t i = 0; i < claimed->size(); ++i) {
        const PoolItem& row = (*claimed)[i];
        REQUIRE((i % 4 == 0 ? store->mark_failed(row.id, 2001) : store->mark_sent(row.id, 2001)));
    }
    // Before the journal is truncated the WAL still holds the rows as they
    // were inserted: the reason truncate_journal() exists.
    CHECK(disk_bytes(path).find("@destination.example") != std::string::npos);
    auto truncated = store->truncate_journal();
    REQUIRE(truncated);
    CHECK(*truncated);
    CHECK(std::filesystem::file_size(path + "-wal") == 0);
    const std::string disk = disk_bytes(path);
    for (const std::string& hop : hops) {
        INFO(hop);
        CHECK(disk.find(hop) == std::string::npos);
    }
    CHECK(disk.find("body of message") == std::string::npos);
    CHECK(store->integrity_check());
}

TEST_CASE("the v2 migration purges the sent and failed rows v1 kept, and checkpoints",
          "[store][forget][migrate]") {
    TempDir dir;
    const std::string path = dir.file("node.db");
    {
        RawDb raw(path);
        REQUIRE(raw.exec("PRAGMA journal_mode = WAL") == SQLITE_OK);
        REQUIRE(raw.exec(kSchemaV1) == SQLITE_OK);
        insert_v1_row(raw, "sent", "alice@sent.example");
        insert_v1_row(raw, "failed", "bob@failed.example");
        insert_v1_row(raw, "pooled", "carol@waiting.example");
        REQUIRE(raw.scalar("PRAGMA user_version") == 1);
    }
    auto store = open_store(path);
    CHECK(*store->schema_version() == SqliteStore::current_schema_version());
    CHECK(*store->count_in_state(PoolState::Sent) == 0);
    CHECK(*store->count_in_state(PoolState::Failed) == 0);
    CHECK(*store->count_in_state(PoolState::Pooled) == 1);  // still to be sent: kept
    const std::string disk = disk_bytes(path);
    CHECK(disk.find("alice@sent.example") == std::string::npos);
    CHECK(disk.find("bob@failed.example") == std::string::npos);
    CHECK(disk.find("carol@waiting.example") != std::string::npos);
    // The kept row works under v2: its delivery id starts empty.
    auto ready = store->claim_random_ready(1000, 1, [](std::uint64_t) { return 0; });
    REQUIRE(ready->size() == 1);
    CHECK((*ready)[0].next_hop == "carol@waiting.example");
    CHECK((*ready)[0].delivery_id.empty());
    CHECK(store->integrity_check());
}
