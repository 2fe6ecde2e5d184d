// SPDX-License-Identifier: BSD-2-Clause
#include "crypto/compressed.h"

#include <catch2/catch.hpp>

#include <bzlib.h>
#include <string>
#include <zlib.h>

#include <botan/auto_rng.h>

using namespace mixtasy::crypto;
using mixtasy::Bytes;

namespace {

// Compressed packet bodies made with the real libraries.
Bytes deflate_body(const Bytes& in, int window_bits, uint8_t algo) {
    z_stream zs{};
    REQUIRE(deflateInit2(&zs, 9, Z_DEFLATED, window_bits, 9, Z_DEFAULT_STRATEGY) == Z_OK);
    Bytes out(deflateBound(&zs, static_cast<uLong>(in.size())) + 1);
    out[0] = algo;
    zs.next_in = const_cast<Bytef*>(in.data());
    zs.avail_in = static_cast<uInt>(in.size());
    zs.next_out = out.data() + 1;
    zs.avail_out = static_cast<uInt>(out.size() - 1);
    REQUIRE(deflate(&zs, Z_FINISH) == Z_STREAM_END);
    out.resize(1 + zs.total_out);
    deflateEnd(&zs);
    return out;
}

Bytes bzip2_body(const Bytes& in) {
    unsigned int len = static_cast<unsigned int>(in.size() + in.size() / 100 + 700);
    Bytes out(len + 1);
    out[0] = 3;
    char empty = 0;  // libbz2 refuses a null source even for zero bytes
    char* src = in.empty() ? &empty : const_cast<char*>(reinterpret_cast<const char*>(in.data()));
    REQUIRE(BZ2_bzBuffToBuffCompress(reinterpret_cast<char*>(out.data() + 1), &len, src,
                                     static_cast<unsigned int>(in.size()), 9, 0, 0) == BZ_OK);
    out.resize(1 + len);
    return out;
}

Bytes sample(size_t n) {
    Bytes b(n);
    for (size_t i = 0; i < n; ++i) b[i] = static_cast<uint8_t>("mixtasy "[i % 8]);
    return b;
}

}  // namespace

TEST_CASE("decompression reads ZIP, ZLIB, BZip2 and stored bodies", "[compressed]") {
    for (size_t n : {size_t(0), size_t(1), size_t(100000)}) {
        const auto in = sample(n);
        for (const auto& body : {deflate_body(in, -15, 1), deflate_body(in, 15, 2), bzip2_body(in),
                                 compressed_body_stored(in)}) {
            auto out = decompress_body(body);
            REQUIRE(out);
            REQUIRE(*out == in);
        }
    }
}

TEST_CASE("a compression bomb stops at the output limit", "[compressed]") {
    const Bytes zeros(50u * 1024 * 1024, 0);  // 50 MiB of zeros -> ~50 KiB
    const auto body = deflate_body(zeros, 15, 2);
    DecompressLimits limits;
    limits.max_output = 1024 * 1024;
    limits.max_ratio = 1u << 30;
    auto out = decompress_body(body, limits);
    REQUIRE_FALSE(out);
    REQUIRE(out.error().code == ErrorCode::LimitExceeded);
    const auto bz = bzip2_body(Bytes(8u * 1024 * 1024, 0));
    REQUIRE(decompress_body(bz, limits).error().code == ErrorCode::LimitExceeded);
}

TEST_CASE("the ratio limit applies above its floor", "[compressed]") {
    const Bytes zeros(4u * 1024 * 1024, 0);
    const auto body = deflate_body(zeros, -15, 1);
    DecompressLimits limits;
    limits.max_ratio = 100;
    limits.ratio_floor = 64 * 1024;
    REQUIRE(decompress_body(body, limits).error().code == ErrorCode::LimitExceeded);
    limits.max_ratio = 100000;
    REQUIRE(decompress_body(body, limits));
}

TEST_CASE("truncated and corrupt streams give typed errors", "[compressed]") {
    const auto in = sample(50000);
    Botan::AutoSeeded_RNG rng;
    for (const auto& body : {deflate_body(in, -15, 1), deflate_body(in, 15, 2), bzip2_body(in)}) {
        for (size_t cut : {size_t(1), size_t(2), body.size() / 2, body.size() - 1}) {
            auto r = decompress_body(mixtasy::ByteView(body.data(), cut));
            REQUIRE_FALSE(r);
            REQUIRE(
                (r.error().code == ErrorCode::Truncated || r.error().code == ErrorCode::BadPacket));
        }
        for (int i = 0; i < 50; ++i) {
            auto damaged = body;
            damaged[1 + rng.next_byte() % (damaged.size() - 1)] ^=
                static_cast<uint8_t>(1 + rng.next_byte() % 255);
            (void)decompress_body(damaged);  // any result but a crash
        }
    }
    REQUIRE(decompress_body(Bytes{}).error().code == ErrorCode::Truncated);
    REQUIRE(decompress_body(Bytes{7, 1, 2}).error().code == ErrorCode::UnsupportedAlgorithm);
    REQUIRE(decompress_body(Bytes{2, 0xFF, 0xFF, 0xFF}).error().code == ErrorCode::BadPacket);
}
