// SPDX-License-Identifier: BSD-2-Clause
// store_test_util.h - a store opened in a temporary directory
// (tests/unit/temp_dir.h), for the store/ tests.
#pragma once

#include <catch2/catch.hpp>

#include <filesystem>
#include <memory>
#include <stdlib.h>
#include <string>

#include <sqlite3.h>

#include "store/open.h"
#include "store/sqlite/sqlite_store.h"
#include "store/store.h"
#include "tests/unit/temp_dir.h"

namespace mixtasy::store::test {

using mixtasy::testing::TempDir;

inline SqliteOptions options_for(const std::string& path) {
    SqliteOptions options;
    options.path = path;
    options.busy_timeout = std::chrono::milliseconds(5000);
    return options;
}

inline std::unique_ptr<Store> open_store(const SqliteOptions& options) {
    auto store = open_sqlite(options);
    if (!store) FAIL("open_sqlite: " << store.error().detail);
    return std::move(*store);
}

inline std::unique_ptr<Store> open_store(const std::string& path) {
    return open_store(options_for(path));
}

inline ByteView bv(std::string_view s) { return as_bytes(s); }

inline NewPoolItem item(std::string_view text, UnixTime at = 1000, PoolKind kind = PoolKind::Mix) {
    NewPoolItem it;
    it.kind = kind;
    it.next_hop = "next@mix.example";
    it.envelope_from = "mixtasy@node.example";
    it.bytes = Bytes(text.begin(), text.end());
    it.enqueued_at = at;
    it.next_attempt_at = at;
    it.give_up_at = at + 86400;
    return it;
}

// One part of multipart set `id`, for the reassembly-buffer tests.
inline NewPart part_of(std::string_view id, std::uint32_t n, std::uint32_t total,
                       std::string_view text, UnixTime expires = 5000) {
    NewPart p;
    p.mixtasy_id = std::string(id);
    p.part = n;
    p.total = total;
    p.bytes = as_bytes(text);
    p.expires_at = expires;
    return p;
}

// A raw SQLite connection for checks behind the store's back.
class RawDb {
public:
    explicit RawDb(const std::string& path) {
        REQUIRE(sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
                                nullptr) == SQLITE_OK);
        sqlite3_busy_timeout(db_, 5000);
    }
    ~RawDb() { sqlite3_close_v2(db_); }
    RawDb(const RawDb&) = delete;
    RawDb& operator=(const RawDb&) = delete;
    sqlite3* get() const { return db_; }
    int exec(const std::string& sql) {
        return sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr);
    }
    std::int64_t scalar(const std::string& sql) {
        sqlite3_stmt* st = nullptr;
        REQUIRE(sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) == SQLITE_OK);
        std::int64_t value = -1;
        if (sqlite3_step(st) == SQLITE_ROW) value = sqlite3_column_int64(st, 0);
        sqlite3_finalize(st);
        return value;
    }

private:
    sqlite3* db_ = nullptr;
};

}  // namespace mixtasy::store::test
