// SPDX-License-Identifier: BSD-2-Clause
// bytes.h - the two byte types every interface in this tree speaks.
//
// Bytes      owned, growable message data.
// ByteView   a read-only view of bytes somebody else owns; the callee must not
//            keep it beyond the call.
// Secret material is never held in Bytes: crypto/ uses Botan::secure_vector,
// which wipes its memory on release.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

namespace mixtasy {

using Bytes = std::vector<uint8_t>;
using ByteView = std::span<const uint8_t>;

inline ByteView as_bytes(std::string_view s) {
    return {reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}
inline std::string_view as_chars(ByteView b) {
    return {reinterpret_cast<const char*>(b.data()), b.size()};
}

}  // namespace mixtasy
