// SPDX-License-Identifier: BSD-2-Clause
// mpi.h - OpenPGP multiprecision integers (RFC 4880 3.2).
//
// What it does
//   read_mpi() reads a two-byte bit count and ceil(bits/8) value octets
//   through a Cursor; append_mpi() writes a value with its leading zero
//   octets stripped and the exact bit count.
//
// Guarantees and refusals
//   - A bit count above `max_bits` is limit_exceeded before any value
//     octet is read; a short value is truncated.
//   - The value is returned as read (a view into the input).  Bit counts
//     that disagree with the top octet are tolerated, as gpg does, since
//     the native 0x40-prefixed points and stripped scalars rely on it.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "crypto/cursor.h"
#include "crypto/error.h"

namespace mixtasy::crypto {

Result<ByteView> read_mpi(Cursor& in, unsigned max_bits, const char* what);

// Works on Bytes and on Botan::secure_vector (for secret MPIs).
template <typename Buffer>
void append_mpi(Buffer& out, ByteView value) {
    std::size_t skip = 0;
    while (skip < value.size() && value[skip] == 0) ++skip;
    const ByteView v = value.subspan(skip);
    std::size_t bits = 0;
    if (!v.empty()) {
        unsigned top = v[0];
        unsigned top_bits = 0;
        while (top) {
            ++top_bits;
            top >>= 1;
        }
        bits = (v.size() - 1) * 8 + top_bits;
    }
    out.push_back(static_cast<uint8_t>(bits >> 8));
    out.push_back(static_cast<uint8_t>(bits));
    out.insert(out.end(), v.begin(), v.end());
}

// Left-pads (or, when longer, fails to fit) `value` to exactly `size`
// octets; returns false when `value` has more significant octets.
template <typename Buffer>
bool pad_to(ByteView value, std::size_t size, Buffer& out) {
    std::size_t skip = 0;
    while (skip < value.size() && value.size() - skip > size && value[skip] == 0) ++skip;
    if (value.size() - skip > size) return false;
    out.assign(size - (value.size() - skip), 0);
    out.insert(out.end(), value.begin() + static_cast<std::ptrdiff_t>(skip), value.end());
    return true;
}

}  // namespace mixtasy::crypto
