// SPDX-License-Identifier: BSD-2-Clause
// session_key.cpp - see session_key.h.
#include "crypto/session_key.h"

#include "crypto/openpgp_cfb.h"

namespace mixtasy::crypto {

Result<SessionKey> generate_session_key(uint8_t algo, Botan::RandomNumberGenerator& rng) {
    const auto spec = cipher_spec(algo);
    if (!spec) return fail(ErrorCode::UnsupportedAlgorithm, 0, "symmetric algorithm id");
    SessionKey sk;
    sk.algo = algo;
    sk.key = rng.random_vec(spec->key_length);
    return sk;
}

uint16_t session_key_checksum(std::span<const uint8_t> key) {
    uint32_t sum = 0;
    for (uint8_t b : key) sum += b;
    return static_cast<uint16_t>(sum & 0xFFFF);
}

Botan::secure_vector<uint8_t> encode_session_key(const SessionKey& sk) {
    Botan::secure_vector<uint8_t> out;
    out.reserve(sk.key.size() + 3);
    out.push_back(sk.algo);
    out.insert(out.end(), sk.key.begin(), sk.key.end());
    const uint16_t sum = session_key_checksum(sk.key);
    out.push_back(static_cast<uint8_t>(sum >> 8));
    out.push_back(static_cast<uint8_t>(sum & 0xFF));
    return out;
}

Result<SessionKey> decode_session_key(std::span<const uint8_t> encoded) {
    if (encoded.empty()) return fail(ErrorCode::Truncated, 0, "session key encoding is empty");
    const auto spec = cipher_spec(encoded[0]);
    if (!spec) return fail(ErrorCode::UnsupportedAlgorithm, 0, "session key cipher id");
    if (encoded.size() != spec->key_length + 3) {
        return fail(ErrorCode::BadKey, 0, "session key length does not match its cipher");
    }
    const auto key = encoded.subspan(1, spec->key_length);
    const size_t n = encoded.size();
    const uint16_t stored = static_cast<uint16_t>((encoded[n - 2] << 8) | encoded[n - 1]);
    if (stored != session_key_checksum(key)) {
        return fail(ErrorCode::BadChecksum, n - 2, "session key checksum");
    }
    SessionKey sk;
    sk.algo = encoded[0];
    sk.key.assign(key.begin(), key.end());
    return sk;
}

Botan::secure_vector<uint8_t> pkcs5_pad(std::span<const uint8_t> m) {
    const size_t pad = 8 - (m.size() % 8);
    Botan::secure_vector<uint8_t> out(m.begin(), m.end());
    out.insert(out.end(), pad, static_cast<uint8_t>(pad));
    return out;
}

Result<Botan::secure_vector<uint8_t>> pkcs5_unpad(std::span<const uint8_t> m) {
    if (m.empty() || m.size() % 8 != 0) return fail(ErrorCode::BadPacket, 0, "padded length");
    const uint8_t pad = m.back();
    if (pad == 0 || pad > 8) return fail(ErrorCode::BadPacket, m.size() - 1, "pad byte");
    uint8_t diff = 0;
    for (size_t i = m.size() - pad; i < m.size(); ++i) diff |= static_cast<uint8_t>(m[i] ^ pad);
    if (diff != 0) return fail(ErrorCode::BadPacket, m.size() - pad, "pad bytes");
    return Botan::secure_vector<uint8_t>(m.begin(), m.end() - pad);
}

}  // namespace mixtasy::crypto
