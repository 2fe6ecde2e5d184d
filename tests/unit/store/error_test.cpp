// SPDX-License-Identifier: BSD-2-Clause
// error_test.cpp - the one rule of what is temporary (store/error.h).
#include "store/error.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mixtasy::store;
using Code = StoreError::Code;

TEST_CASE("only answers about the request itself are not temporary", "[store][error]") {
    for (Code code : {Code::Replay, Code::NotFound, Code::InvalidArgument, Code::Constraint}) {
        INFO(to_string(code));
        CHECK_FALSE(StoreError{code, ""}.temporary());
        CHECK_FALSE(StoreError{code, ""}.needs_admin());
    }
    for (Code code : {Code::Full, Code::Busy, Code::Io, Code::Misuse}) {
        INFO(to_string(code));
        CHECK(StoreError{code, ""}.temporary());
        CHECK_FALSE(StoreError{code, ""}.needs_admin());
    }
}

TEST_CASE("a damaged, newer or unwritable database is temporary and needs an admin",
          "[store][error]") {
    for (Code code : {Code::ReadOnly, Code::Corrupt, Code::Schema}) {
        INFO(to_string(code));
        CHECK(StoreError{code, ""}.temporary());
        CHECK(StoreError{code, ""}.needs_admin());
    }
}

TEST_CASE("error codes have stable log tokens", "[store][error]") {
    CHECK(std::string(to_string(Code::Replay)) == "replay");
    CHECK(std::string(to_string(Code::Full)) == "disk-full");
    CHECK(std::string(to_string(Code::Corrupt)) == "corrupt");
}
