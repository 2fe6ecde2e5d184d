// SPDX-License-Identifier: BSD-2-Clause
// sed.cpp - see sed.h.
#include "crypto/sed.h"

#include "crypto/openpgp_cfb.h"

namespace mixtasy::crypto {

Result<Bytes> sed_encrypt_body(const SessionKey& sk, ByteView plaintext,
                               Botan::RandomNumberGenerator& rng) {
    const auto spec = cipher_spec(sk.algo);
    if (!spec) return fail(ErrorCode::UnsupportedAlgorithm, 0, "SED cipher");
    const size_t bs = spec->block_length;
    Bytes buf(bs + 2 + plaintext.size());
    rng.randomize(buf.data(), bs);
    buf[bs] = buf[bs - 2];
    buf[bs + 1] = buf[bs - 1];
    std::copy(plaintext.begin(), plaintext.end(), buf.begin() + static_cast<ptrdiff_t>(bs + 2));
    if (!sed_encrypt(*spec, sk.key, buf))
        return fail(ErrorCode::BadKey, 0, "SED session key length");
    return buf;
}

Result<Bytes> sed_decrypt_body(const SessionKey& sk, ByteView body) {
    const auto spec = cipher_spec(sk.algo);
    if (!spec) return fail(ErrorCode::UnsupportedAlgorithm, 0, "SED cipher");
    const size_t bs = spec->block_length;
    if (body.size() < bs + 2) return fail(ErrorCode::Truncated, body.size(), "SED prefix");
    Bytes buf(body.begin(), body.end());
    if (!sed_decrypt(*spec, sk.key, buf))
        return fail(ErrorCode::BadKey, 0, "SED session key length");
    if (buf[bs] != buf[bs - 2] || buf[bs + 1] != buf[bs - 1]) {
        return fail(ErrorCode::IntegrityFailed, bs, "SED quick check (wrong session key)");
    }
    buf.erase(buf.begin(), buf.begin() + static_cast<ptrdiff_t>(bs + 2));
    return buf;
}

}  // namespace mixtasy::crypto
