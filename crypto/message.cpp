// SPDX-License-Identifier: BSD-2-Clause
// message.cpp - see message.h.
#include "crypto/message.h"

#include <optional>
#include <vector>

#include <botan/system_rng.h>

#include "crypto/pkesk.h"
#include "crypto/sed.h"
#include "crypto/seipd.h"
#include "crypto/session_key.h"

namespace mixtasy::crypto {

namespace {

constexpr WriteStyle kOldDefinite{Format::OldFormat, LengthKind::Definite};
constexpr WriteStyle kOldIndeterminate{Format::OldFormat, LengthKind::Indeterminate};
constexpr WriteStyle kNewDefinite{Format::NewFormat, LengthKind::Definite};

// What decrypt_packets found before the encrypted data.
struct Envelope {
    std::vector<Pkesk> pkesks;
    std::optional<Packet> data;  // the SED or SEIPD packet
};

Result<Envelope> read_envelope(ByteView message, const DecryptLimits& limits) {
    Envelope env;
    PacketReader reader(message, limits.packets);
    for (;;) {
        MIXTASY_TRY(next, reader.next());
        if (!*next)
            return fail(ErrorCode::UnexpectedPacket, reader.offset(), "no encrypted data packet");
        Packet& p = **next;
        switch (p.tag) {
            case Tag::Pkesk: {
                if (env.pkesks.size() >= limits.max_pkesk) {
                    return fail(ErrorCode::LimitExceeded, p.header_offset,
                                "too many PKESK packets");
                }
                auto pkesk = parse_pkesk(p.body(), p.body_offset);
                // Another recipient's v6 or ElGamal PKESK must not stop us.
                if (pkesk) env.pkesks.push_back(std::move(*pkesk));
                break;
            }
            case Tag::Skesk:
            case Tag::Marker: break;
            case Tag::Sed:
            case Tag::Seipd: env.data = std::move(p); return env;
            default:
                return fail(ErrorCode::UnexpectedPacket, p.header_offset,
                            std::string("unexpected ") + std::string(tag_name(p.tag)) +
                                " before encrypted data");
        }
    }
}

bool opens(const Pkesk& pkesk, const SecretKey& key) {
    return pkesk.wildcard() || pkesk.key_id == key.pub.key_id;
}

Result<Decrypted> decrypt_body(const Packet& data, const SessionKey& sk, const SecretKey& key) {
    Decrypted out;
    out.key = key.pub.fingerprint;
    out.cipher = sk.algo;
    Result<Bytes> plain = data.tag == Tag::Sed ? sed_decrypt_body(sk, data.body())
                                               : seipd_decrypt_body(sk, data.body());
    if (!plain) {
        Error e = plain.error();
        e.offset += data.body_offset;
        return Unexpected{std::move(e)};
    }
    out.plaintext = std::move(*plain);
    out.packet = data.tag == Tag::Sed ? SymmetricPacket::Sed : SymmetricPacket::Seipd;
    out.integrity_protected = data.tag == Tag::Seipd;
    return out;
}

// Skips packets that may surround the literal data in ordinary mail.
bool skippable_around_literal(Tag tag) {
    return tag == Tag::OnePassSignature || tag == Tag::Signature || tag == Tag::Marker;
}

Result<PlainMessage> read_plain(ByteView inner, const DecryptLimits& limits, int depth) {
    PacketReader reader(inner, limits.packets);
    for (;;) {
        MIXTASY_TRY(next, reader.next());
        if (!*next)
            return fail(ErrorCode::UnexpectedPacket, reader.offset(), "no literal data packet");
        const Packet& p = **next;
        if (skippable_around_literal(p.tag)) continue;
        if (p.tag == Tag::Compressed && depth == 0) {
            MIXTASY_TRY(expanded, decompress_body(p.body(), limits.decompress, p.body_offset));
            auto plain = read_plain(*expanded, limits, depth + 1);
            if (plain) plain->compressed = true;
            return plain;
        }
        if (p.tag != Tag::Literal) {
            return fail(ErrorCode::UnexpectedPacket, p.header_offset,
                        std::string("unexpected ") + std::string(tag_name(p.tag)) +
                            " where literal data belongs");
        }
        MIXTASY_TRY(lit, parse_literal_body(p.body(), p.body_offset));
        PlainMessage out;
        out.literal = std::move(*lit);
        return out;
    }
}

}  // namespace

Result<Bytes> encrypt_to(const PublicKey& recipient, ByteView inner_packets, SymmetricPacket packet,
                         Botan::RandomNumberGenerator& rng) {
    EncryptOptions options;
    options.packet = packet;
    return encrypt_to(std::span<const PublicKey>(&recipient, 1), inner_packets, options, rng);
}

Result<Bytes> encrypt_to(std::span<const PublicKey> recipients, ByteView inner_packets,
                         const EncryptOptions& options, Botan::RandomNumberGenerator& rng) {
    if (recipients.empty()) return fail(ErrorCode::NoValidKey, 0, "no recipient");
    MIXTASY_TRY(sk, generate_session_key(options.cipher, rng));
    Bytes out;
    out.reserve(inner_packets.size() + 64 + recipients.size() * 600);
    for (const PublicKey& recipient : recipients) {
        MIXTASY_TRY(pkesk, pkesk_encrypt(recipient, *sk, rng, options.hide_recipient));
        MIXTASY_CHECK(append_packet(out, Tag::Pkesk, serialize_pkesk(*pkesk), kOldDefinite));
    }
    const bool sed = options.packet == SymmetricPacket::Sed;
    MIXTASY_TRY(body, sed ? sed_encrypt_body(*sk, inner_packets, rng)
                          : seipd_encrypt_body(*sk, inner_packets, rng));
    MIXTASY_CHECK(sed ? append_packet(out, Tag::Sed, *body, kOldIndeterminate)
                      : append_packet(out, Tag::Seipd, *body, kNewDefinite));
    return out;
}

Result<Decrypted> decrypt_packets(ByteView message, std::span<const SecretKey> keys,
                                  const DecryptLimits& limits) {
    if (message.size() > limits.max_message)
        return fail(ErrorCode::LimitExceeded, 0, "message size");
    MIXTASY_TRY(env, read_envelope(message, limits));
    bool named_us = false;
    for (const Pkesk& pkesk : env->pkesks) {
        for (const SecretKey& key : keys) {
            if (!opens(pkesk, key)) continue;
            if (!pkesk.wildcard()) named_us = true;
            auto sk = pkesk_decrypt(pkesk, key, Botan::system_rng());
            if (!sk) continue;
            return decrypt_body(*env->data, *sk, key);
        }
    }
    if (named_us) return fail(ErrorCode::DecryptFailed, 0, "a PKESK for our key did not open");
    return fail(ErrorCode::NoValidKey, 0, "no PKESK for any of our keys");
}

Result<PlainMessage> decrypt_message(ByteView message, std::span<const SecretKey> keys,
                                     const DecryptLimits& limits, const MessageOptions& options) {
    MIXTASY_TRY(dec, decrypt_packets(message, keys, limits));
    if (!dec->integrity_protected && !options.allow_unprotected) {
        return fail(ErrorCode::IntegrityFailed, 0, "message has no integrity protection (SED)");
    }
    MIXTASY_TRY(plain, read_inner_message(dec->plaintext, limits));
    plain->key = dec->key;
    plain->packet = dec->packet;
    plain->integrity_protected = dec->integrity_protected;
    return plain;
}

Result<PlainMessage> read_inner_message(ByteView inner_packets, const DecryptLimits& limits) {
    return read_plain(inner_packets, limits, 0);
}

}  // namespace mixtasy::crypto
