// SPDX-License-Identifier: BSD-2-Clause
// seipd.cpp - see seipd.h.
#include "crypto/seipd.h"

#include <botan/hash.h>
#include <botan/mem_ops.h>

#include "crypto/openpgp_cfb.h"

namespace mixtasy::crypto {

namespace {
constexpr uint8_t kVersion = 1;
constexpr size_t kMdcPacket = 22;  // D3 14 || SHA-1
}  // namespace

Result<Bytes> seipd_encrypt_body(const SessionKey& sk, ByteView plaintext,
                                 Botan::RandomNumberGenerator& rng) {
    const auto spec = cipher_spec(sk.algo);
    if (!spec) return fail(ErrorCode::UnsupportedAlgorithm, 0, "SEIPD cipher");
    const size_t bs = spec->block_length;
    Bytes buf(1 + bs + 2 + plaintext.size() + kMdcPacket);
    buf[0] = kVersion;
    uint8_t* p = buf.data() + 1;
    rng.randomize(p, bs);
    p[bs] = p[bs - 2];
    p[bs + 1] = p[bs - 1];
    std::copy(plaintext.begin(), plaintext.end(), p + bs + 2);
    uint8_t* mdc = p + bs + 2 + plaintext.size();
    mdc[0] = 0xD3;
    mdc[1] = 0x14;
    auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    sha1->update(p, bs + 2 + plaintext.size() + 2);
    sha1->final(mdc + 2);
    if (!seipd_encrypt(*spec, sk.key, std::span<uint8_t>(p, buf.size() - 1))) {
        return fail(ErrorCode::BadKey, 0, "SEIPD session key length");
    }
    return buf;
}

Result<Bytes> seipd_decrypt_body(const SessionKey& sk, ByteView body) {
    if (body.empty()) return fail(ErrorCode::Truncated, 0, "SEIPD version");
    if (body[0] != kVersion) return fail(ErrorCode::UnsupportedVersion, 0, "SEIPD version");
    const auto spec = cipher_spec(sk.algo);
    if (!spec) return fail(ErrorCode::UnsupportedAlgorithm, 0, "SEIPD cipher");
    const size_t bs = spec->block_length;
    if (body.size() < 1 + bs + 2 + kMdcPacket)
        return fail(ErrorCode::Truncated, body.size(), "SEIPD prefix and MDC");
    Bytes buf(body.begin() + 1, body.end());
    if (!seipd_decrypt(*spec, sk.key, buf))
        return fail(ErrorCode::BadKey, 0, "SEIPD session key length");
    const size_t hashed = buf.size() - 20;
    uint8_t expect[kMdcPacket] = {0xD3, 0x14};
    auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    sha1->update(buf.data(), hashed);
    sha1->final(expect + 2);
    if (!Botan::constant_time_compare(expect, buf.data() + buf.size() - kMdcPacket, kMdcPacket)) {
        return fail(ErrorCode::IntegrityFailed, 1, "SEIPD modification detection code");
    }
    buf.resize(buf.size() - kMdcPacket);
    buf.erase(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(bs + 2));
    return buf;
}

}  // namespace mixtasy::crypto
