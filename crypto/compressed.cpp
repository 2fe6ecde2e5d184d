// SPDX-License-Identifier: BSD-2-Clause
// compressed.cpp - see compressed.h.
#include "crypto/compressed.h"

#include <algorithm>
#include <bzlib.h>
#include <climits>
#include <memory>
#include <zlib.h>

namespace mixtasy::crypto {

namespace {

constexpr size_t kChunk = 64 * 1024;

// The output budget: the absolute limit, tightened by the ratio limit.
size_t output_budget(size_t input, const DecompressLimits& limits) {
    size_t by_ratio = limits.max_ratio != 0 && input <= SIZE_MAX / limits.max_ratio
                          ? input * limits.max_ratio
                          : SIZE_MAX;
    by_ratio = std::max(by_ratio, limits.ratio_floor);
    return std::min(limits.max_output, by_ratio);
}

// Grows `out` by one chunk for the next inflate step, or fails at the budget.
Result<void> grow(Bytes& out, size_t used, size_t budget, size_t base) {
    if (used >= budget) {
        return fail(ErrorCode::LimitExceeded, base, "decompressed size or ratio limit");
    }
    out.resize(used + std::min(kChunk, budget - used));
    return {};
}

// zlib takes uInt sizes; ours are bounded by the caller, but be exact.
uInt clamp_uint(size_t n) { return static_cast<uInt>(std::min<size_t>(n, UINT_MAX)); }

Result<Bytes> inflate_stream(ByteView in, int window_bits, size_t budget, size_t base) {
    z_stream zs{};
    if (inflateInit2(&zs, window_bits) != Z_OK)
        return fail(ErrorCode::Internal, base, "inflateInit2");
    std::unique_ptr<z_stream, decltype(&inflateEnd)> guard(&zs, &inflateEnd);
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = clamp_uint(in.size());
    Bytes out;
    size_t used = 0;
    for (;;) {
        MIXTASY_CHECK(grow(out, used, budget, base));
        zs.next_out = out.data() + used;
        zs.avail_out = clamp_uint(out.size() - used);
        const uInt before = zs.avail_out;
        const int rc = inflate(&zs, Z_NO_FLUSH);
        used += before - zs.avail_out;
        if (rc == Z_STREAM_END) break;
        if (rc == Z_BUF_ERROR || (rc == Z_OK && zs.avail_in == 0 && zs.avail_out != 0)) {
            return fail(ErrorCode::Truncated, base + zs.total_in, "compressed stream ends early");
        }
        if (rc != Z_OK)
            return fail(ErrorCode::BadPacket, base + zs.total_in, "corrupt deflate stream");
    }
    out.resize(used);
    return out;
}

Result<Bytes> bunzip_stream(ByteView in, size_t budget, size_t base) {
    bz_stream bs{};
    if (BZ2_bzDecompressInit(&bs, 0, 0) != BZ_OK)
        return fail(ErrorCode::Internal, base, "BZ2_bzDecompressInit");
    std::unique_ptr<bz_stream, decltype(&BZ2_bzDecompressEnd)> guard(&bs, &BZ2_bzDecompressEnd);
    bs.next_in = const_cast<char*>(reinterpret_cast<const char*>(in.data()));
    bs.avail_in = static_cast<unsigned>(std::min<size_t>(in.size(), UINT_MAX));
    Bytes out;
    size_t used = 0;
    for (;;) {
        MIXTASY_CHECK(grow(out, used, budget, base));
        bs.next_out = reinterpret_cast<char*>(out.data() + used);
        bs.avail_out = static_cast<unsigned>(std::min<size_t>(out.size() - used, UINT_MAX));
        const unsigned before = bs.avail_out;
        const int rc = BZ2_bzDecompress(&bs);
        used += before - bs.avail_out;
        if (rc == BZ_STREAM_END) break;
        if (rc != BZ_OK) return fail(ErrorCode::BadPacket, base, "corrupt bzip2 stream");
        if (bs.avail_in == 0 && bs.avail_out != 0) {
            return fail(ErrorCode::Truncated, base, "bzip2 stream ends early");
        }
    }
    out.resize(used);
    return out;
}

}  // namespace

Result<Bytes> decompress_body(ByteView body, const DecompressLimits& limits, std::size_t base) {
    if (body.empty()) return fail(ErrorCode::Truncated, base, "compression algorithm");
    const ByteView stream = body.subspan(1);
    const size_t budget = output_budget(stream.size(), limits);
    switch (static_cast<CompressionAlgorithm>(body[0])) {
        case CompressionAlgorithm::Uncompressed:
            if (stream.size() > limits.max_output)
                return fail(ErrorCode::LimitExceeded, base, "uncompressed size");
            return Bytes(stream.begin(), stream.end());
        case CompressionAlgorithm::Zip: return inflate_stream(stream, -15, budget, base + 1);
        case CompressionAlgorithm::Zlib: return inflate_stream(stream, 15, budget, base + 1);
        case CompressionAlgorithm::Bzip2: return bunzip_stream(stream, budget, base + 1);
    }
    return fail(ErrorCode::UnsupportedAlgorithm, base, "compression algorithm");
}

Bytes compressed_body_stored(ByteView inner) {
    Bytes body;
    body.reserve(inner.size() + 1);
    body.push_back(static_cast<uint8_t>(CompressionAlgorithm::Uncompressed));
    body.insert(body.end(), inner.begin(), inner.end());
    return body;
}

}  // namespace mixtasy::crypto
