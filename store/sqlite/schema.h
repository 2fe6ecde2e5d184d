// SPDX-License-Identifier: BSD-2-Clause
// schema.h - the database schema and its forward-only migrations.
//
// The schema version lives in PRAGMA user_version.  migrate() brings a file
// from whatever version it has (0 = empty, new file) up to
// kCurrentSchemaVersion, one step at a time, each step in its own write
// transaction together with the user_version bump, so a crash mid-migration
// leaves the file at the last completed version.  A file newer than this
// program is refused (Schema): we never guess at a future layout.
//
// Adding version N+1: write one function `migrate_to_vN+1(Database&)` in
// schema.cpp, append it to the step table, bump kCurrentSchemaVersion, and
// add a test that opens a file of every earlier version.
#pragma once

#include "store/sqlite/sql.h"

namespace mixtasy::store::schema {

using sql::Result;

inline constexpr int kCurrentSchemaVersion = 3;

Result<int> version_of(sql::Database& db);
Result<void> migrate(sql::Database& db);

}  // namespace mixtasy::store::schema
