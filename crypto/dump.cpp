// SPDX-License-Identifier: BSD-2-Clause
// dump.cpp - packet listing; see dump.h.
#include "crypto/dump.h"

#include <ctime>
#include <string>

#include "crypto/armor.h"
#include "crypto/cursor.h"
#include "crypto/key_packet.h"
#include "crypto/signature.h"

namespace mixtasy::crypto {
namespace {

std::string escaped(ByteView text) {
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    for (uint8_t c : text) {
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out.push_back(static_cast<char>(c));
        } else {
            out += "\\x";
            out.push_back(digits[c >> 4]);
            out.push_back(digits[c & 0x0f]);
        }
    }
    return out;
}

std::string iso_time(uint32_t t) {
    const std::time_t tt = t;
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
    return std::string(buf) + " (" + std::to_string(t) + ")";
}

std::string duration(uint32_t seconds) {
    return std::to_string(seconds) + "s (" + std::to_string(seconds / 86400) + "d " +
           std::to_string(seconds % 86400 / 3600) + "h)";
}

void dump_key(const PublicKey& k, std::ostream& out) {
    out << "\tversion 4, algorithm " << static_cast<int>(k.algorithm) << " ("
        << algorithm_name(k.algorithm) << "), created " << iso_time(k.created) << "\n";
    if (!k.rsa.n.empty()) out << "\tRSA " << k.rsa_bits() << " bits\n";
    if (!k.ecc.oid.empty())
        out << "\tcurve " << curve_name(k.ecc.curve) << ", oid " << to_hex(k.ecc.oid) << "\n";
    if (k.algorithm == PublicKeyAlgorithm::Ecdh)
        out << "\tKDF hash " << static_cast<int>(k.kdf.hash) << ", KEK cipher "
            << static_cast<int>(k.kdf.cipher) << "\n";
    out << "\tkey ID " << to_hex(k.key_id) << "\n\tfingerprint " << to_hex(k.fingerprint) << "\n";
}

void dump_subpacket(const Subpacket& sp, bool hashed, std::ostream& out) {
    out << "\t" << (hashed ? "hashed" : "unhashed") << " subpacket " << static_cast<int>(sp.type)
        << (sp.critical ? " (critical)" : "") << " " << subpacket_name(sp.type) << ", length "
        << sp.data.size();
    const auto be32 = [&] {
        return (uint32_t{sp.data[0]} << 24) | (uint32_t{sp.data[1]} << 16) |
               (uint32_t{sp.data[2]} << 8) | sp.data[3];
    };
    switch (static_cast<SubpacketType>(sp.type)) {
        case SubpacketType::CreationTime:
            if (sp.data.size() >= 4) out << ": " << iso_time(be32());
            break;
        case SubpacketType::ExpirationTime:
        case SubpacketType::KeyExpirationTime:
            if (sp.data.size() >= 4) out << ": " << duration(be32());
            break;
        case SubpacketType::Issuer:
        case SubpacketType::IssuerFingerprint:
        case SubpacketType::KeyFlags:
        case SubpacketType::Features:
        case SubpacketType::PreferredSymmetric:
        case SubpacketType::PreferredHash:
        case SubpacketType::PreferredCompression: out << ": " << to_hex(sp.data); break;
        case SubpacketType::SignersUserId: out << ": \"" << escaped(sp.data) << "\""; break;
        default: break;
    }
    out << "\n";
}

Result<void> dump_signature(const Packet& p, std::ostream& out) {
    MIXTASY_TRY(sig, parse_signature(p.body(), p.body_offset));
    out << "\tversion 4, type 0x" << to_hex(Bytes{static_cast<uint8_t>(sig->type)})
        << ", algorithm " << static_cast<int>(sig->algorithm) << " ("
        << algorithm_name(sig->algorithm) << "), hash " << static_cast<int>(sig->hash) << " ("
        << hash_name(sig->hash) << ")\n";
    out << "\tcreated " << iso_time(sig->created) << ", digest prefix " << to_hex(sig->hash_prefix)
        << "\n";
    if (sig->issuer) out << "\tissuer " << to_hex(*sig->issuer) << "\n";
    for (const auto& sp : sig->hashed) dump_subpacket(sp, true, out);
    for (const auto& sp : sig->unhashed) dump_subpacket(sp, false, out);
    return {};
}

Result<void> dump_pkesk(const Packet& p, std::ostream& out) {
    Cursor in(p.body(), p.body_offset);
    MIXTASY_TRY(version, in.u8("PKESK version"));
    if (*version != 3) {
        out << "\tversion " << static_cast<int>(*version) << " (not read further)\n";
        return {};
    }
    MIXTASY_TRY(id, in.take(8, "PKESK key ID"));
    MIXTASY_TRY(algo, in.u8("PKESK algorithm"));
    out << "\tversion 3, key ID " << to_hex(*id) << ", algorithm " << static_cast<int>(*algo)
        << " (" << algorithm_name(static_cast<PublicKeyAlgorithm>(*algo)) << "), " << in.remaining()
        << " bytes of encrypted session key\n";
    return {};
}

Result<void> dump_literal(const Packet& p, std::ostream& out) {
    Cursor in(p.body(), p.body_offset);
    MIXTASY_TRY(format, in.u8("literal format"));
    MIXTASY_TRY(name_len, in.u8("literal file name length"));
    MIXTASY_TRY(name, in.take(*name_len, "literal file name"));
    MIXTASY_TRY(date, in.u32("literal date"));
    const uint8_t f = *format;
    out << "\tformat '" << escaped(ByteView(&f, 1)) << "', file name \"" << escaped(*name)
        << "\", date " << iso_time(*date) << ", " << in.remaining() << " bytes of data\n";
    return {};
}

Result<void> dump_one_pass(const Packet& p, std::ostream& out) {
    Cursor in(p.body(), p.body_offset);
    MIXTASY_TRY(head, in.take(4, "one-pass signature fields"));
    MIXTASY_TRY(id, in.take(8, "one-pass key ID"));
    MIXTASY_TRY(nested, in.u8("one-pass nested flag"));
    out << "\tversion " << static_cast<int>((*head)[0]) << ", type 0x"
        << to_hex(head->subspan(1, 1)) << ", hash " << static_cast<int>((*head)[2])
        << ", algorithm " << static_cast<int>((*head)[3]) << ", key ID " << to_hex(*id) << ", last "
        << static_cast<int>(*nested) << "\n";
    return {};
}

Result<void> dump_body(const Packet& p, std::ostream& out) {
    switch (p.tag) {
        case Tag::PublicKey:
        case Tag::PublicSubkey: {
            MIXTASY_TRY(k, parse_public_key(p.body(), p.body_offset));
            dump_key(*k, out);
            return {};
        }
        case Tag::SecretKey:
        case Tag::SecretSubkey: {
            // Show only the public part; the secret is never printed.
            auto k = parse_secret_key(p.body(), p.body_offset);
            if (!k) {
                if (k.error().code != ErrorCode::UnsupportedFeature) return Unexpected{k.error()};
                out << "\tsecret material: passphrase-protected (not read)\n";
                return {};
            }
            dump_key(k->pub, out);
            out << "\tsecret material: unprotected, checksum ok\n";
            return {};
        }
        case Tag::UserId: out << "\tuser ID \"" << escaped(p.body()) << "\"\n"; return {};
        case Tag::Signature: return dump_signature(p, out);
        case Tag::Pkesk: return dump_pkesk(p, out);
        case Tag::Literal: return dump_literal(p, out);
        case Tag::OnePassSignature: return dump_one_pass(p, out);
        case Tag::Compressed:
            if (!p.body().empty())
                out << "\tcompression algorithm " << static_cast<int>(p.body()[0]) << ", "
                    << p.body().size() - 1 << " bytes compressed (not expanded)\n";
            return {};
        case Tag::Sed:
            out << "\t" << p.body().size()
                << " bytes of encrypted data (no integrity protection)\n";
            return {};
        case Tag::Seipd:
            if (!p.body().empty())
                out << "\tversion " << static_cast<int>(p.body()[0]) << ", " << p.body().size() - 1
                    << " bytes of encrypted data\n";
            return {};
        default: return {};
    }
}

const char* length_kind_name(LengthKind k) {
    switch (k) {
        case LengthKind::Definite: return "definite";
        case LengthKind::Indeterminate: return "indeterminate";
        case LengthKind::Partial: return "partial";
    }
    return "?";
}

}  // namespace

