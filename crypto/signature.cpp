// SPDX-License-Identifier: BSD-2-Clause
// signature.cpp - v4 signatures; see signature.h for the contract and the
// hash policy.
#include "crypto/signature.h"

#include <algorithm>
#include <memory>
#include <string>

#include <botan/bigint.h>
#include <botan/ed25519.h>
#include <botan/hash.h>
#include <botan/pubkey.h>
#include <botan/rsa.h>

#include "crypto/cursor.h"
#include "crypto/mpi.h"
#include "crypto/packet.h"
#include "crypto/revocation.h"
#include "crypto/subpacket.h"

namespace mixtasy::crypto {
namespace {

constexpr Timestamp kSha1SelfSigCutoff = 1672531200;  // 2023-01-01T00:00:00Z
constexpr std::size_t kEd25519Half = 32;

uint32_t be32(ByteView b) {
    return (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
}

void put32(Bytes& out, uint32_t v) {
    for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<uint8_t>(v >> shift));
}

bool is_data_type(SignatureType t) {
    return t == SignatureType::Binary || t == SignatureType::Text;
}

bool is_certification(SignatureType t) {
    return t == SignatureType::GenericCertification || t == SignatureType::PersonaCertification ||
           t == SignatureType::CasualCertification || t == SignatureType::PositiveCertification ||
           t == SignatureType::CertificationRevocation;
}

// Resolves the subpackets that matter into `sig`; `hashed` says which area.
Result<void> resolve(Signature& sig, const std::vector<Subpacket>& area, bool hashed) {
    for (const Subpacket& sp : area) {
        const auto n = sp.data.size();
        auto need = [&](std::size_t size) -> Result<void> {
            if (n < size)
                return fail(ErrorCode::BadPacket, sp.offset,
                            std::string(subpacket_name(sp.type)) + " subpacket too short");
            return {};
        };
        if (sp.critical && !subpacket_understood(sp.type)) sig.has_unknown_critical = true;
        const auto type = static_cast<SubpacketType>(sp.type);
        if (type == SubpacketType::Issuer) {
            if (auto r = need(8); !r) return r;
            KeyId id;
            std::copy_n(sp.data.begin(), 8, id.begin());
            if (!sig.issuer || hashed) sig.issuer = id;
            continue;
        }
        if (type == SubpacketType::IssuerFingerprint) {
            if (auto r = need(21); !r) return r;
            if (sp.data[0] == 4 && n == 21) {
                Fingerprint f;
                std::copy_n(sp.data.begin() + 1, 20, f.begin());
                if (!sig.issuer_fingerprint || hashed) sig.issuer_fingerprint = f;
            }
            continue;
        }
        if (!hashed) continue;  // nothing else is trusted from the unhashed area
        switch (type) {
            case SubpacketType::CreationTime:
                if (auto r = need(4); !r) return r;
                sig.created = be32(sp.data);
                break;
            case SubpacketType::ExpirationTime:
                if (auto r = need(4); !r) return r;
                sig.expires_after = be32(sp.data);
                break;
            case SubpacketType::KeyExpirationTime:
                if (auto r = need(4); !r) return r;
                sig.key_expires_after = be32(sp.data);
                break;
            case SubpacketType::KeyFlags: sig.key_flags = n ? sp.data[0] : uint8_t{0}; break;
            case SubpacketType::PrimaryUserId: sig.primary_user_id = n && sp.data[0] != 0; break;
            default: break;
        }
    }
    return {};
}

std::string botan_hash_name(HashAlgorithm h) {
    switch (h) {
        case HashAlgorithm::Sha1: return "SHA-1";
        case HashAlgorithm::Sha224: return "SHA-224";
        case HashAlgorithm::Sha256: return "SHA-256";
        case HashAlgorithm::Sha384: return "SHA-384";
        case HashAlgorithm::Sha512: return "SHA-512";
        default: return "";
    }
}

Result<void> hash_allowed(const Signature& sig) {
    switch (sig.hash) {
        case HashAlgorithm::Sha224:
        case HashAlgorithm::Sha256:
        case HashAlgorithm::Sha384:
        case HashAlgorithm::Sha512: return {};
        case HashAlgorithm::Sha1:
            if (is_data_type(sig.type) || sig.created < kSha1SelfSigCutoff) return {};
            return fail(ErrorCode::BadSignature, 0, "SHA-1 self-signature created after 2022");
        default:
            return fail(ErrorCode::UnsupportedAlgorithm, 0, "signature hash algorithm refused");
    }
}

void hash_key(Botan::HashFunction& h, const PublicKey& key) {
    const uint8_t prefix[3] = {0x99, static_cast<uint8_t>(key.body.size() >> 8),
                               static_cast<uint8_t>(key.body.size())};
    h.update(prefix, 3);
    h.update(key.body.data(), key.body.size());
}

void hash_user_id(Botan::HashFunction& h, ByteView uid) {
    Bytes prefix{0xb4};
    put32(prefix, static_cast<uint32_t>(uid.size()));
    h.update(prefix.data(), prefix.size());
    h.update(uid.data(), uid.size());
}

void hash_data(Botan::HashFunction& h, SignatureType type, ByteView data) {
    if (type != SignatureType::Text) {
        h.update(data.data(), data.size());
        return;
    }
    // Canonical text: every line ending becomes CR LF.
    Bytes line;
    line.reserve(4096);
    uint8_t prev = 0;
    for (uint8_t c : data) {
        if (c == '\n' && prev != '\r') line.push_back('\r');
        line.push_back(c);
        prev = c;
        if (line.size() >= 4096) {
            h.update(line.data(), line.size());
            line.clear();
        }
    }
    h.update(line.data(), line.size());
}

// The v4 trailer: the signature's own fields, the hashed area, 04 FF len.
void hash_trailer(Botan::HashFunction& h, const Signature& sig) {
    Bytes t{4,
            static_cast<uint8_t>(sig.type),
            static_cast<uint8_t>(sig.algorithm),
            static_cast<uint8_t>(sig.hash),
            static_cast<uint8_t>(sig.hashed_area.size() >> 8),
            static_cast<uint8_t>(sig.hashed_area.size())};
    t.insert(t.end(), sig.hashed_area.begin(), sig.hashed_area.end());
    const auto hashed_len = static_cast<uint32_t>(t.size());
    t.push_back(4);
    t.push_back(0xff);
    put32(t, hashed_len);
    h.update(t.data(), t.size());
}

// What a signature covers, before its trailer.
struct Covered {
    const PublicKey* primary = nullptr;
    const PublicKey* subkey = nullptr;
    ByteView user_id;
    ByteView data;
    bool has_user_id = false;
    bool has_data = false;
};

std::unique_ptr<Botan::HashFunction> make_hash(HashAlgorithm alg) {
    const std::string name = botan_hash_name(alg);
    if (name.empty()) return nullptr;
    return Botan::HashFunction::create(name);
}

Botan::secure_vector<uint8_t> digest_of(Botan::HashFunction& h, const Signature& sig,
                                        const Covered& c) {
    if (c.primary) hash_key(h, *c.primary);
    if (c.subkey) hash_key(h, *c.subkey);
    if (c.has_user_id) hash_user_id(h, c.user_id);
    if (c.has_data) hash_data(h, sig.type, c.data);
    hash_trailer(h, sig);
    return h.final();
}

Result<void> verify_raw(const Signature& sig, const PublicKey& signer, const Covered& covered) {
    if (sig.version != 4) return fail(ErrorCode::UnsupportedVersion, 0, "signature version");
    if (sig.algorithm != signer.algorithm || !signer.can_sign_algorithm())
        return fail(ErrorCode::BadSignature, 0, "signature algorithm does not match a signing key");
    if (sig.has_unknown_critical)
        return fail(ErrorCode::BadSignature, 0, "unknown critical subpacket");
    if (auto r = hash_allowed(sig); !r) return r;
    auto h = make_hash(sig.hash);
    if (!h) return fail(ErrorCode::UnsupportedAlgorithm, 0, "hash unavailable");
    const auto digest = digest_of(*h, sig, covered);
    if (digest[0] != sig.hash_prefix[0] || digest[1] != sig.hash_prefix[1])
        return fail(ErrorCode::BadSignature, 0, "digest prefix mismatch");
    try {
        if (signer.algorithm == PublicKeyAlgorithm::Eddsa) {
            if (sig.mpis.size() != 2)
                return fail(ErrorCode::BadSignature, 0, "EdDSA needs r and s");
            Bytes rs, s;
            if (!pad_to(sig.mpis[0], kEd25519Half, rs) || !pad_to(sig.mpis[1], kEd25519Half, s))
                return fail(ErrorCode::BadSignature, 0, "EdDSA r or s too long");
            rs.insert(rs.end(), s.begin(), s.end());
            const ByteView point = signer.native_point();
            Botan::Ed25519_PublicKey key(point.data(), point.size());
            Botan::PK_Verifier verifier(key, "Pure");
            if (!verifier.verify_message(digest.data(), digest.size(), rs.data(), rs.size()))
                return fail(ErrorCode::BadSignature, 0, "EdDSA signature does not verify");
            return {};
        }
        if (sig.mpis.size() != 1) return fail(ErrorCode::BadSignature, 0, "RSA needs one MPI");
        Botan::RSA_PublicKey key(Botan::BigInt(signer.rsa.n.data(), signer.rsa.n.size()),
                                 Botan::BigInt(signer.rsa.e.data(), signer.rsa.e.size()));
        Bytes s;
        if (!pad_to(sig.mpis[0], signer.rsa.n.size(), s))
            return fail(ErrorCode::BadSignature, 0, "RSA signature longer than the modulus");
        Botan::PK_Verifier verifier(key, "EMSA3(Raw," + botan_hash_name(sig.hash) + ")");
        if (!verifier.verify_message(digest.data(), digest.size(), s.data(), s.size()))
            return fail(ErrorCode::BadSignature, 0, "RSA signature does not verify");
        return {};
    } catch (const std::exception& e) {
        return fail(ErrorCode::BadSignature, 0, std::string("signature check failed: ") + e.what());
    }
}

Bytes serialize_body(const Signature& sig) {
    Bytes body{4,
               static_cast<uint8_t>(sig.type),
               static_cast<uint8_t>(sig.algorithm),
               static_cast<uint8_t>(sig.hash),
               static_cast<uint8_t>(sig.hashed_area.size() >> 8),
               static_cast<uint8_t>(sig.hashed_area.size())};
    body.insert(body.end(), sig.hashed_area.begin(), sig.hashed_area.end());
    Bytes unhashed;
    for (const auto& sp : sig.unhashed)
        append_subpacket(unhashed, static_cast<SubpacketType>(sp.type), sp.data, sp.critical);
    body.push_back(static_cast<uint8_t>(unhashed.size() >> 8));
    body.push_back(static_cast<uint8_t>(unhashed.size()));
    body.insert(body.end(), unhashed.begin(), unhashed.end());
    body.push_back(sig.hash_prefix[0]);
    body.push_back(sig.hash_prefix[1]);
    for (const auto& m : sig.mpis) append_mpi(body, m);
    return body;
}

// The hashed subpacket area `params` ask for, in the order gpg writes it,
// with the parsed fields of `sig` set to match.
Bytes hashed_area_for(const SignatureParams& params, const PublicKey& pub, Signature& sig) {
    Bytes area;
    Bytes v;
    put32(v, params.created);
    append_subpacket(area, SubpacketType::CreationTime, v);
    if (params.expires_after) {
        v.clear();
        put32(v, *params.expires_after);
        append_subpacket(area, SubpacketType::ExpirationTime, v);
        sig.expires_after = params.expires_after;
    }
    if (params.key_flags) {
        append_subpacket(area, SubpacketType::KeyFlags, Bytes{*params.key_flags});
        sig.key_flags = params.key_flags;
    }
    if (params.key_expires_after) {
        v.clear();
        put32(v, *params.key_expires_after);
        append_subpacket(area, SubpacketType::KeyExpirationTime, v);
        sig.key_expires_after = params.key_expires_after;
    }
    if (params.primary_user_id) {
        append_subpacket(area, SubpacketType::PrimaryUserId, Bytes{1});
        sig.primary_user_id = true;
    }
    if (params.preferences) {
        append_subpacket(area, SubpacketType::PreferredSymmetric, Bytes{9, 8, 7});
        append_subpacket(area, SubpacketType::PreferredHash, Bytes{10, 9, 8});
        append_subpacket(area, SubpacketType::PreferredCompression, Bytes{0});
        append_subpacket(area, SubpacketType::Features, Bytes{0x01});
    }
    Bytes fpr{4};
    fpr.insert(fpr.end(), pub.fingerprint.begin(), pub.fingerprint.end());
    append_subpacket(area, SubpacketType::IssuerFingerprint, fpr);
    sig.issuer_fingerprint = pub.fingerprint;
    sig.issuer = pub.key_id;
    return area;
}

// The hashed area as written, its parsed form, and the unhashed issuer key ID.
Result<void> set_subpackets(Signature& sig, Bytes area, const PublicKey& pub) {
    MIXTASY_TRY(hashed, parse_subpackets(area, 0, 64));
    sig.hashed_area = std::move(area);
    sig.hashed = std::move(*hashed);
    Subpacket issuer;
    issuer.type = static_cast<uint8_t>(SubpacketType::Issuer);
    issuer.data.assign(pub.key_id.begin(), pub.key_id.end());
    sig.unhashed.push_back(issuer);
    return {};
}

// The signature MPIs over `digest`: Ed25519 (r, s) or RSA PKCS#1 v1.5 (s).
Result<void> sign_digest(const SecretKey& signer, const Botan::secure_vector<uint8_t>& digest,
                         Signature& sig, Botan::RandomNumberGenerator& rng) {
    const PublicKey& pub = signer.pub;
    try {
        if (pub.algorithm == PublicKeyAlgorithm::Eddsa) {
            Botan::Ed25519_PrivateKey key(signer.ecc_secret);
            Botan::PK_Signer s(key, rng, "Pure");
            const auto rs = s.sign_message(digest.data(), digest.size(), rng);
            if (rs.size() != 2 * kEd25519Half)
                return fail(ErrorCode::Internal, 0, "Ed25519 signature size");
            sig.mpis.emplace_back(rs.begin(), rs.begin() + kEd25519Half);
            sig.mpis.emplace_back(rs.begin() + kEd25519Half, rs.end());
        } else {
            using Botan::BigInt;
            Botan::RSA_PrivateKey key(BigInt(signer.rsa_p.data(), signer.rsa_p.size()),
                                      BigInt(signer.rsa_q.data(), signer.rsa_q.size()),
                                      BigInt(pub.rsa.e.data(), pub.rsa.e.size()),
                                      BigInt(signer.rsa_d.data(), signer.rsa_d.size()),
                                      BigInt(pub.rsa.n.data(), pub.rsa.n.size()));
            Botan::PK_Signer s(key, rng, "EMSA3(Raw," + botan_hash_name(sig.hash) + ")");
            const auto value = s.sign_message(digest.data(), digest.size(), rng);
            sig.mpis.emplace_back(value.begin(), value.end());
        }
    } catch (const std::exception& e) {
        return fail(ErrorCode::Internal, 0, std::string("signing failed: ") + e.what());
    }
    // Strip leading zeros as the MPI encoding will; keeps body and mpis equal.
    for (auto& m : sig.mpis) {
        auto first = std::find_if(m.begin(), m.end(), [](uint8_t b) { return b != 0; });
        m.erase(m.begin(), first);
    }
    return {};
}

Result<Signature> make_signature(const SecretKey& signer, const SignatureParams& params,
                                 const Covered& covered, Botan::RandomNumberGenerator& rng) {
    const PublicKey& pub = signer.pub;
    if (!pub.can_sign_algorithm())
        return fail(ErrorCode::UnsupportedAlgorithm, 0, "key cannot sign");
    if (params.hash != HashAlgorithm::Sha256 && params.hash != HashAlgorithm::Sha512)
        return fail(ErrorCode::UnsupportedAlgorithm, 0,
                    "signatures are created with SHA-256 or SHA-512 only");
    Signature sig;
    sig.type = params.type;
    sig.algorithm = pub.algorithm;
    sig.hash = params.hash;
    sig.created = params.created;
    MIXTASY_CHECK(set_subpackets(sig, hashed_area_for(params, pub, sig), pub));

    auto h = make_hash(sig.hash);
    if (!h) return fail(ErrorCode::Internal, 0, "hash unavailable");
    const auto digest = digest_of(*h, sig, covered);
    sig.hash_prefix = {digest[0], digest[1]};
    MIXTASY_CHECK(sign_digest(signer, digest, sig, rng));
    sig.body = serialize_body(sig);
    return sig;
}

}  // namespace

std::string_view hash_name(HashAlgorithm hash) noexcept {
    switch (hash) {
        case HashAlgorithm::Md5: return "MD5";
        case HashAlgorithm::Sha1: return "SHA-1";
        case HashAlgorithm::Ripemd160: return "RIPEMD-160";
        case HashAlgorithm::Sha256: return "SHA-256";
        case HashAlgorithm::Sha384: return "SHA-384";
        case HashAlgorithm::Sha512: return "SHA-512";
        case HashAlgorithm::Sha224: return "SHA-224";
    }
    return "unknown";
}

std::string_view subpacket_name(uint8_t type) noexcept {
    switch (type) {
        case 2: return "signature creation time";
        case 3: return "signature expiration time";
        case 4: return "exportable certification";
        case 5: return "trust signature";
        case 6: return "regular expression";
        case 7: return "revocable";
        case 9: return "key expiration time";
        case 11: return "preferred symmetric algorithms";
        case 12: return "revocation key";
        case 16: return "issuer key ID";
        case 20: return "notation data";
        case 21: return "preferred hash algorithms";
        case 22: return "preferred compression algorithms";
        case 23: return "key server preferences";
        case 24: return "preferred key server";
        case 25: return "primary user ID";
        case 26: return "policy URI";
        case 27: return "key flags";
        case 28: return "signer's user ID";
        case 29: return "reason for revocation";
        case 30: return "features";
        case 31: return "signature target";
        case 32: return "embedded signature";
        case 33: return "issuer fingerprint";
        case 34: return "preferred AEAD algorithms";
        default: return "unknown";
    }
}

Result<Signature> parse_signature(ByteView body, std::size_t base, const SignatureLimits& limits) {
    Cursor in(body, base);
    Signature sig;
    const std::size_t start = in.offset();
    MIXTASY_TRY(version, in.u8("signature version"));
    if (*version != 4)
        return fail(ErrorCode::UnsupportedVersion, start,
                    "signature version " + std::to_string(*version));
    MIXTASY_TRY(type, in.u8("signature type"));
    MIXTASY_TRY(algo, in.u8("signature algorithm"));
    MIXTASY_TRY(hash, in.u8("signature hash"));
    sig.type = static_cast<SignatureType>(*type);
    sig.algorithm = static_cast<PublicKeyAlgorithm>(*algo);
    sig.hash = static_cast<HashAlgorithm>(*hash);

    MIXTASY_TRY(hashed_len, in.u16("hashed area length"));
    const std::size_t hashed_at = in.offset();
    MIXTASY_TRY(hashed_area, in.take(*hashed_len, "hashed subpacket area"));
    sig.hashed_area.assign(hashed_area->begin(), hashed_area->end());
    MIXTASY_TRY(hashed, parse_subpackets(*hashed_area, hashed_at, limits.max_subpackets));
    sig.hashed = std::move(*hashed);

    MIXTASY_TRY(unhashed_len, in.u16("unhashed area length"));
    const std::size_t unhashed_at = in.offset();
    MIXTASY_TRY(unhashed_area, in.take(*unhashed_len, "unhashed subpacket area"));
    MIXTASY_TRY(unhashed, parse_subpackets(*unhashed_area, unhashed_at, limits.max_subpackets));
    sig.unhashed = std::move(*unhashed);

    MIXTASY_TRY(prefix, in.take(2, "digest prefix"));
    sig.hash_prefix = {(*prefix)[0], (*prefix)[1]};

    const std::size_t mpi_at = in.offset();
    std::size_t count = 0;
    unsigned max_bits = 0;
    switch (sig.algorithm) {
        case PublicKeyAlgorithm::Rsa:
        case PublicKeyAlgorithm::RsaSignOnly:
            count = 1;
            max_bits = 4096;
            break;
        case PublicKeyAlgorithm::Eddsa:
            count = 2;
            max_bits = 256;
            break;
        case PublicKeyAlgorithm::Ecdsa:
            count = 2;
            max_bits = 528;
            break;
        case PublicKeyAlgorithm::Dsa:
            count = 2;
            max_bits = 512;
            break;
        default:
            return fail(ErrorCode::UnsupportedAlgorithm, mpi_at,
                        "signature algorithm " + std::to_string(*algo));
    }
    for (std::size_t i = 0; i < count; ++i) {
        MIXTASY_TRY(m, read_mpi(in, max_bits, "signature MPI"));
        sig.mpis.emplace_back(m->begin(), m->end());
    }
    if (!in.empty())
        return fail(ErrorCode::BadPacket, in.offset(), "trailing octets after the signature");

    MIXTASY_CHECK(resolve(sig, sig.hashed, true));
    MIXTASY_CHECK(resolve(sig, sig.unhashed, false));
    const bool has_created =
        std::any_of(sig.hashed.begin(), sig.hashed.end(), [](const Subpacket& sp) {
            return sp.type == static_cast<uint8_t>(SubpacketType::CreationTime);
        });
    if (!has_created)
        return fail(ErrorCode::BadSignature, hashed_at, "no creation time in the hashed area");
    sig.body.assign(body.begin(), body.end());
    return sig;
}

Result<Signature> sign_data(const SecretKey& signer, ByteView data, const SignatureParams& params,
                            Botan::RandomNumberGenerator& rng) {
    if (!is_data_type(params.type))
        return fail(ErrorCode::BadSignature, 0, "not a data signature type");
    Covered c;
    c.data = data;
    c.has_data = true;
    return make_signature(signer, params, c, rng);
}

Result<void> verify_data(const Signature& sig, const PublicKey& signer, ByteView data) {
    if (!is_data_type(sig.type)) return fail(ErrorCode::BadSignature, 0, "not a data signature");
    Covered c;
    c.data = data;
    c.has_data = true;
    return verify_raw(sig, signer, c);
}

Result<Signature> certify_user_id(const SecretKey& primary, ByteView user_id,
                                  const SignatureParams& params,
                                  Botan::RandomNumberGenerator& rng) {
    if (!is_certification(params.type))
        return fail(ErrorCode::BadSignature, 0, "not a certification type");
    Covered c;
    c.primary = &primary.pub;
    c.user_id = user_id;
    c.has_user_id = true;
    return make_signature(primary, params, c, rng);
}

Result<void> verify_certification(const Signature& sig, const PublicKey& signer,
                                  const PublicKey& certified, ByteView user_id) {
    if (!is_certification(sig.type)) return fail(ErrorCode::BadSignature, 0, "not a certification");
    Covered c;
    c.primary = &certified;
    c.user_id = user_id;
    c.has_user_id = true;
    return verify_raw(sig, signer, c);
}

// A self-certification is a certification whose signer is the key itself.
Result<void> verify_user_id(const Signature& sig, const PublicKey& primary, ByteView user_id) {
    return verify_certification(sig, primary, primary, user_id);
}

Result<Signature> bind_subkey(const SecretKey& primary, const PublicKey& subkey,
                              const SignatureParams& params, Botan::RandomNumberGenerator& rng) {
    if (params.type != SignatureType::SubkeyBinding &&
        params.type != SignatureType::SubkeyRevocation)
        return fail(ErrorCode::BadSignature, 0, "not a subkey binding type");
    if (params.type == SignatureType::SubkeyBinding && params.key_flags &&
        (*params.key_flags & kFlagSign))
        return fail(ErrorCode::BadSignature, 0,
                    "signing subkeys need a back-signature; not created here");
    Covered c;
    c.primary = &primary.pub;
    c.subkey = &subkey;
    return make_signature(primary, params, c, rng);
}

Result<void> verify_subkey(const Signature& sig, const PublicKey& primary,
                           const PublicKey& subkey) {
    if (sig.type != SignatureType::SubkeyBinding && sig.type != SignatureType::SubkeyRevocation)
        return fail(ErrorCode::BadSignature, 0, "not a subkey binding");
    Covered c;
    c.primary = &primary;
    c.subkey = &subkey;
    if (auto r = verify_raw(sig, primary, c); !r) return r;
    if (sig.type != SignatureType::SubkeyBinding || !sig.key_flags || !(*sig.key_flags & kFlagSign))
        return {};
    // A signing-capable subkey must prove it agrees: an embedded 0x19
    // primary key binding made by the subkey itself.
    for (const auto* area : {&sig.hashed, &sig.unhashed}) {
        for (const auto& sp : *area) {
            if (sp.type != static_cast<uint8_t>(SubpacketType::EmbeddedSignature)) continue;
            auto back = parse_signature(sp.data, sp.offset);
            if (!back || back->type != SignatureType::PrimaryKeyBinding) continue;
            if (verify_raw(*back, subkey, c)) return {};
        }
    }
    return fail(ErrorCode::BadSignature, 0, "signing subkey without a valid back-signature");
}

Result<void> verify_direct(const Signature& sig, const PublicKey& primary) {
    if (sig.type != SignatureType::DirectKey && sig.type != SignatureType::KeyRevocation)
        return fail(ErrorCode::BadSignature, 0, "not a direct-key signature");
    Covered c;
    c.primary = &primary;
    return verify_raw(sig, primary, c);
}

Bytes signature_packet(const Signature& sig) {
    Bytes out;
    (void)append_packet(out, Tag::Signature, sig.body);  // new-format definite never fails
    return out;
}

}  // namespace mixtasy::crypto

// revocation.h: here because make_signature is this file's own.
namespace mixtasy::crypto {

Result<Signature> sign_key_revocation(const SecretKey& primary, Timestamp created,
                                      Botan::RandomNumberGenerator& rng) {
    SignatureParams params;
    params.type = SignatureType::KeyRevocation;
    params.created = created;
    Covered c;
    c.primary = &primary.pub;
    return make_signature(primary, params, c, rng);
}

}  // namespace mixtasy::crypto
