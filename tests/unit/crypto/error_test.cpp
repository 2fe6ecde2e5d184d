// SPDX-License-Identifier: BSD-2-Clause
// error_test.cpp - the stable tokens of crypto::ErrorCode and describe().
#include "crypto/error.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mixtasy::crypto;

TEST_CASE("error codes keep their lower-case tokens, describe adds offset and detail", "[error]") {
    CHECK(std::string(to_string(ErrorCode::Truncated)) == "truncated");
    CHECK(std::string(to_string(ErrorCode::BadHeader)) == "bad_header");
    CHECK(std::string(to_string(ErrorCode::NoValidKey)) == "no_valid_key");
    CHECK(std::string(to_string(ErrorCode::IoError)) == "io_error");
    CHECK(std::string(to_string(ErrorCode::Internal)) == "internal");
    CHECK(describe(Error{ErrorCode::Truncated, 17, "MPI length"}) ==
          "truncated at offset 17: MPI length");
    CHECK(describe(Error{ErrorCode::BadKey, 0, ""}) == "bad_key at offset 0");
}

TEST_CASE("a file's error is described by its path and the OS's reason alone", "[error]") {
    // Issue 15: "io_error at offset 0" told an admin nothing.
    CHECK(describe(Error{ErrorCode::IoError, 0, "open /k/secret.asc: Permission denied"}) ==
          "open /k/secret.asc: Permission denied");
    CHECK(describe(Error{ErrorCode::IoError, 0, ""}) == "io_error at offset 0");
}
