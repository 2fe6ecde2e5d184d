// SPDX-License-Identifier: BSD-2-Clause
// compressed.h - Compressed Data packets (tag 8, RFC 4880 5.6).
//
// What it does
//   decompress_body(body, limits)  the packet body (algorithm byte, then the
//                                  stream) -> the inner packets.  Algorithms:
//                                  0 uncompressed, 1 ZIP (raw deflate),
//                                  2 ZLIB, 3 BZip2.
//   compressed_body_stored(inner)  a body with algorithm 0: Mixtasy never
//                                  compresses its layers, but tests and
//                                  tools need a well-formed packet.
//
// Guarantees and refusals
//   - Output never exceeds limits.max_output (limit_exceeded), and never
//     exceeds limits.max_ratio times the compressed size once past
//     limits.ratio_floor bytes (limit_exceeded): a compression bomb stops
//     at the limit, having allocated at most the limit plus one chunk.
//   - A stream that ends before its end marker: truncated.  A corrupt
//     stream: bad_packet.  Bytes after the end marker are ignored (as gpg
//     does).  An unknown algorithm id: unsupported_algorithm.
//   - zlib / libbz2 errors are turned into these codes; nothing throws.
#pragma once

#include <cstddef>
#include <cstdint>

#include "common/bytes.h"
#include "crypto/error.h"

namespace mixtasy::crypto {

struct DecompressLimits {
    std::size_t max_output = 64u * 1024 * 1024;  // bytes of inner packets
    std::size_t max_ratio = 1000;                // output / input
    std::size_t ratio_floor = 1024u * 1024;      // ratio checked above this
};

enum class CompressionAlgorithm : uint8_t { Uncompressed = 0, Zip = 1, Zlib = 2, Bzip2 = 3 };

Result<Bytes> decompress_body(ByteView body, const DecompressLimits& limits = {},
                              std::size_t base = 0);

Bytes compressed_body_stored(ByteView inner);

}  // namespace mixtasy::crypto
