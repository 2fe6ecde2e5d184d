// SPDX-License-Identifier: BSD-2-Clause
// library_versions.h - the libraries core runs on and their run-time
// versions, for `mixtasy-milter -V` (the milter may include neither Botan
// nor SQLite itself, DESIGN section 2).
//
// CONTRACT: library_versions() lists {"Botan", "2.19.3"} and
// {"SQLite", "3.40.1"}, in that order, from the libraries loaded.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace mixtasy::core {

std::vector<std::pair<std::string, std::string>> library_versions();

}  // namespace mixtasy::core
