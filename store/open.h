// SPDX-License-Identifier: BSD-2-Clause
// open.h - how to open a Store: one function per engine.  The only header
// outside store/sqlite/ that knows an engine exists; callers get the
// engine-neutral store::Store of store/store.h back.
//
// WHAT IT DOES
//   open_sqlite(options) opens (creating if needed, mode 0600) one SQLite
//   database file, checks it (PRAGMA quick_check), brings its schema forward
//   to the current version and returns a Store that any number of threads
//   may share (store/README.md, "Threading model").
//
// WHAT IT GUARANTEES
//   Never throws.  Fails with a StoreError: InvalidArgument for an empty or
//   overlong path, ReadOnly for an unwritable file or directory, Io for a
//   missing directory, Corrupt for a file that fails quick_check, Schema for
//   a file newer than this program.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "store/store.h"

namespace mixtasy::store {

struct SqliteOptions {
    std::string path;  // database file; created with mode 0600 if missing
    std::chrono::milliseconds busy_timeout{5000};
    std::size_t max_connections = 8;  // callers beyond this wait for a free one
    bool durable = true;              // synchronous=FULL (else NORMAL)
    bool check_on_open = true;        // PRAGMA quick_check in open_sqlite()
    // Refuse to grow the file beyond this many bytes (0: no limit); writes
    // past it fail with Full, like a full disk.  PRAGMA max_page_count.
    std::int64_t max_database_bytes = 0;
    StoreLimits limits;
};

Result<std::unique_ptr<Store>> open_sqlite(const SqliteOptions& options);

}  // namespace mixtasy::store
