// SPDX-License-Identifier: BSD-2-Clause
// wire_bytes.h - looking inside a mix message as it travels, for core's
// tests: its dearmored body, and bytes as text for CHECKs.
#pragma once

#include <catch2/catch.hpp>

#include <string>
#include <utility>

#include "common/bytes.h"
#include "core/format/wire_message.h"
#include "crypto/armor.h"

namespace mixtasy::core::testing {

// The binary body of a transport message (dearmored).
inline Bytes binary_body(ByteView message) {
    auto body = received_body(message);
    REQUIRE(body);
    auto binary = crypto::to_binary(*body);
    REQUIRE(binary);
    return std::move(*binary);
}

inline std::string text_of(ByteView b) { return std::string(as_chars(b)); }

}  // namespace mixtasy::core::testing
