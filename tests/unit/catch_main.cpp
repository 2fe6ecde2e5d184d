// SPDX-License-Identifier: BSD-2-Clause
// The one Catch2 main every unit-test binary links.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>
