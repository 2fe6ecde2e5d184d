// SPDX-License-Identifier: BSD-2-Clause
// library_versions.cpp - see library_versions.h.
#include "core/node/library_versions.h"

#include <botan/version.h>

#include "store/engine_version.h"

namespace mixtasy::core {

std::vector<std::pair<std::string, std::string>> library_versions() {
    const std::string botan = std::to_string(Botan::version_major()) + "." +
                              std::to_string(Botan::version_minor()) + "." +
                              std::to_string(Botan::version_patch());
    return {{"Botan", botan}, {"SQLite", store::sqlite_version()}};
}

}  // namespace mixtasy::core
