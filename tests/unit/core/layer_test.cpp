// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/format/layer.h on its own: what seal_layer writes,
// open_layer reads and refuses, pad_body and current_subkey, with real keys
// held in memory (unit_mixes.h).
#include "core/format/layer.h"

#include <catch2/catch.hpp>

#include <string>

#include "core/format/literal_payload.h"
#include "core/format/mix_format.h"
#include "core/keys/node_key.h"
#include "crypto/compressed.h"
#include "crypto/keygen.h"
#include "crypto/message.h"
#include "crypto/packet.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::unit;

namespace {

constexpr std::int64_t kDay = 24 * 3600;

struct OneMix {
    DeterministicRandom random{7};
    crypto::SecretCertificate key = make_mix_key("mixtasy@n0.example", {"middleman"}, random);
    Instant now = from_unix(kEpoch);

    const crypto::Subkey& subkey() const {
        const crypto::Subkey* sub = current_subkey(key.cert, now);
        REQUIRE(sub != nullptr);
        return *sub;
    }
};

Bytes inner_text(std::size_t size) {
    Bytes out(size);
    for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<std::uint8_t>('a' + i % 26);
    return out;
}

bool starts_with(ByteView whole, ByteView prefix) {
    return whole.size() >= prefix.size() && std::equal(prefix.begin(), prefix.end(), whole.begin());
}

// `inner_packets` encrypted to `mix`'s subkey as `packet`, as a layer is
// never written: for the refusals.
Bytes encrypt_other(OneMix& mix, ByteView inner_packets, crypto::SymmetricPacket packet) {
    auto sealed = crypto::encrypt_to(mix.subkey().key, inner_packets, packet, mix.random);
    REQUIRE(sealed);
    return std::move(*sealed);
}

}  // namespace

TEST_CASE("layer: seal then open gives the inner message back", "[core][layer]") {
    OneMix mix;
    const Bytes inner = inner_text(5000);
    auto sealed = seal_layer(inner, mix.subkey().key, mix.random);
    REQUIRE(sealed);
    auto opened = open_layer(*sealed, mix.key, mix.now);
    REQUIRE(opened);
    CHECK(opened->contents == inner);
    // The replay entry lives as long as the subkey that opened the layer.
    REQUIRE(mix.subkey().expires);
    CHECK(opened->subkey_expires == from_unix(static_cast<std::int64_t>(*mix.subkey().expires)));
    CHECK(opened->subkey_expires == from_unix(kKeysCreated + 2 * kDay));
}

TEST_CASE("layer: padding after the seal becomes part of the contents", "[core][layer]") {
    OneMix mix;
    const Bytes inner = inner_text(20000);
    auto sealed = seal_layer(inner, mix.subkey().key, mix.random);
    REQUIRE(sealed);
    auto padded = pad_body(*sealed, kIntermediateBodySize, mix.random);
    REQUIRE(padded);
    auto opened = open_layer(*padded, mix.key, mix.now);
    REQUIRE(opened);
    // Indeterminate SED, indeterminate literal: every padding byte decrypts
    // to one more byte of contents, so the real length stays hidden.
    CHECK(opened->contents.size() == inner.size() + (padded->size() - sealed->size()));
    CHECK(starts_with(opened->contents, inner));
}

TEST_CASE("layer: seal writes PKESK then an indeterminate SED", "[core][layer]") {
    OneMix mix;
    auto sealed = seal_layer(inner_text(100), mix.subkey().key, mix.random);
    REQUIRE(sealed);
    crypto::PacketReader reader(*sealed);
    auto first = reader.next();
    REQUIRE(first);
    REQUIRE(first->has_value());
    CHECK((*first)->tag == crypto::Tag::Pkesk);
    auto second = reader.next();
    REQUIRE(second);
    REQUIRE(second->has_value());
    CHECK((*second)->tag == crypto::Tag::Sed);
    CHECK((*second)->format == crypto::Format::OldFormat);
    CHECK((*second)->length_kind == crypto::LengthKind::Indeterminate);
}

TEST_CASE("layer: a layer for another key is no-valid-subkey", "[core][layer]") {
    OneMix mix;
    DeterministicRandom other_random{8};
    const crypto::SecretCertificate other =
        make_mix_key("mixtasy@n1.example", {"middleman"}, other_random);
    auto sealed = seal_layer(inner_text(100), mix.subkey().key, mix.random);
    REQUIRE(sealed);
    auto opened = open_layer(*sealed, other, mix.now);
    REQUIRE_FALSE(opened);
    CHECK(opened.error() == LayerError::NoValidSubkey);
    CHECK(std::string(to_string(opened.error())) == "no-valid-subkey");
}

