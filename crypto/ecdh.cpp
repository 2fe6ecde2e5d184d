// SPDX-License-Identifier: BSD-2-Clause
// ecdh.cpp - see ecdh.h.
#include "crypto/ecdh.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include <botan/block_cipher.h>
#include <botan/curve25519.h>
#include <botan/exceptn.h>
#include <botan/hash.h>
#include <botan/mem_ops.h>
#include <botan/nist_keywrap.h>

namespace mixtasy::crypto {

namespace {

constexpr std::string_view kAnonymousSender = "Anonymous Sender    ";
constexpr size_t kMinWrapped = 24;  // AES-KW of 16 bytes (AES-128 key + 3, padded)
constexpr size_t kMaxWrapped = 64;

const char* kdf_hash_name(uint8_t id) {
    switch (id) {
        case 8: return "SHA-256";
        case 9: return "SHA-384";
        case 10: return "SHA-512";
        default: return nullptr;
    }
}

struct KekCipher {
    const char* name;
    size_t length;
};

std::optional<KekCipher> kek_cipher(uint8_t id) {
    switch (id) {
        case 7: return KekCipher{"AES-128", 16};
        case 8: return KekCipher{"AES-192", 24};
        case 9: return KekCipher{"AES-256", 32};
        default: return std::nullopt;
    }
}

Result<void> check_params(const X25519Recipient& r) {
    if (!kdf_hash_name(r.kdf_hash))
        return fail(ErrorCode::UnsupportedAlgorithm, 0, "ECDH KDF hash");
    if (!kek_cipher(r.kek_cipher))
        return fail(ErrorCode::UnsupportedAlgorithm, 0, "ECDH KEK cipher");
    return {};
}

// Shared secret; an all-zero result means a small-order peer point.
Result<Botan::secure_vector<uint8_t>> x25519(std::span<const uint8_t> scalar,
                                             std::span<const uint8_t> point) {
    if (scalar.size() != 32 || point.size() != 32)
        return fail(ErrorCode::BadKey, 0, "X25519 sizes");
    Botan::secure_vector<uint8_t> z(32);
    Botan::curve25519_donna(z.data(), scalar.data(), point.data());
    uint8_t acc = 0;
    for (uint8_t b : z) acc |= b;
    if (acc == 0) return fail(ErrorCode::BadKey, 0, "X25519 shared secret is zero");
    return z;
}

// KEK = leftmost bytes of Hash(00 00 00 01 || Z || param).
Botan::secure_vector<uint8_t> derive_kek(const X25519Recipient& r, std::span<const uint8_t> z) {
    auto hash = Botan::HashFunction::create_or_throw(kdf_hash_name(r.kdf_hash));
    const uint8_t counter[4] = {0, 0, 0, 1};
    hash->update(counter, 4);
    hash->update(z.data(), z.size());
    hash->update(ecdh_kdf_param(r.kdf_hash, r.kek_cipher, r.fingerprint));
    auto kek = hash->final();
    kek.resize(kek_cipher(r.kek_cipher)->length);
    return kek;
}

std::unique_ptr<Botan::BlockCipher> keyed_kek(const X25519Recipient& r,
                                              const Botan::secure_vector<uint8_t>& kek) {
    auto bc = Botan::BlockCipher::create_or_throw(kek_cipher(r.kek_cipher)->name);
    bc->set_key(kek);
    return bc;
}

}  // namespace

Botan::secure_vector<uint8_t> x25519_scalar_from_openpgp(std::span<const uint8_t> mpi_value) {
    Botan::secure_vector<uint8_t> native(32, 0);
    const size_t n = std::min<size_t>(mpi_value.size(), 32);
    // MPI is big-endian without leading zeros: its last byte is native[0].
    for (size_t i = 0; i < n; ++i) native[i] = mpi_value[mpi_value.size() - 1 - i];
    return native;
}

Botan::secure_vector<uint8_t> x25519_scalar_to_openpgp(std::span<const uint8_t> native) {
    Botan::secure_vector<uint8_t> be(native.rbegin(), native.rend());
    return be;
}

std::array<uint8_t, 32> x25519_public_from_scalar(std::span<const uint8_t> native) {
    std::array<uint8_t, 32> pub{};
    if (native.size() == 32) Botan::curve25519_basepoint(pub.data(), native.data());
    return pub;
}

Bytes ecdh_kdf_param(uint8_t kdf_hash, uint8_t kek, ByteView fingerprint) {
    Bytes p;
    p.reserve(1 + kCurve25519Oid.size() + 5 + kAnonymousSender.size() + fingerprint.size());
    p.push_back(static_cast<uint8_t>(kCurve25519Oid.size()));
    p.insert(p.end(), kCurve25519Oid.begin(), kCurve25519Oid.end());
    p.push_back(kPubkeyAlgoEcdh);
    p.insert(p.end(), {0x03, 0x01, kdf_hash, kek});
    p.insert(p.end(), kAnonymousSender.begin(), kAnonymousSender.end());
    p.insert(p.end(), fingerprint.begin(), fingerprint.end());
    return p;
}

Result<EcdhCiphertext> ecdh_encrypt(const X25519Recipient& recipient, const SessionKey& sk,
                                    Botan::RandomNumberGenerator& rng) {
    MIXTASY_CHECK(check_params(recipient));
    try {
        const auto eph = rng.random_vec(32);
        const auto eph_pub = x25519_public_from_scalar(eph);
        MIXTASY_TRY(z, x25519(eph, recipient.public_u));
        const auto kek = derive_kek(recipient, *z);
        const auto padded = pkcs5_pad(encode_session_key(sk));
        EcdhCiphertext out;
        out.wrapped =
            Botan::nist_key_wrap(padded.data(), padded.size(), *keyed_kek(recipient, kek));
        out.ephemeral_point.reserve(33);
        out.ephemeral_point.push_back(0x40);
        out.ephemeral_point.insert(out.ephemeral_point.end(), eph_pub.begin(), eph_pub.end());
        return out;
    } catch (const std::exception& e) {
        return fail(ErrorCode::Internal, 0, std::string("ECDH encrypt: ") + e.what());
    }
}

Result<SessionKey> ecdh_decrypt(const X25519Secret& secret, ByteView point, ByteView wrapped) {
    MIXTASY_CHECK(check_params(secret.pub));
    if (point.size() != 33 || point[0] != 0x40)
        return fail(ErrorCode::BadKey, 0, "ECDH point is not 0x40 || u");
    if (wrapped.size() < kMinWrapped || wrapped.size() > kMaxWrapped || wrapped.size() % 8 != 0) {
        return fail(ErrorCode::BadPacket, 0, "ECDH wrapped key length");
    }
    MIXTASY_TRY(z, x25519(secret.scalar, point.subspan(1)));
    Botan::secure_vector<uint8_t> padded;
    try {
        const auto kek = derive_kek(secret.pub, *z);
        padded =
            Botan::nist_key_unwrap(wrapped.data(), wrapped.size(), *keyed_kek(secret.pub, kek));
    } catch (const Botan::Invalid_Authentication_Tag&) {
        return fail(ErrorCode::DecryptFailed, 0, "ECDH key unwrap failed");
    } catch (const std::exception& e) {
        return fail(ErrorCode::DecryptFailed, 0, std::string("ECDH key unwrap: ") + e.what());
    }
    auto encoded = pkcs5_unpad(padded);
    if (!encoded) return fail(ErrorCode::DecryptFailed, 0, "ECDH session key padding");
    auto sk = decode_session_key(*encoded);
    if (!sk) return fail(ErrorCode::DecryptFailed, 0, "ECDH session key encoding");
    return sk;
}

}  // namespace mixtasy::crypto
