// SPDX-License-Identifier: BSD-2-Clause
// pkesk.cpp - see pkesk.h.
#include "crypto/pkesk.h"

#include <algorithm>

#include <botan/bigint.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>

#include "crypto/cursor.h"
#include "crypto/ecdh.h"

namespace mixtasy::crypto {

namespace {

constexpr uint8_t kVersion = 3;

bool is_rsa(PublicKeyAlgorithm a) {
    return a == PublicKeyAlgorithm::Rsa || a == PublicKeyAlgorithm::RsaEncryptOnly;
}

unsigned bit_length(ByteView v) {
    if (v.empty()) return 0;
    unsigned bits = static_cast<unsigned>(v.size() * 8);
    for (uint8_t top = v.front(); !(top & 0x80) && bits > 0; top = static_cast<uint8_t>(top << 1))
        --bits;
    return bits;
}

// MPI: two-byte bit count, then ceil(bits / 8) bytes.  The count must be
// exact (no leading zero bits): otherwise one ciphertext would have many
// encodings, and a flipped count bit would go unnoticed.
Result<ByteView> read_mpi(Cursor& in, const PkeskLimits& limits, const char* what) {
    const size_t at = in.offset();
    MIXTASY_TRY(bits, in.u16(what));
    if (*bits > limits.max_mpi_bits) {
        return fail(ErrorCode::LimitExceeded, at, std::string(what) + ": MPI too large");
    }
    MIXTASY_TRY(value, in.take((*bits + 7u) / 8u, what));
    if (bit_length(*value) != *bits) {
        return fail(ErrorCode::BadPacket, at, std::string(what) + ": MPI bit count is not exact");
    }
    return value;
}

void append_mpi(Bytes& out, ByteView value) {
    while (!value.empty() && value.front() == 0) value = value.subspan(1);
    const unsigned bits = bit_length(value);
    out.push_back(static_cast<uint8_t>(bits >> 8));
    out.push_back(static_cast<uint8_t>(bits & 0xFF));
    out.insert(out.end(), value.begin(), value.end());
}

X25519Recipient x25519_recipient(const PublicKey& key) {
    X25519Recipient r;
    const ByteView native = key.native_point();
    std::copy(native.begin(), native.end(), r.public_u.begin());
    r.kdf_hash = key.kdf.hash;
    r.kek_cipher = key.kdf.cipher;
    r.fingerprint.assign(key.fingerprint.begin(), key.fingerprint.end());
    return r;
}

bool is_x25519_ecdh(const PublicKey& key) {
    return key.algorithm == PublicKeyAlgorithm::Ecdh && key.ecc.curve == Curve::Curve25519 &&
           key.native_point().size() == 32;
}

Result<Pkesk> encrypt_rsa(const PublicKey& recipient, const SessionKey& sk,
                          Botan::RandomNumberGenerator& rng) {
    try {
        const Botan::RSA_PublicKey pub(
            Botan::BigInt(recipient.rsa.n.data(), recipient.rsa.n.size()),
            Botan::BigInt(recipient.rsa.e.data(), recipient.rsa.e.size()));
        Botan::PK_Encryptor_EME enc(pub, rng, "PKCS1v15");
        const auto encoded = encode_session_key(sk);
        Pkesk p;
        p.algorithm = recipient.algorithm;
        p.rsa_ciphertext = enc.encrypt(encoded, rng);
        return p;
    } catch (const std::exception& e) {
        return fail(ErrorCode::BadKey, 0, std::string("RSA encrypt: ") + e.what());
    }
}

Result<SessionKey> decrypt_rsa(const Pkesk& pkesk, const SecretKey& secret,
                               Botan::RandomNumberGenerator& rng) {
    Botan::secure_vector<uint8_t> encoded;
    try {
        const auto& pub = secret.pub.rsa;
        const Botan::RSA_PrivateKey priv(Botan::BigInt(secret.rsa_p.data(), secret.rsa_p.size()),
                                         Botan::BigInt(secret.rsa_q.data(), secret.rsa_q.size()),
                                         Botan::BigInt(pub.e.data(), pub.e.size()),
                                         Botan::BigInt(secret.rsa_d.data(), secret.rsa_d.size()),
                                         Botan::BigInt(pub.n.data(), pub.n.size()));
        Botan::PK_Decryptor_EME dec(priv, rng, "PKCS1v15");
        encoded = dec.decrypt(pkesk.rsa_ciphertext);
    } catch (const std::exception&) {
        return fail(ErrorCode::DecryptFailed, 0, "RSA session key not recovered");
    }
    auto sk = decode_session_key(encoded);
    if (!sk) return fail(ErrorCode::DecryptFailed, 0, "RSA session key not recovered");
    return sk;
}

}  // namespace

bool Pkesk::wildcard() const noexcept {
    return std::all_of(key_id.begin(), key_id.end(), [](uint8_t b) { return b == 0; });
}

Result<Pkesk> parse_pkesk(ByteView body, std::size_t base, const PkeskLimits& limits) {
    Cursor in(body, base);
    MIXTASY_TRY(version, in.u8("PKESK version"));
    if (*version != kVersion) return fail(ErrorCode::UnsupportedVersion, base, "PKESK version");
    MIXTASY_TRY(id, in.take(8, "PKESK key ID"));
    MIXTASY_TRY(algo, in.u8("PKESK algorithm"));
    Pkesk p;
    std::copy(id->begin(), id->end(), p.key_id.begin());
    p.algorithm = static_cast<PublicKeyAlgorithm>(*algo);
    if (p.algorithm == PublicKeyAlgorithm::Ecdh) {
        MIXTASY_TRY(point, read_mpi(in, limits, "ECDH point"));
        MIXTASY_TRY(len, in.u8("ECDH wrapped key length"));
        if (*len == 0)
            return fail(ErrorCode::BadPacket, in.offset() - 1, "ECDH wrapped key is empty");
        MIXTASY_TRY(wrapped, in.take(*len, "ECDH wrapped key"));
        p.ecdh_point.assign(point->begin(), point->end());
        p.ecdh_wrapped.assign(wrapped->begin(), wrapped->end());
    } else if (is_rsa(p.algorithm)) {
        MIXTASY_TRY(c, read_mpi(in, limits, "RSA ciphertext"));
        if (c->empty()) return fail(ErrorCode::BadPacket, in.offset(), "RSA ciphertext is empty");
        p.rsa_ciphertext.assign(c->begin(), c->end());
    } else {
        return fail(ErrorCode::UnsupportedAlgorithm, base + 9, "PKESK public-key algorithm");
    }
    if (!in.empty()) return fail(ErrorCode::BadPacket, in.offset(), "bytes after the PKESK fields");
    return p;
}

Bytes serialize_pkesk(const Pkesk& p) {
    Bytes out;
    out.reserve(12 + p.ecdh_point.size() + p.ecdh_wrapped.size() + p.rsa_ciphertext.size() + 4);
    out.push_back(kVersion);
    out.insert(out.end(), p.key_id.begin(), p.key_id.end());
    out.push_back(static_cast<uint8_t>(p.algorithm));
    if (p.algorithm == PublicKeyAlgorithm::Ecdh) {
        append_mpi(out, p.ecdh_point);
        out.push_back(static_cast<uint8_t>(p.ecdh_wrapped.size()));
        out.insert(out.end(), p.ecdh_wrapped.begin(), p.ecdh_wrapped.end());
    } else {
        append_mpi(out, p.rsa_ciphertext);
    }
    return out;
}

Result<Pkesk> pkesk_encrypt(const PublicKey& recipient, const SessionKey& sk,
                            Botan::RandomNumberGenerator& rng, bool hide_recipient) {
    Result<Pkesk> p = fail(ErrorCode::UnsupportedAlgorithm, 0, "recipient key cannot encrypt");
    if (is_x25519_ecdh(recipient)) {
        MIXTASY_TRY(ct, ecdh_encrypt(x25519_recipient(recipient), sk, rng));
        Pkesk e;
        e.algorithm = PublicKeyAlgorithm::Ecdh;
        e.ecdh_point = std::move(ct->ephemeral_point);
        e.ecdh_wrapped = std::move(ct->wrapped);
        p = std::move(e);
    } else if (is_rsa(recipient.algorithm) && recipient.can_encrypt_algorithm()) {
        p = encrypt_rsa(recipient, sk, rng);
    }
    if (p && !hide_recipient) p->key_id = recipient.key_id;
    return p;
}

Result<SessionKey> pkesk_decrypt(const Pkesk& pkesk, const SecretKey& secret,
                                 Botan::RandomNumberGenerator& rng) {
    if (pkesk.algorithm == PublicKeyAlgorithm::Ecdh && is_x25519_ecdh(secret.pub)) {
        if (secret.ecc_secret.size() != 32) return fail(ErrorCode::BadKey, 0, "X25519 secret size");
        X25519Secret s;
        s.pub = x25519_recipient(secret.pub);
        s.scalar = secret.ecc_secret;
        return ecdh_decrypt(s, pkesk.ecdh_point, pkesk.ecdh_wrapped);
    }
    if (is_rsa(pkesk.algorithm) && is_rsa(secret.pub.algorithm)) {
        return decrypt_rsa(pkesk, secret, rng);
    }
    return fail(ErrorCode::NoValidKey, 0, "PKESK algorithm does not match the key");
}

}  // namespace mixtasy::crypto