TEST_CASE("layer: an expired or not yet valid subkey is never tried", "[core][layer]") {
    OneMix mix;
    auto sealed = seal_layer(inner_text(100), mix.subkey().key, mix.random);
    REQUIRE(sealed);
    // The subkey holds the secret that would open it; the time alone refuses.
    const Instant after_expiry = from_unix(kKeysCreated + 2 * kDay);
    CHECK(open_layer(*sealed, mix.key, after_expiry - std::chrono::seconds(1)));
    auto late = open_layer(*sealed, mix.key, after_expiry + std::chrono::seconds(1));
    REQUIRE_FALSE(late);
    CHECK(late.error() == LayerError::NoValidSubkey);
    auto early = open_layer(*sealed, mix.key, from_unix(kKeysCreated - 1));
    REQUIRE_FALSE(early);
    CHECK(early.error() == LayerError::NoValidSubkey);
}

TEST_CASE("layer: SEIPD (a layer with an MDC) is malformed", "[core][layer]") {
    OneMix mix;
    const Bytes literal = make_literal(inner_text(100), LiteralFraming::Definite);
    auto opened =
        open_layer(encrypt_other(mix, literal, crypto::SymmetricPacket::Seipd), mix.key, mix.now);
    REQUIRE_FALSE(opened);
    CHECK(opened.error() == LayerError::Malformed);
    CHECK(std::string(to_string(opened.error())) == "malformed");
}

TEST_CASE("layer: compressed data inside the SED is malformed", "[core][layer]") {
    OneMix mix;
    const Bytes literal = make_literal(inner_text(100), LiteralFraming::Definite);
    auto compressed =
        crypto::write_packet(crypto::Tag::Compressed, crypto::compressed_body_stored(literal));
    REQUIRE(compressed);
    auto opened =
        open_layer(encrypt_other(mix, *compressed, crypto::SymmetricPacket::Sed), mix.key, mix.now);
    REQUIRE_FALSE(opened);
    CHECK(opened.error() == LayerError::Malformed);
}

TEST_CASE("layer: anything but a literal packet inside is malformed", "[core][layer]") {
    OneMix mix;
    auto marker = crypto::write_packet(crypto::Tag::Marker, as_bytes("PGP"));
    REQUIRE(marker);
    auto opened =
        open_layer(encrypt_other(mix, *marker, crypto::SymmetricPacket::Sed), mix.key, mix.now);
    REQUIRE_FALSE(opened);
    CHECK(opened.error() == LayerError::Malformed);
}

TEST_CASE("layer: a failed quick check is malformed", "[core][layer]") {
    OneMix mix;
    auto sealed = seal_layer(inner_text(100), mix.subkey().key, mix.random);
    REQUIRE(sealed);
    crypto::PacketReader reader(*sealed);
    REQUIRE(reader.next());
    auto sed = reader.next();
    REQUIRE(sed);
    REQUIRE(sed->has_value());
    // Bytes 16 and 17 of the SED body repeat bytes 14 and 15 of the random
    // prefix; CFB turns a flipped ciphertext byte there into a mismatch.
    Bytes tampered = *sealed;
    tampered[(*sed)->body_offset + 16] ^= 0x01;
    auto opened = open_layer(tampered, mix.key, mix.now);
    REQUIRE_FALSE(opened);
    CHECK(opened.error() == LayerError::Malformed);
}

TEST_CASE("layer: framing garbage is malformed, never a crash", "[core][layer]") {
    OneMix mix;
    auto sealed = seal_layer(inner_text(100), mix.subkey().key, mix.random);
    REQUIRE(sealed);
    CHECK(open_layer(Bytes{}, mix.key, mix.now).error() == LayerError::Malformed);
    CHECK(open_layer(as_bytes("not an OpenPGP message"), mix.key, mix.now).error() ==
          LayerError::Malformed);
    // Every cut inside the PKESK.
    for (std::size_t n = 1; n < 40; ++n) {
        CAPTURE(n);
        const Bytes cut(sealed->begin(), sealed->begin() + static_cast<std::ptrdiff_t>(n));
        CHECK_FALSE(open_layer(cut, mix.key, mix.now));
    }
}

