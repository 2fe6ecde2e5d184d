// SPDX-License-Identifier: BSD-2-Clause
// oracle.h - the one rule for tests that need an outside tool as their
// oracle (gpg, sq, a built binary): an interop test whose oracle is missing
// proves nothing, so it must never pass.
//
// WHAT IT DOES
//   oracle_available(name)            true when the program `name` is on PATH.
//   oracle_available(name, present)   the same for an oracle the caller
//                                     looked for itself (a built binary).
//   When the oracle is missing: under CI (the environment variable CI is
//   "true", "1" or "yes", any case, as CI services set it) the test FAILS
//   with a line naming the tool and scripts/install-deps; elsewhere it
//   WARNs "<name> not installed: skipped" and returns false, so the caller
//   returns at once.
//
// USE
//   if (!mixtasy::testing::oracle_available("gpg")) return;
//
// WHAT IT REFUSES
//   A missing oracle under CI is a failure, never a skip or a pass.
#pragma once

#include <catch2/catch.hpp>

#include <cstdlib>
#include <string>
#include <string_view>

#include "common/ascii.h"

namespace mixtasy::testing {

enum class OracleCheck { Present, Skip, Fail };

// The decision alone, free of the environment and of Catch2 (tested).
inline OracleCheck check_oracle(bool present, const char* ci_variable) {
    if (present) return OracleCheck::Present;
    const std::string_view ci = ci_variable == nullptr ? "" : ci_variable;
    const bool under_ci =
        ascii::iequals(ci, "true") || ascii::iequals(ci, "1") || ascii::iequals(ci, "yes");
    return under_ci ? OracleCheck::Fail : OracleCheck::Skip;
}

inline bool tool_on_path(const std::string& name) {
    return std::system(("command -v '" + name + "' >/dev/null 2>&1").c_str()) == 0;
}

inline bool oracle_available(const std::string& name, bool present) {
    switch (check_oracle(present, std::getenv("CI"))) {
        case OracleCheck::Present: return true;
        case OracleCheck::Skip: WARN(name << " not installed: skipped"); return false;
        case OracleCheck::Fail:
            FAIL(name << " is missing and CI=true: an interop test without its oracle "
                         "must not pass (scripts/install-deps installs it)");
    }
    return false;
}

inline bool oracle_available(const std::string& name) {
    return oracle_available(name, tool_on_path(name));
}

}  // namespace mixtasy::testing
