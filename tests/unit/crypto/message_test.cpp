// SPDX-License-Identifier: BSD-2-Clause
#include "crypto/message.h"

#include <catch2/catch.hpp>

#include <botan/auto_rng.h>

#include "crypto/literal.h"
#include "crypto/packet.h"
#include "tests/unit/crypto/enc_vec.h"

using namespace mixtasy::crypto;
using mixtasy::Bytes;
using mixtasy::ByteView;

namespace {

Bytes literal_packet(const Bytes& contents, WriteStyle style = {}) {
    LiteralData lit;
    lit.filename = "m";
    lit.contents = contents;
    auto p = write_literal(lit, style);
    REQUIRE(p);
    return *p;
}

struct Keys {
    std::vector<SecretKey> ecdh = enc_test::load_secret_keys("gpg_cv25519.sec");
    std::vector<SecretKey> rsa = enc_test::load_secret_keys("gpg_rsa3072.sec");
};

const Keys& keys() {
    static const Keys k;
    return k;
}

}  // namespace

TEST_CASE("messages GnuPG encrypted decrypt to the right plaintext", "[message]") {
    const auto plain = enc_test::read_file("gpg_plain.txt");
    MessageOptions allow_sed;
    allow_sed.allow_unprotected = true;
    for (const char* name : {"cv25519", "rsa3072"}) {
        const auto& ks = std::string(name) == "cv25519" ? keys().ecdh : keys().rsa;
        for (const char* kind : {"sed", "seipd"}) {
            const bool sed = std::string(kind) == "sed";
            const auto msg = enc_test::read_file(std::string("gpg_") + name + "_" + kind + ".gpg");
            auto out = decrypt_message(msg, ks, {}, allow_sed);
            REQUIRE(out);
            REQUIRE(out->literal.contents == plain);
            REQUIRE(out->literal.filename == "gpg_plain.txt");
            REQUIRE(out->integrity_protected == !sed);
            REQUIRE(out->packet == (sed ? SymmetricPacket::Sed : SymmetricPacket::Seipd));
            REQUIRE(out->key == ks.back().pub.fingerprint);
            if (sed) {
                // Without the explicit allowance an SED message is refused.
                REQUIRE(decrypt_message(msg, ks).error().code == ErrorCode::IntegrityFailed);
            }
        }
    }
}

TEST_CASE("GnuPG's ZIP, ZLIB and BZip2 compressed messages decrypt", "[message]") {
    const auto big = enc_test::read_file("gpg_big.txt");
    for (const char* algo : {"zip", "zlib", "bzip2"}) {
        const auto msg = enc_test::read_file(std::string("gpg_cv25519_") + algo + ".gpg");
        auto out = decrypt_message(msg, keys().ecdh);
        REQUIRE(out);
        REQUIRE(out->compressed);
        REQUIRE(out->literal.contents == big);
        DecryptLimits small;
        small.decompress.max_output = 10000;
        REQUIRE(decrypt_message(msg, keys().ecdh, small).error().code == ErrorCode::LimitExceeded);
    }
}

TEST_CASE("encrypt_to round trips SED and SEIPD to X25519 and RSA", "[message]") {
    Botan::AutoSeeded_RNG rng;
    const auto contents = rng.random_vec(30 * 1024);
    const auto inner = literal_packet(Bytes(contents.begin(), contents.end()));
    for (const auto* ks : {&keys().ecdh, &keys().rsa}) {
        for (auto kind : {SymmetricPacket::Sed, SymmetricPacket::Seipd}) {
            auto msg = encrypt_to(ks->back().pub, inner, kind, rng);
            REQUIRE(msg);
            auto dec = decrypt_packets(*msg, *ks);
            REQUIRE(dec);
            REQUIRE(dec->plaintext == inner);
            REQUIRE(dec->packet == kind);
            REQUIRE(dec->integrity_protected == (kind == SymmetricPacket::Seipd));
            REQUIRE(dec->cipher == 9);
            REQUIRE(dec->key == ks->back().pub.fingerprint);
        }
    }
}

TEST_CASE("an SED layer is old-format indeterminate and tolerates appended padding", "[message]") {
    Botan::AutoSeeded_RNG rng;
    const auto& sub = keys().ecdh.back();
    const Bytes contents(1000, 'x');
    const auto inner = literal_packet(contents, {Format::OldFormat, LengthKind::Definite});
    auto msg = encrypt_to(sub.pub, inner, SymmetricPacket::Sed, rng);
    REQUIRE(msg);
    auto packets = read_packets(*msg);
    REQUIRE(packets);
    REQUIRE(packets->size() == 2);
    REQUIRE((*packets)[1].tag == Tag::Sed);
    REQUIRE((*packets)[1].format == Format::OldFormat);
    REQUIRE((*packets)[1].length_kind == LengthKind::Indeterminate);
    const auto pad = rng.random_vec(5000);
    msg->insert(msg->end(), pad.begin(), pad.end());
    auto dec = decrypt_packets(*msg, keys().ecdh);
    REQUIRE(dec);
    REQUIRE(dec->plaintext.size() == inner.size() + 5000);
    auto lit = read_literal(dec->plaintext);
    REQUIRE(lit);
    REQUIRE(lit->literal.contents == contents);
    REQUIRE(lit->rest.size() == 5000);
}

