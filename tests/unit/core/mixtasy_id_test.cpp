// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/format/mixtasy_id.h: the bound id's form, its check, and
// what counts as an id of another form.
#include "core/format/mixtasy_id.h"

#include <catch2/catch.hpp>

#include <string>

#include "core/format/mix_fields.h"
#include "core/ports/random.h"

using namespace mixtasy;
using namespace mixtasy::core;

TEST_CASE("mixtasy id: bound to its original, a valid msg-id", "[core][mixtasy_id]") {
    DeterministicRandom random(5);
    const std::string original = "To: bob@dest.example\r\n\r\nhello\r\n";
    const std::string id = bound_mixtasy_id(as_bytes(original), random);
    CHECK(id.size() == 1 + 32 + 1 + 64 + 9);
    CHECK(id.front() == '<');
    CHECK(id.substr(id.size() - 9) == "@mixtasy>");
    // dot-atom-text "@" dot-atom-text: an address parser takes its inside.
    CHECK(parse_address(id.substr(1, id.size() - 2)));
    CHECK(check_id_binding(id, as_bytes(original)) == IdBinding::Matches);
    std::string changed = original;
    changed[25] = 'H';
    CHECK(check_id_binding(id, as_bytes(changed)) == IdBinding::Mismatch);
    CHECK(check_id_binding(id, as_bytes(original + "x")) == IdBinding::Mismatch);
    // Another nonce gives another digest for the same original.
    const std::string other = bound_mixtasy_id(as_bytes(original), random);
    CHECK(other.substr(34, 64) != id.substr(34, 64));
    // A digest of the right form that belongs to another nonce.
    std::string swapped = other.substr(0, 34) + id.substr(34);
    CHECK(check_id_binding(swapped, as_bytes(original)) == IdBinding::Mismatch);
}

TEST_CASE("mixtasy id: ids of other forms are not checked", "[core][mixtasy_id]") {
    DeterministicRandom random(6);
    const auto original = as_bytes(std::string_view("x"));
    const std::string id = bound_mixtasy_id(original, random);
    const std::string upper = "<" + std::string(32, 'A') + id.substr(33);  // upper-case nonce
    for (const std::string& other :
         {std::string("<abc@mixtasy>"), std::string("<0123456789abcdef0123456789abcdef@mixtasy>"),
          std::string(""), std::string("<") + std::string(105, 'a') + ">", upper,
          id.substr(0, id.size() - 1) + "x", "<" + std::string(32, 'g') + id.substr(33),
          id.substr(0, 33) + "-" + id.substr(34)}) {
        CAPTURE(other);
        CHECK(check_id_binding(other, original) == IdBinding::Unbound);
    }
}

TEST_CASE("mixtasy id: the digest is SHA-256 over label, zero byte, nonce and original",
          "[core][mixtasy_id]") {
    // The fuzz seed matches.txt, computed outside this code (Python hashlib).
    const std::string original = "To: bob@dest.example\r\nSubject: part one\r\n\r\nhello\r\n";
    const std::string id =
        "<000102030405060708090a0b0c0d0e0f."
        "2fb476818f3c64d1fab08adc35c24d9ae749230a2cc09a8e88d6662d6d1e8a02@mixtasy>";
    CHECK(check_id_binding(id, as_bytes(original)) == IdBinding::Matches);
}