Result<void> dump(ByteView input, std::ostream& out, const PacketLimits& limits) {
    Bytes binary;
    ByteView packets = input;
    if (is_armored(input)) {
        MIXTASY_TRY(a, armor_decode(input));
        out << "# armor \"" << escaped(as_bytes(a->label)) << "\", " << a->headers.size()
            << " header(s), " << (a->had_checksum ? "CRC24 ok" : "no CRC24") << ", "
            << a->data.size() << " bytes\n";
        binary = std::move(a->data);
        packets = binary;
    }
    if (packets.empty()) return fail(ErrorCode::Truncated, 0, "no packets");
    PacketReader reader(packets, limits);
    while (true) {
        MIXTASY_TRY(next, reader.next());
        if (!*next) return {};
        const Packet& p = **next;
        out << ":offset " << p.header_offset << " tag " << static_cast<int>(p.tag) << " "
            << tag_name(p.tag) << ", " << (p.format == Format::OldFormat ? "old" : "new")
            << " format, " << length_kind_name(p.length_kind) << " length " << p.body().size()
            << ", header " << p.header_length;
        if (p.length_kind == LengthKind::Partial) out << ", " << p.partial_chunks << " chunks";
        out << "\n";
        if (auto r = dump_body(p, out); !r) {
            // Well-formed packets of versions or algorithms we do not read
            // are listed, not treated as invalid input.
            const auto code = r.error().code;
            if (code != ErrorCode::UnsupportedVersion && code != ErrorCode::UnsupportedAlgorithm)
                return r;
            out << "\t(not decoded: " << describe(r.error()) << ")\n";
        }
    }
}

}  // namespace mixtasy::crypto
