// SPDX-License-Identifier: BSD-2-Clause
// engine_version.h - the version of the storage engine library this build
// runs with, for `mixtasy-milter -V`.
//
// CONTRACT: sqlite_version() is SQLite's run-time version ("3.40.1"),
// never empty; it opens nothing.
#pragma once

#include <string>

namespace mixtasy::store {

std::string sqlite_version();

}  // namespace mixtasy::store
