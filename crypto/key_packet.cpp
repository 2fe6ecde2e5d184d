// SPDX-License-Identifier: BSD-2-Clause
// key_packet.cpp - v4 key packet bodies; see key_packet.h.
#include "crypto/key_packet.h"

#include <algorithm>

#include <botan/hash.h>
#include <botan/mem_ops.h>

#include "crypto/cursor.h"
#include "crypto/mpi.h"

namespace mixtasy::crypto {
namespace {

// DER content octets of the curve OIDs we know.
const Bytes kOidEd25519{0x2b, 0x06, 0x01, 0x04, 0x01, 0xda, 0x47, 0x0f, 0x01};
const Bytes kOidCurve25519{0x2b, 0x06, 0x01, 0x04, 0x01, 0x97, 0x55, 0x01, 0x05, 0x01};
const Bytes kOidP256{0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07};
const Bytes kOidP384{0x2b, 0x81, 0x04, 0x00, 0x22};
const Bytes kOidP521{0x2b, 0x81, 0x04, 0x00, 0x23};

constexpr unsigned kMaxEccPointBits = 1064;  // P-521 uncompressed: 133 octets
constexpr std::size_t kNativeSize = 32;

Curve curve_of(ByteView oid) {
    auto is = [&](const Bytes& known) {
        return std::equal(oid.begin(), oid.end(), known.begin(), known.end());
    };
    if (is(kOidEd25519)) return Curve::Ed25519;
    if (is(kOidCurve25519)) return Curve::Curve25519;
    if (is(kOidP256)) return Curve::NistP256;
    if (is(kOidP384)) return Curve::NistP384;
    if (is(kOidP521)) return Curve::NistP521;
    return Curve::Unknown;
}

bool is_rsa(PublicKeyAlgorithm a) {
    return a == PublicKeyAlgorithm::Rsa || a == PublicKeyAlgorithm::RsaEncryptOnly ||
           a == PublicKeyAlgorithm::RsaSignOnly;
}

unsigned bit_length(ByteView v) {
    std::size_t skip = 0;
    while (skip < v.size() && v[skip] == 0) ++skip;
    if (skip == v.size()) return 0;
    unsigned top = v[skip], bits = 0;
    while (top) {
        ++bits;
        top >>= 1;
    }
    return static_cast<unsigned>((v.size() - skip - 1) * 8 + bits);
}

Bytes stripped(ByteView v) {
    std::size_t skip = 0;
    while (skip < v.size() && v[skip] == 0) ++skip;
    return Bytes(v.begin() + static_cast<std::ptrdiff_t>(skip), v.end());
}

void compute_fingerprint(PublicKey& key) {
    auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    const uint8_t prefix[3] = {0x99, static_cast<uint8_t>(key.body.size() >> 8),
                               static_cast<uint8_t>(key.body.size())};
    sha1->update(prefix, sizeof prefix);
    sha1->update(key.body.data(), key.body.size());
    const auto digest = sha1->final();
    std::copy(digest.begin(), digest.end(), key.fingerprint.begin());
    std::copy(key.fingerprint.end() - 8, key.fingerprint.end(), key.key_id.begin());
}

Result<void> read_ecc(Cursor& in, PublicKey& key) {
    const std::size_t oid_at = in.offset();
    MIXTASY_TRY(oid_len, in.u8("curve OID length"));
    if (*oid_len == 0 || *oid_len == 0xff)
        return fail(ErrorCode::BadKey, oid_at, "reserved curve OID length");
    MIXTASY_TRY(oid, in.take(*oid_len, "curve OID"));
    key.ecc.oid.assign(oid->begin(), oid->end());
    key.ecc.curve = curve_of(*oid);
    const std::size_t point_at = in.offset();
    MIXTASY_TRY(point, read_mpi(in, kMaxEccPointBits, "EC point"));
    key.ecc.point.assign(point->begin(), point->end());

    const bool on_25519 = key.ecc.curve == Curve::Ed25519 || key.ecc.curve == Curve::Curve25519;
    if (on_25519 && (key.ecc.point.size() != kNativeSize + 1 || key.ecc.point[0] != 0x40))
        return fail(ErrorCode::BadKey, point_at, "25519 point must be 0x40 followed by 32 octets");
    if (key.algorithm == PublicKeyAlgorithm::Eddsa && key.ecc.curve != Curve::Ed25519 &&
        key.ecc.curve != Curve::Unknown)
        return fail(ErrorCode::BadKey, oid_at, "EdDSA on a non-Edwards curve");
    if (key.algorithm == PublicKeyAlgorithm::Ecdh && key.ecc.curve == Curve::Ed25519)
        return fail(ErrorCode::BadKey, oid_at, "ECDH on the Ed25519 curve");
    return {};
}

Result<void> read_kdf(Cursor& in, PublicKey& key) {
    const std::size_t at = in.offset();
    MIXTASY_TRY(len, in.u8("KDF parameters length"));
    if (*len != 3) return fail(ErrorCode::BadKey, at, "KDF parameters must be 3 octets");
    MIXTASY_TRY(reserved, in.u8("KDF reserved octet"));
    if (*reserved != 1) return fail(ErrorCode::BadKey, at + 1, "KDF parameters version must be 1");
    MIXTASY_TRY(hash, in.u8("KDF hash"));
    MIXTASY_TRY(cipher, in.u8("KEK cipher"));
    key.kdf = KdfParams{*hash, *cipher};
    return {};
}

// Reads the public fields; leaves the cursor after them.
Result<PublicKey> read_public(Cursor& in, const KeyMaterialLimits& limits) {
    const std::size_t start = in.offset();
    const ByteView whole = in.rest();
    PublicKey key;
    MIXTASY_TRY(version, in.u8("key version"));
    if (*version != 4)
        return fail(ErrorCode::UnsupportedVersion, start,
                    "key version " + std::to_string(*version));
    key.version = 4;
    MIXTASY_TRY(created, in.u32("key creation time"));
    key.created = *created;
    const std::size_t algo_at = in.offset();
    MIXTASY_TRY(algo, in.u8("key algorithm"));
    key.algorithm = static_cast<PublicKeyAlgorithm>(*algo);

    if (is_rsa(key.algorithm)) {
        const std::size_t n_at = in.offset();
        MIXTASY_TRY(n, read_mpi(in, limits.max_rsa_bits, "RSA n"));
        if (bit_length(*n) < limits.min_rsa_bits)
            return fail(ErrorCode::BadKey, n_at,
                        "RSA modulus below " + std::to_string(limits.min_rsa_bits) + " bits");
        MIXTASY_TRY(e, read_mpi(in, 64, "RSA e"));
        key.rsa.n = stripped(*n);
        key.rsa.e = stripped(*e);
        if (key.rsa.e.empty() || (key.rsa.n.back() & 1) == 0)
            return fail(ErrorCode::BadKey, n_at, "RSA n must be odd and e non-zero");
    } else if (key.algorithm == PublicKeyAlgorithm::Eddsa ||
               key.algorithm == PublicKeyAlgorithm::Ecdsa) {
        MIXTASY_TRY(r, read_ecc(in, key));
    } else if (key.algorithm == PublicKeyAlgorithm::Ecdh) {
        MIXTASY_TRY(r, read_ecc(in, key));
        MIXTASY_TRY(k, read_kdf(in, key));
    } else {
        return fail(ErrorCode::UnsupportedAlgorithm, algo_at,
                    "public key algorithm " + std::to_string(*algo));
    }
    const std::size_t used = in.offset() - start;
    if (used > 0xffff) return fail(ErrorCode::LimitExceeded, start, "key body above 65535 octets");
    key.body.assign(whole.begin(), whole.begin() + static_cast<std::ptrdiff_t>(used));
    compute_fingerprint(key);
    return key;
}

// Appends the secret MPIs to `out`; the checksum covers exactly these.
void append_secret_mpis(Botan::secure_vector<uint8_t>& out, const SecretKey& key) {
    if (is_rsa(key.pub.algorithm)) {
        append_mpi(out, key.rsa_d);
        append_mpi(out, key.rsa_p);
        append_mpi(out, key.rsa_q);
        append_mpi(out, key.rsa_u);
    } else if (key.pub.algorithm == PublicKeyAlgorithm::Ecdh) {
        Botan::secure_vector<uint8_t> reversed(key.ecc_secret.rbegin(), key.ecc_secret.rend());
        append_mpi(out, reversed);
    } else {
        append_mpi(out, key.ecc_secret);
    }
}

uint16_t checksum(ByteView octets) {
    uint32_t sum = 0;
    for (uint8_t b : octets) sum += b;
    return static_cast<uint16_t>(sum & 0xffff);
}

}  // namespace

std::string_view algorithm_name(PublicKeyAlgorithm algorithm) noexcept {
    switch (algorithm) {
        case PublicKeyAlgorithm::Rsa: return "RSA";
        case PublicKeyAlgorithm::RsaEncryptOnly: return "RSA-E";
        case PublicKeyAlgorithm::RsaSignOnly: return "RSA-S";
        case PublicKeyAlgorithm::Elgamal: return "ElGamal";
        case PublicKeyAlgorithm::Dsa: return "DSA";
        case PublicKeyAlgorithm::Ecdh: return "ECDH";
        case PublicKeyAlgorithm::Ecdsa: return "ECDSA";
        case PublicKeyAlgorithm::Eddsa: return "EdDSA";
        case PublicKeyAlgorithm::X25519: return "X25519";
        case PublicKeyAlgorithm::X448: return "X448";
        case PublicKeyAlgorithm::Ed25519: return "Ed25519";
        case PublicKeyAlgorithm::Ed448: return "Ed448";
    }
    return "unknown";
}

std::string_view curve_name(Curve curve) noexcept {
    switch (curve) {
        case Curve::Ed25519: return "Ed25519";
        case Curve::Curve25519: return "Curve25519";
        case Curve::NistP256: return "NIST P-256";
        case Curve::NistP384: return "NIST P-384";
        case Curve::NistP521: return "NIST P-521";
        case Curve::Unknown: break;
    }
    return "unknown";
}

std::string to_hex(ByteView bytes) {
    static constexpr char digits[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(bytes.size() * 2);
    for (uint8_t b : bytes) {
        out.push_back(digits[b >> 4]);
        out.push_back(digits[b & 0x0f]);
    }
    return out;
}

ByteView PublicKey::native_point() const noexcept {
    if ((ecc.curve != Curve::Ed25519 && ecc.curve != Curve::Curve25519) ||
        ecc.point.size() != kNativeSize + 1)
        return {};
    return ByteView(ecc.point).subspan(1);
}

unsigned PublicKey::rsa_bits() const noexcept { return bit_length(rsa.n); }

bool PublicKey::can_sign_algorithm() const noexcept {
    if (algorithm == PublicKeyAlgorithm::Eddsa) return ecc.curve == Curve::Ed25519;
    return algorithm == PublicKeyAlgorithm::Rsa || algorithm == PublicKeyAlgorithm::RsaSignOnly;
}

bool PublicKey::can_encrypt_algorithm() const noexcept {
    if (algorithm == PublicKeyAlgorithm::Ecdh) return ecc.curve == Curve::Curve25519;
    if (algorithm == PublicKeyAlgorithm::Rsa || algorithm == PublicKeyAlgorithm::RsaEncryptOnly)
        return rsa_bits() >= KeyMaterialLimits{}.min_rsa_encrypt_bits;
    return false;
}

Result<PublicKey> parse_public_key(ByteView body, std::size_t base,
                                   const KeyMaterialLimits& limits) {
    Cursor in(body, base);
    auto key = read_public(in, limits);
    if (!key) return key;
    if (!in.empty())
        return fail(ErrorCode::BadPacket, in.offset(), "trailing octets after the key material");
    return key;
}

Result<SecretKey> parse_secret_key(ByteView body, std::size_t base,
                                   const KeyMaterialLimits& limits) {
    Cursor in(body, base);
    MIXTASY_TRY(pub, read_public(in, limits));
    SecretKey key;
    key.pub = std::move(*pub);
    const std::size_t usage_at = in.offset();
    MIXTASY_TRY(usage, in.u8("S2K usage"));
    if (*usage != 0)
        return fail(ErrorCode::UnsupportedFeature, usage_at,
                    "unsupported: passphrase-protected secret key");

    const std::size_t secret_at = in.offset();
    const ByteView secret_start = in.rest();
    const auto algo = key.pub.algorithm;
    if (is_rsa(algo)) {
        const unsigned max = limits.max_rsa_bits;
        for (auto* field : {&key.rsa_d, &key.rsa_p, &key.rsa_q, &key.rsa_u}) {
            MIXTASY_TRY(v, read_mpi(in, max, "RSA secret"));
            field->assign(v->begin(), v->end());
        }
    } else {
        MIXTASY_TRY(v, read_mpi(in, 264, "EC secret"));
        const bool native =
            key.pub.ecc.curve == Curve::Ed25519 || key.pub.ecc.curve == Curve::Curve25519;
        if (!native)
            return fail(ErrorCode::UnsupportedAlgorithm, secret_at,
                        "secret key on an unsupported curve");
        if (!pad_to(*v, kNativeSize, key.ecc_secret))
            return fail(ErrorCode::BadKey, secret_at, "25519 secret longer than 32 octets");
        if (algo == PublicKeyAlgorithm::Ecdh)
            std::reverse(key.ecc_secret.begin(), key.ecc_secret.end());
    }
    const std::size_t secret_len = in.offset() - secret_at;
    const std::size_t sum_at = in.offset();
    MIXTASY_TRY(sum, in.u16("secret key checksum"));
    if (*sum != checksum(secret_start.first(secret_len)))
        return fail(ErrorCode::BadChecksum, sum_at, "secret key checksum mismatch");
    if (!in.empty())
        return fail(ErrorCode::BadPacket, in.offset(), "trailing octets after the secret key");
    return key;
}

Result<PublicKey> make_public_key(PublicKey fields) {
    Bytes body{4};
    for (int shift = 24; shift >= 0; shift -= 8)
        body.push_back(static_cast<uint8_t>(fields.created >> shift));
    body.push_back(static_cast<uint8_t>(fields.algorithm));
    if (is_rsa(fields.algorithm)) {
        append_mpi(body, fields.rsa.n);
        append_mpi(body, fields.rsa.e);
    } else if (fields.algorithm == PublicKeyAlgorithm::Eddsa ||
               fields.algorithm == PublicKeyAlgorithm::Ecdsa ||
               fields.algorithm == PublicKeyAlgorithm::Ecdh) {
        body.push_back(static_cast<uint8_t>(fields.ecc.oid.size()));
        body.insert(body.end(), fields.ecc.oid.begin(), fields.ecc.oid.end());
        append_mpi(body, fields.ecc.point);
        if (fields.algorithm == PublicKeyAlgorithm::Ecdh) {
            body.insert(body.end(), {3, 1, fields.kdf.hash, fields.kdf.cipher});
        }
    } else {
        return fail(ErrorCode::UnsupportedAlgorithm, 0, "cannot build this key algorithm");
    }
    // Re-parse what we wrote: one code path decides what a valid key is.
    return parse_public_key(body);
}

Botan::secure_vector<uint8_t> serialize_secret_key(const SecretKey& key) {
    Botan::secure_vector<uint8_t> out(key.pub.body.begin(), key.pub.body.end());
    out.push_back(0);  // S2K usage 0: unprotected
    Botan::secure_vector<uint8_t> secret;
    append_secret_mpis(secret, key);
    const uint16_t sum = checksum(secret);
    out.insert(out.end(), secret.begin(), secret.end());
    out.push_back(static_cast<uint8_t>(sum >> 8));
    out.push_back(static_cast<uint8_t>(sum));
    return out;
}

// Curve OIDs for builders elsewhere in crypto/.
ByteView curve_oid(Curve curve) noexcept {
    switch (curve) {
        case Curve::Ed25519: return kOidEd25519;
        case Curve::Curve25519: return kOidCurve25519;
        case Curve::NistP256: return kOidP256;
        case Curve::NistP384: return kOidP384;
        case Curve::NistP521: return kOidP521;
        case Curve::Unknown: break;
    }
    return {};
}

}  // namespace mixtasy::crypto