TEST_CASE("every flipped byte of a SEIPD message is detected", "[message]") {
    Botan::AutoSeeded_RNG rng;
    const auto& sub = keys().ecdh.back();
    const auto inner = literal_packet(Bytes(300, 'y'));
    auto msg = encrypt_to(sub.pub, inner, SymmetricPacket::Seipd, rng);
    REQUIRE(msg);
    auto packets = read_packets(*msg);
    const size_t body_start = (*packets)[1].body_offset;
    for (size_t i = 0; i < msg->size(); ++i) {
        auto damaged = *msg;
        damaged[i] ^= 0x01;
        auto r = decrypt_message(damaged, keys().ecdh);
        INFO("flipped byte " << i);
        REQUIRE_FALSE(r);
        if (i > body_start) REQUIRE(r.error().code == ErrorCode::IntegrityFailed);
    }
}

TEST_CASE("a message for other keys is told apart from a corrupt one", "[message]") {
    Botan::AutoSeeded_RNG rng;
    const auto inner = literal_packet(Bytes(10, 'z'));
    auto to_rsa = encrypt_to(keys().rsa.back().pub, inner, SymmetricPacket::Seipd, rng);
    REQUIRE(decrypt_packets(*to_rsa, keys().ecdh).error().code == ErrorCode::NoValidKey);
    REQUIRE(decrypt_packets(*to_rsa, {}).error().code == ErrorCode::NoValidKey);
    // Damage the wrapped key in the PKESK addressed to our key.
    auto to_ecdh = encrypt_to(keys().ecdh.back().pub, inner, SymmetricPacket::Seipd, rng);
    auto damaged = *to_ecdh;
    damaged[60] ^= 0x01;
    REQUIRE(decrypt_packets(damaged, keys().ecdh).error().code == ErrorCode::DecryptFailed);
}

TEST_CASE("hidden recipients and several recipients decrypt", "[message]") {
    Botan::AutoSeeded_RNG rng;
    const auto inner = literal_packet(Bytes(64, 'w'));
    const std::vector<PublicKey> both{keys().rsa.back().pub, keys().ecdh.back().pub};
    EncryptOptions options;
    options.hide_recipient = true;
    options.cipher = 7;
    auto msg = encrypt_to(both, inner, options, rng);
    REQUIRE(msg);
    for (const auto* ks : {&keys().ecdh, &keys().rsa}) {
        auto dec = decrypt_packets(*msg, *ks);
        REQUIRE(dec);
        REQUIRE(dec->plaintext == inner);
        REQUIRE(dec->cipher == 7);
    }
    REQUIRE(encrypt_to(std::span<const PublicKey>{}, inner, options, rng).error().code ==
            ErrorCode::NoValidKey);
}

TEST_CASE("malformed and truncated messages give typed errors, never crash", "[message]") {
    Botan::AutoSeeded_RNG rng;
    const auto inner = literal_packet(Bytes(100, 'v'));
    auto msg = encrypt_to(keys().ecdh.back().pub, inner, SymmetricPacket::Seipd, rng);
    for (size_t n = 0; n < msg->size(); ++n) {
        REQUIRE_FALSE(decrypt_message(ByteView(msg->data(), n), keys().ecdh));
    }
    // No encrypted data after the PKESK.
    auto packets = read_packets(*msg);
    const ByteView pkesk_only(msg->data(), (*packets)[1].header_offset);
    REQUIRE(decrypt_packets(pkesk_only, keys().ecdh).error().code == ErrorCode::UnexpectedPacket);
    // A literal packet where the PKESK belongs.
    REQUIRE(decrypt_packets(inner, keys().ecdh).error().code == ErrorCode::UnexpectedPacket);
    DecryptLimits tiny;
    tiny.max_message = 10;
    REQUIRE(decrypt_packets(*msg, keys().ecdh, tiny).error().code == ErrorCode::LimitExceeded);
    tiny = DecryptLimits{};
    tiny.max_pkesk = 0;
    REQUIRE(decrypt_packets(*msg, keys().ecdh, tiny).error().code == ErrorCode::LimitExceeded);
}

TEST_CASE("the decrypted stream must hold literal data for decrypt_message", "[message]") {
    Botan::AutoSeeded_RNG rng;
    const Bytes not_literal{0xC1, 0x01, 0x00};  // a PKESK packet as the inner stream
    auto msg = encrypt_to(keys().ecdh.back().pub, not_literal, SymmetricPacket::Seipd, rng);
    REQUIRE(decrypt_message(*msg, keys().ecdh).error().code == ErrorCode::UnexpectedPacket);
    auto empty = encrypt_to(keys().ecdh.back().pub, Bytes{}, SymmetricPacket::Seipd, rng);
    REQUIRE(decrypt_message(*empty, keys().ecdh).error().code == ErrorCode::UnexpectedPacket);
}

TEST_CASE(
    "read_inner_message parses a decrypted stream: signatures skipped, one level of compression",
    "[message]") {
    LiteralData lit;
    lit.contents = Bytes(50, 'k');
    const auto literal = *write_literal(lit);
    // One-pass signature and signature packets (bodies irrelevant here) around the literal.
    Bytes stream =
        *write_packet(Tag::OnePassSignature, Bytes{3, 0, 8, 22, 1, 2, 3, 4, 5, 6, 7, 8, 1});
    stream.insert(stream.end(), literal.begin(), literal.end());
    auto plain = read_inner_message(stream);
    REQUIRE(plain);
    REQUIRE(plain->literal.contents == lit.contents);
    REQUIRE_FALSE(plain->compressed);
    const auto compressed = *write_packet(Tag::Compressed, compressed_body_stored(stream));
    plain = read_inner_message(compressed);
    REQUIRE(plain);
    REQUIRE(plain->compressed);
    REQUIRE(plain->literal.contents == lit.contents);
    // Compressed inside compressed is refused (no nesting bombs).
    const auto nested = *write_packet(Tag::Compressed, compressed_body_stored(compressed));
    REQUIRE(read_inner_message(nested).error().code == ErrorCode::UnexpectedPacket);
}
