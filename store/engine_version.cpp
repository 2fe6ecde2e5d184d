// SPDX-License-Identifier: BSD-2-Clause
// engine_version.cpp - see engine_version.h.
#include "store/engine_version.h"

#include <sqlite3.h>

namespace mixtasy::store {

std::string sqlite_version() { return sqlite3_libversion(); }

}  // namespace mixtasy::store
