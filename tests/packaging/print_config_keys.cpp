// SPDX-License-Identifier: BSD-2-Clause
// print_config_keys - one line per key milter/config.h's known_config_keys()
// returns, for docs:man-keys (tests/packaging/man_test.py), which compares
// them with the keys mixtasy-milter.conf(5) documents.
#include <cstdio>
#include <string_view>

#include "milter/config.h"

int main() {
    for (std::string_view key : mixtasy::milter::known_config_keys()) {
        std::printf("%.*s\n", static_cast<int>(key.size()), key.data());
    }
    return 0;
}