TEST_CASE("layer: pad_body pads to exactly the size or refuses", "[core][layer]") {
    DeterministicRandom random{9};
    const Bytes body = inner_text(1000);
    auto padded = pad_body(body, kIntermediateBodySize, random);
    REQUIRE(padded);
    CHECK(padded->size() == kIntermediateBodySize);
    CHECK(starts_with(*padded, body));
    // The padding is random, not zeros: two pads differ.
    auto again = pad_body(body, kIntermediateBodySize, random);
    REQUIRE(again);
    CHECK(*again != *padded);

    auto exact = pad_body(body, body.size(), random);
    REQUIRE(exact);
    CHECK(*exact == body);
    CHECK_FALSE(pad_body(body, body.size() - 1, random));
    auto empty = pad_body(Bytes{}, 0, random);
    REQUIRE(empty);
    CHECK(empty->empty());
}

TEST_CASE("layer: current_subkey is the newest valid encryption subkey", "[core][layer]") {
    OneMix mix;
    const crypto::Subkey* first = current_subkey(mix.key.cert, mix.now);
    REQUIRE(first != nullptr);
    const crypto::Fingerprint first_fpr = first->key.fingerprint;
    CHECK(current_subkey(mix.key.cert, from_unix(kKeysCreated + 2 * kDay + 1)) == nullptr);

    // A successor made a day later is preferred from its creation on; the
    // old one is still the current one before that.
    REQUIRE(crypto::add_encryption_subkey(
        mix.key, static_cast<crypto::Timestamp>(kKeysCreated + kDay),
        static_cast<std::uint32_t>(kDefaultSubkeyValidity.count()), mix.random));
    const crypto::Subkey* before = current_subkey(mix.key.cert, from_unix(kKeysCreated + kDay - 1));
    REQUIRE(before != nullptr);
    CHECK(before->key.fingerprint == first_fpr);
    const crypto::Subkey* after = current_subkey(mix.key.cert, from_unix(kKeysCreated + kDay + 1));
    REQUIRE(after != nullptr);
    CHECK(after->key.fingerprint != first_fpr);
    // After the first expires, the successor opens what was sealed to it.
    auto sealed = seal_layer(inner_text(10), after->key, mix.random);
    REQUIRE(sealed);
    auto opened = open_layer(*sealed, mix.key, from_unix(kKeysCreated + 2 * kDay + 1));
    REQUIRE(opened);
    CHECK(opened->subkey_expires == from_unix(kKeysCreated + 3 * kDay));
}

TEST_CASE("layer: at most kMaxPkesks PKESKs are read", "[core][layer]") {
    OneMix mix;
    const Bytes literal = make_literal(inner_text(100), LiteralFraming::Indeterminate);
    const auto layer_with = [&](std::size_t pkesks) {
        const std::vector<crypto::PublicKey> recipients(pkesks, mix.subkey().key);
        crypto::EncryptOptions options;
        options.packet = crypto::SymmetricPacket::Sed;
        auto sealed = crypto::encrypt_to(recipients, literal, options, mix.random);
        REQUIRE(sealed);
        return std::move(*sealed);
    };
    CHECK(open_layer(layer_with(kMaxPkesks), mix.key, mix.now));
    // One more and nothing is decrypted, although every PKESK is for us:
    // the work a layer costs is bounded by the format, not by the sender.
    auto opened = open_layer(layer_with(kMaxPkesks + 1), mix.key, mix.now);
    REQUIRE_FALSE(opened);
    CHECK(opened.error() == LayerError::Malformed);
}

TEST_CASE("layer: a subkey without expiry opens nothing (finite replay window)", "[core][layer]") {
    OneMix mix;
    auto sealed = seal_layer(inner_text(100), mix.subkey().key, mix.random);
    REQUIRE(sealed);
    // The same key, but its binding says the subkey never expires: its
    // replay hashes would have to be kept forever (seed 000 6.4.2).
    crypto::SecretCertificate forever = mix.key;
    for (auto& sub : forever.cert.subkeys) sub.expires = std::nullopt;
    auto opened = open_layer(*sealed, forever, mix.now);
    REQUIRE_FALSE(opened);
    CHECK(opened.error() == LayerError::NoValidSubkey);
    // With its expiry the subkey opens the layer and says until when.
    auto bounded = open_layer(*sealed, mix.key, mix.now);
    REQUIRE(bounded);
    CHECK(bounded->subkey_expires == from_unix(kKeysCreated + 2 * kDay));
}
