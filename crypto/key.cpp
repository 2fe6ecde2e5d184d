// SPDX-License-Identifier: BSD-2-Clause
// key.cpp - transferable public and secret keys; see key.h.
#include "crypto/key.h"

#include <algorithm>
#include <string>
#include <type_traits>

#include <botan/mem_ops.h>

namespace mixtasy::crypto {
namespace {

// One component of a certificate as it came off the wire, before any
// signature is checked.
struct RawComponent {
    Tag tag = Tag::Reserved;
    std::size_t offset = 0;
    Bytes body;
    std::vector<std::pair<std::size_t, Bytes>> signatures;  // offset, body
};

struct RawCertificate {
    std::size_t signatures = 0;
    std::size_t bytes = 0;  // packet bodies after the primary key
    RawComponent primary;
    std::vector<RawComponent> components;  // UIDs, attributes, subkeys in order
};

bool is_primary_tag(Tag t) { return t == Tag::PublicKey || t == Tag::SecretKey; }
bool is_subkey_tag(Tag t) { return t == Tag::PublicSubkey || t == Tag::SecretSubkey; }
bool ignorable(Tag t) {
    const auto v = static_cast<uint8_t>(t);
    return t == Tag::Marker || t == Tag::Trust || t == Tag::Padding || (v >= 60 && v <= 63);
}

Result<std::vector<RawCertificate>> split(ByteView input, const KeyLimits& limits) {
    std::vector<RawCertificate> certs;
    PacketReader reader(input, limits.packets);
    while (true) {
        MIXTASY_TRY(next, reader.next());
        if (!*next) break;
        const Packet& p = **next;
        if (ignorable(p.tag)) continue;
        const ByteView body = p.body();
        if (is_primary_tag(p.tag)) {
            if (certs.size() >= limits.max_certificates)
                return fail(
                    ErrorCode::LimitExceeded, p.header_offset,
                    "more than " + std::to_string(limits.max_certificates) + " certificates");
            certs.emplace_back();
            certs.back().primary =
                RawComponent{p.tag, p.body_offset, Bytes(body.begin(), body.end()), {}};
            continue;
        }
        if (certs.empty())
            return fail(ErrorCode::UnexpectedPacket, p.header_offset,
                        std::string(tag_name(p.tag)) + " before any primary key");
        RawCertificate& cert = certs.back();
        cert.bytes += body.size();
        if (cert.bytes > limits.max_certificate_bytes)
            return fail(
                ErrorCode::LimitExceeded, p.header_offset,
                "certificate above " + std::to_string(limits.max_certificate_bytes) + " bytes");
        if (p.tag == Tag::Signature) {
            RawComponent& owner = cert.components.empty() ? cert.primary : cert.components.back();
            if (owner.signatures.size() >= limits.max_signatures)
                return fail(ErrorCode::LimitExceeded, p.header_offset,
                            "more than " + std::to_string(limits.max_signatures) +
                                " signatures on one component");
            if (++cert.signatures > limits.max_total_signatures)
                return fail(ErrorCode::LimitExceeded, p.header_offset,
                            "more than " + std::to_string(limits.max_total_signatures) +
                                " signatures in one certificate");
            owner.signatures.emplace_back(p.body_offset, Bytes(body.begin(), body.end()));
            continue;
        }
        if (p.tag == Tag::UserId || p.tag == Tag::UserAttribute || is_subkey_tag(p.tag)) {
            if (p.tag == Tag::UserId && body.size() > limits.max_user_id_length)
                return fail(ErrorCode::LimitExceeded, p.header_offset, "user ID too long");
            // No count of user IDs or subkeys here: a keyserver's copy holds
            // every subkey ever published.  build() counts the live ones;
            // the byte bound above bounds the work.
            cert.components.push_back(
                RawComponent{p.tag, p.body_offset, Bytes(body.begin(), body.end()), {}});
            continue;
        }
        return fail(ErrorCode::UnexpectedPacket, p.header_offset,
                    std::string(tag_name(p.tag)) + " packet inside a certificate");
    }
    if (certs.empty()) return fail(ErrorCode::NoValidKey, 0, "no key in input");
    return certs;
}

bool issued_by(const Signature& sig, const PublicKey& key) {
    if (sig.issuer_fingerprint) return *sig.issuer_fingerprint == key.fingerprint;
    if (sig.issuer) return *sig.issuer == key.key_id;
    return true;  // no issuer: try it
}

std::optional<Timestamp> expiry(Timestamp created, const std::optional<uint32_t>& after) {
    if (!after || *after == 0) return std::nullopt;
    const uint64_t at = uint64_t{created} + *after;
    return static_cast<Timestamp>(std::min<uint64_t>(at, 0xffffffffu));
}

// When a self-signature stops counting (its expiration subpacket; zero or
// absent: never), and the earlier of two optional ends.
std::optional<Timestamp> signature_expiry(const Signature& sig) {
    return expiry(sig.created, sig.expires_after);
}

std::optional<Timestamp> earliest(std::optional<Timestamp> a, std::optional<Timestamp> b) {
    if (!a) return b;
    if (!b) return a;
    return std::min(*a, *b);
}

// Parses the signatures of one component and keeps those `check` accepts.
template <typename Check>
std::vector<Signature> verified(const RawComponent& c, const PublicKey& primary,
                                const KeyLimits& limits, Check check) {
    std::vector<Signature> out;
    for (const auto& [offset, body] : c.signatures) {
        auto sig = parse_signature(body, offset, limits.signatures);
        if (!sig || !issued_by(*sig, primary)) continue;
        if (check(*sig)) out.push_back(std::move(*sig));
    }
    return out;
}

const Signature* newest_of(const std::vector<Signature>& sigs, SignatureType a, SignatureType b) {
    const Signature* best = nullptr;
    for (const auto& s : sigs) {
        const bool match = s.type == a || s.type == b ||
                           (a == SignatureType::PositiveCertification &&
                            (s.type == SignatureType::GenericCertification ||
                             s.type == SignatureType::PersonaCertification ||
                             s.type == SignatureType::CasualCertification));
        if (match && (!best || s.created >= best->created)) best = &s;
    }
    return best;
}

template <typename Secret>
struct Built {
    Certificate cert;
    Secret primary_secret{};
    std::vector<Secret> subkey_secrets;
};

// Parses a key body as public or secret, per its tag.
template <typename Secret>
Result<PublicKey> key_of(const RawComponent& c, const KeyLimits& limits, Secret* secret_out) {
    if constexpr (std::is_same_v<Secret, SecretKey>) {
        if (c.tag == Tag::SecretKey || c.tag == Tag::SecretSubkey) {
            MIXTASY_TRY(s, parse_secret_key(c.body, c.offset, limits.material));
            *secret_out = std::move(*s);
            return secret_out->pub;
        }
    }
    (void)secret_out;
    return parse_public_key(c.body, c.offset, limits.material);
}

bool certifies_user_id(SignatureType t) {
    const auto v = static_cast<uint8_t>(t);
    return (v >= 0x10 && v <= 0x13) || t == SignatureType::CertificationRevocation;
}

// The certifications of a user ID that name another issuer (bounded like
// every component's signatures by max_signatures), kept unverified.
std::vector<Signature> third_party(const RawComponent& c, const PublicKey& primary,
                                   const KeyLimits& limits) {
    std::vector<Signature> out;
    for (const auto& [offset, body] : c.signatures) {
        auto sig = parse_signature(body, offset, limits.signatures);
        if (!sig || issued_by(*sig, primary) || !certifies_user_id(sig->type)) continue;
        out.push_back(std::move(*sig));
    }
    return out;
}

// A user ID with its newest positive self-certification, unless that is
// missing or a later certification revocation withdrew it.
void add_user_id(Certificate& cert, const RawComponent& c, const PublicKey& pk,
                 const KeyLimits& limits) {
    auto sigs = verified(c, pk, limits, [&](const Signature& s) {
        return static_cast<bool>(verify_user_id(s, pk, c.body));
    });
    const Signature* self =
        newest_of(sigs, SignatureType::PositiveCertification, SignatureType::PositiveCertification);
    const Signature* revocation = newest_of(sigs, SignatureType::CertificationRevocation,
                                            SignatureType::CertificationRevocation);
    if (!self) return;
    std::string text(c.body.begin(), c.body.end());
    if (revocation && revocation->created >= self->created) {
        // Beyond the cap a revoked user ID is dropped, not an error: it
        // withdraws something, so losing it loses nothing a sender relies on.
        if (cert.revoked_user_ids.size() < limits.max_user_ids)
            cert.revoked_user_ids.push_back(RevokedUserId{std::move(text), *self, *revocation});
        return;
    }
    cert.user_ids.push_back(UserId{std::move(text), *self, third_party(c, pk, limits)});
}

// A subkey with its newest verified binding (and its secret, for a secret
// subkey).  One of an algorithm or version we cannot use, or without a
// binding, is left out; other malformed key material fails the certificate.
template <typename Secret>
Result<void> add_subkey(Built<Secret>& out, const RawComponent& c, const PublicKey& pk,
                        const KeyLimits& limits) {
    Secret secret{};
    auto key = key_of<Secret>(c, limits, &secret);
    if (!key) {
        if (key.error().code == ErrorCode::UnsupportedAlgorithm ||
            key.error().code == ErrorCode::UnsupportedVersion)
            return {};  // a subkey we cannot use: leave it out
        return Unexpected{key.error()};
    }
    auto sigs = verified(c, pk, limits, [&](const Signature& s) {
        return static_cast<bool>(verify_subkey(s, pk, *key));
    });
    const Signature* binding =
        newest_of(sigs, SignatureType::SubkeyBinding, SignatureType::SubkeyBinding);
    if (!binding) return {};
    Subkey sub;
    sub.key = std::move(*key);
    sub.binding = *binding;
    sub.key_flags = binding->key_flags.value_or(0);
    // A binding that expires takes its subkey with it (RFC 9580 5.2.3.18).
    sub.expires =
        earliest(expiry(sub.key.created, binding->key_expires_after), signature_expiry(*binding));
    sub.revoked = newest_of(sigs, SignatureType::SubkeyRevocation,
                            SignatureType::SubkeyRevocation) != nullptr;
    if constexpr (std::is_same_v<Secret, SecretKey>) {
        if (c.tag == Tag::SecretSubkey) out.subkey_secrets.push_back(std::move(secret));
    }
    out.cert.subkeys.push_back(std::move(sub));
    return {};
}

// The creation time of a v4 key packet body, without parsing the rest; 0
// when it is not one (add_subkey then judges the packet properly).
Timestamp peek_created(const Bytes& body) {
    if (body.size() < 5 || body[0] != 4) return 0;
    return (Timestamp{body[1]} << 24) | (Timestamp{body[2]} << 16) | (Timestamp{body[3]} << 8) |
           Timestamp{body[4]};
}

// True when every binding on the subkey says it ended at or before
// `horizon`.  Read without verifying: all a forged claim can do is hide a
// subkey, which whoever forged it could as well have stripped.
bool claims_end_by(const RawComponent& c, Timestamp created, Timestamp horizon,
                   const KeyLimits& limits) {
    for (const auto& [offset, body] : c.signatures) {
        auto sig = parse_signature(body, offset, limits.signatures);
        if (!sig || sig->type != SignatureType::SubkeyBinding) continue;
        const auto end = earliest(expiry(created, sig->key_expires_after), signature_expiry(*sig));
        if (!end || *end > horizon) return false;
    }
    return true;
}

// Keyservers merge and never delete, so a mix key that rotates daily
// carries every subkey it ever had.  Subkeys are taken newest first; the
// newest verified self-signature is the horizon: a subkey that ended before
// it has ended for every reader whose clock is right, and is skipped
// without verifying its binding (the byte bound of split() bounds the
// reading).  Only subkeys live at the horizon count against max_subkeys;
// the kept ones are returned in input order.
template <typename Secret>
Result<void> add_subkeys(Built<Secret>& out, const RawCertificate& raw, const PublicKey& pk,
                         const KeyLimits& limits) {
    std::vector<std::pair<Timestamp, std::size_t>> order;  // created, component
    for (std::size_t i = 0; i < raw.components.size(); ++i)
        if (is_subkey_tag(raw.components[i].tag))
            order.emplace_back(peek_created(raw.components[i].body), i);
    std::stable_sort(order.begin(), order.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    Timestamp horizon = 0;
    for (const auto& u : out.cert.user_ids) horizon = std::max(horizon, u.self_signature.created);
    std::vector<std::pair<std::size_t, Subkey>> kept;
    std::size_t checked = 0;
    for (const auto& [created, i] : order) {
        const RawComponent& c = raw.components[i];
        if (claims_end_by(c, created, horizon, limits)) continue;
        // Live-looking subkeys cost a verification each: bounded.
        if (++checked > limits.max_subkeys_verified)
            return fail(
                ErrorCode::LimitExceeded, raw.primary.offset,
                "more than " + std::to_string(limits.max_subkeys_verified) + " subkeys to verify");
        const std::size_t before = out.cert.subkeys.size();
        MIXTASY_CHECK(add_subkey(out, c, pk, limits));
        if (out.cert.subkeys.size() == before) continue;
        horizon = std::max(horizon, out.cert.subkeys.back().binding.created);
        kept.emplace_back(i, std::move(out.cert.subkeys.back()));
        out.cert.subkeys.pop_back();
    }
    std::sort(kept.begin(), kept.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    std::size_t live = 0;
    for (auto& [i, sub] : kept) {
        if (!sub.revoked && (!sub.expires || *sub.expires > horizon)) ++live;
        out.cert.subkeys.push_back(std::move(sub));
    }
    if (live > limits.max_subkeys)
        return fail(ErrorCode::LimitExceeded, raw.primary.offset,
                    "more than " + std::to_string(limits.max_subkeys) + " live subkeys");
    return {};
}

// Key flags and expiry: the primary user ID's self-signature, else the
// newest direct-key signature (sq puts them there).
void set_primary_flags_and_expiry(Certificate& cert) {
    const PublicKey& pk = cert.primary;
    const Signature& self = cert.primary_user_id().self_signature;
    const Signature* direct =
        newest_of(cert.direct_signatures, SignatureType::DirectKey, SignatureType::DirectKey);
    cert.key_flags =
        self.key_flags.value_or(direct && direct->key_flags ? *direct->key_flags : uint8_t{0});
    cert.expires =
        earliest(expiry(pk.created, self.key_expires_after
                                        ? self.key_expires_after
                                        : (direct ? direct->key_expires_after : std::nullopt)),
                 signature_expiry(self));
}

template <typename Secret>
Result<Built<Secret>> build(const RawCertificate& raw, const KeyLimits& limits, bool need_secret) {
    Built<Secret> out;
    Certificate& cert = out.cert;
    if (need_secret && raw.primary.tag != Tag::SecretKey)
        return fail(ErrorCode::UnexpectedPacket, raw.primary.offset,
                    "public key where a secret key was expected");
    MIXTASY_TRY(primary, key_of<Secret>(raw.primary, limits, &out.primary_secret));
    cert.primary = std::move(*primary);
    if (!cert.primary.can_sign_algorithm())
        return fail(ErrorCode::UnsupportedAlgorithm, raw.primary.offset,
                    "primary key algorithm cannot be verified here");
    const PublicKey& pk = cert.primary;

    cert.direct_signatures = verified(raw.primary, pk, limits, [&](const Signature& s) {
        return static_cast<bool>(verify_direct(s, pk));
    });
    for (const auto& s : cert.direct_signatures)
        if (s.type == SignatureType::KeyRevocation) cert.revoked = true;

    // User attributes: kept out of the result; nothing here uses them.
    for (const RawComponent& c : raw.components)
        if (c.tag == Tag::UserId) add_user_id(cert, c, pk, limits);
    if (cert.user_ids.empty())
        return fail(ErrorCode::NoValidKey, raw.primary.offset,
                    "no user ID with a valid self-signature");
    // Revoked user IDs were left out above, so only the kept ones count.
    if (cert.user_ids.size() > limits.max_user_ids)
        return fail(ErrorCode::LimitExceeded, raw.primary.offset, "too many user IDs");
    MIXTASY_CHECK(add_subkeys(out, raw, pk, limits));
    set_primary_flags_and_expiry(cert);
    return out;
}

void emit(Bytes& out, Tag tag, ByteView body) { (void)append_packet(out, tag, body); }

}  // namespace

Timestamp to_timestamp(std::chrono::system_clock::time_point t) noexcept {
    const auto s = std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
    if (s <= 0) return 0;
    return static_cast<Timestamp>(std::min<long long>(s, 0xffffffffLL));
}

std::chrono::system_clock::time_point from_timestamp(Timestamp t) noexcept {
    return std::chrono::system_clock::time_point(std::chrono::seconds(t));
}

bool Subkey::encryption_capable() const noexcept {
    return (key_flags & kFlagsEncrypt) != 0 && key.can_encrypt_algorithm();
}

bool Subkey::valid_at(Timestamp now) const noexcept {
    return !revoked && key.created <= now && (!expires || now < *expires);
}

bool Certificate::valid_at(Timestamp now) const noexcept {
    return !revoked && primary.created <= now && (!expires || now < *expires);
}

const UserId& Certificate::primary_user_id() const noexcept {
    const UserId* best = &user_ids.front();
    for (const auto& u : user_ids) {
        const bool better = u.self_signature.primary_user_id != best->self_signature.primary_user_id
                                ? u.self_signature.primary_user_id
                                : u.self_signature.created > best->self_signature.created;
        if (better) best = &u;
    }
    return *best;
}

const SecretKey* SecretCertificate::find_subkey(const KeyId& id) const noexcept {
    for (const auto& s : subkeys)
        if (s.pub.key_id == id) return &s;
    return nullptr;
}

const SecretKey* SecretCertificate::find_subkey(const Fingerprint& fpr) const noexcept {
    for (const auto& s : subkeys)
        if (s.pub.fingerprint == fpr) return &s;
    return nullptr;
}

Result<std::vector<Certificate>> parse_certificates(ByteView binary, const KeyLimits& limits) {
    MIXTASY_TRY(raw, split(binary, limits));
    std::vector<Certificate> out;
    for (const auto& r : *raw) {
        MIXTASY_TRY(built, build<SecretKey>(r, limits, false));
        out.push_back(std::move(built->cert));
    }
    return out;
}

Result<std::vector<SecretCertificate>> parse_secret_certificates(ByteView binary,
                                                                 const KeyLimits& limits) {
    MIXTASY_TRY(raw, split(binary, limits));
    std::vector<SecretCertificate> out;
    for (const auto& r : *raw) {
        MIXTASY_TRY(built, build<SecretKey>(r, limits, true));
        out.push_back(SecretCertificate{std::move(built->cert), std::move(built->primary_secret),
                                        std::move(built->subkey_secrets)});
    }
    return out;
}

std::vector<const Subkey*> valid_encryption_subkeys(const Certificate& cert,
                                                    std::chrono::system_clock::time_point now) {
    std::vector<const Subkey*> out;
    const Timestamp t = to_timestamp(now);
    if (!cert.valid_at(t)) return out;
    for (const auto& s : cert.subkeys)
        if (s.encryption_capable() && s.valid_at(t)) out.push_back(&s);
    std::stable_sort(out.begin(), out.end(), [](const Subkey* a, const Subkey* b) {
        return a->key.created > b->key.created;
    });
    return out;
}

Bytes serialize(const Certificate& cert) {
    Bytes out;
    emit(out, Tag::PublicKey, cert.primary.body);
    for (const auto& s : cert.direct_signatures) emit(out, Tag::Signature, s.body);
    for (const auto& u : cert.user_ids) {
        emit(out, Tag::UserId, as_bytes(u.text));
        emit(out, Tag::Signature, u.self_signature.body);
        for (const auto& c : u.certifications) emit(out, Tag::Signature, c.body);
    }
    for (const auto& u : cert.revoked_user_ids) {
        emit(out, Tag::UserId, as_bytes(u.text));
        emit(out, Tag::Signature, u.self_signature.body);
        emit(out, Tag::Signature, u.revocation.body);
    }
    for (const auto& s : cert.subkeys) {
        emit(out, Tag::PublicSubkey, s.key.body);
        emit(out, Tag::Signature, s.binding.body);
    }
    return out;
}

Botan::secure_vector<uint8_t> serialize(const SecretCertificate& tsk) {
    Bytes framed;
    Botan::secure_vector<uint8_t> out;
    auto add = [&](Tag tag, ByteView body) {
        framed.clear();
        (void)append_packet(framed, tag, body);
        out.insert(out.end(), framed.begin(), framed.end());
        Botan::secure_scrub_memory(framed.data(), framed.size());
    };
    add(Tag::SecretKey, serialize_secret_key(tsk.primary));
    for (const auto& s : tsk.cert.direct_signatures) add(Tag::Signature, s.body);
    for (const auto& u : tsk.cert.user_ids) {
        add(Tag::UserId, as_bytes(u.text));
        add(Tag::Signature, u.self_signature.body);
    }
    for (const auto& u : tsk.cert.revoked_user_ids) {
        add(Tag::UserId, as_bytes(u.text));
        add(Tag::Signature, u.self_signature.body);
        add(Tag::Signature, u.revocation.body);
    }
    for (const auto& s : tsk.cert.subkeys) {
        if (const SecretKey* secret = tsk.find_subkey(s.key.fingerprint))
            add(Tag::SecretSubkey, serialize_secret_key(*secret));
        else add(Tag::PublicSubkey, s.key.body);
        add(Tag::Signature, s.binding.body);
    }
    return out;
}

}  // namespace mixtasy::crypto
