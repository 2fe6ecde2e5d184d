// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/keys/mix_key.h: the key format of seed 000 6.3 as a sender
// checks it, on keys our node makes, on keys the real gpg makes in the
// Mixtasy format, and on each way a key can break the format (one typed
// reason each).
#include "core/keys/mix_key.h"

#include <catch2/catch.hpp>

#include <string>

#include "core/keys/node_key.h"
#include "crypto/armor.h"
#include "crypto/key_io.h"
#include "crypto/keygen.h"
#include "mix_key_gpg.h"
#include "tests/unit/temp_dir.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::unit;

namespace {

constexpr std::int64_t kHour = 3600;
constexpr std::int64_t kDay = 24 * kHour;

const Instant kNow = from_unix(kEpoch);

MixKeyReason reason_at(const crypto::Certificate& cert, Instant now = kNow) {
    auto key = check_mix_key(cert, now);
    REQUIRE_FALSE(key);
    return key.error().reason;
}

crypto::Certificate node_cert(std::uint64_t seed, const std::string& address = mix_address(0)) {
    DeterministicRandom random{seed};
    return make_mix_key(address, {"middleman", "exitpublic"}, random).cert;
}

// The one result of checking the armored `text`.
CheckedKey only_result(const std::string& text, Instant now) {
    auto checked = check_armored_keys(text, now);
    REQUIRE(checked.size() == 1);
    return std::move(checked.front());
}

}  // namespace

TEST_CASE("mix key: a key our node makes is a mix key now, with its subkey window",
          "[core][mix_key]") {
    const crypto::Certificate cert = node_cert(1);
    auto key = check_mix_key(cert, kNow);
    REQUIRE(key);
    CHECK(key->address == mix_address(0));
    CHECK(key->modes.middleman);
    CHECK(key->modes.exitpublic);
    CHECK(key->fingerprint == crypto::to_hex(cert.fingerprint()));
    REQUIRE(key->subkeys.size() == 1);
    CHECK(key->subkeys[0].created == static_cast<crypto::Timestamp>(kKeysCreated));
    CHECK(key->subkeys[0].expires == static_cast<crypto::Timestamp>(kKeysCreated + 2 * kDay));
    auto via_armor = only_result(crypto::export_public(cert), kNow);
    CHECK(via_armor.result);
    CHECK(via_armor.fingerprint == key->fingerprint);
}

TEST_CASE("mix key: expired subkeys are skipped, only expired subkeys are refused",
          "[core][mix_key]") {
    DeterministicRandom random{2};
    crypto::SecretCertificate made = make_mix_key(mix_address(0), {"middleman"}, random);
    // The successor at half-life, as rotation adds it.
    REQUIRE(crypto::add_encryption_subkey(made, kKeysCreated + kDay, 2 * kDay, random));
    const Instant after_first = from_unix(kKeysCreated + 2 * kDay + kHour);
    auto key = check_mix_key(made.cert, after_first);
    REQUIRE(key);
    REQUIRE(key->subkeys.size() == 1);  // only the live one is listed
    CHECK(key->subkeys[0].created == static_cast<crypto::Timestamp>(kKeysCreated + kDay));

    CHECK(reason_at(made.cert, from_unix(kKeysCreated + 3 * kDay + kHour)) ==
          MixKeyReason::NoValidSubkey);
    // A revoked subkey is history too.
    crypto::Certificate revoked = node_cert(3);
    revoked.subkeys[0].revoked = true;
    CHECK(reason_at(revoked) == MixKeyReason::NoValidSubkey);
}

TEST_CASE("mix key: each break of the format is refused with its reason", "[core][mix_key]") {
    const crypto::Certificate cert = node_cert(4);

    crypto::Certificate two = cert;
    two.user_ids.push_back(two.user_ids.front());
    two.user_ids.back().text = "Other (mixtasy-mode:middleman) <mixtasy@other.example>";
    CHECK(reason_at(two) == MixKeyReason::UserIdCount);

    crypto::Certificate no_mode = cert;
    no_mode.user_ids.front().text = "Node <mixtasy@n0.example>";
    CHECK(reason_at(no_mode) == MixKeyReason::NoModes);

    // An encryption subkey that can also sign: not encryption-only.
    crypto::Certificate signing = cert;
    signing.subkeys[0].key_flags |= crypto::kFlagSign;
    CHECK(reason_at(signing) == MixKeyReason::SigningSubkey);
    auto profile = check_mix_key(signing);
    REQUIRE_FALSE(profile);
    CHECK(profile.error().reason == MixKeyReason::SigningSubkey);

    // Issue 11, Low 6: an encryption subkey that never expires.
    crypto::Certificate forever = cert;
    forever.subkeys[0].expires.reset();
    CHECK(reason_at(forever) == MixKeyReason::NeverExpires);
    CHECK(check_mix_key(forever).error().reason == MixKeyReason::NeverExpires);

    crypto::Certificate revoked = cert;
    revoked.revoked = true;
    CHECK(reason_at(revoked) == MixKeyReason::KeyRevoked);
    CHECK(reason_at(cert, from_unix(kKeysCreated - kHour)) == MixKeyReason::KeyExpired);

    // A signing subkey that expired long ago is skipped by the check at `now`.
    crypto::Certificate old_signing = cert;
    crypto::Subkey old = cert.subkeys[0];
    old.key_flags = crypto::kFlagSign;
    old.expires = static_cast<crypto::Timestamp>(kKeysCreated + kHour);
    old_signing.subkeys.push_back(old);
    CHECK(check_mix_key(old_signing, kNow));
}

TEST_CASE("mix key: a bad self-signature is refused as such", "[core][mix_key]") {
    const crypto::Certificate cert = node_cert(5);
    Bytes binary = crypto::serialize(cert);
    // Change one letter of the user ID: its self-signature no longer verifies.
    const std::string uid = cert.user_ids.front().text;
    const std::string_view text = as_chars(binary);
    const auto at = text.find(uid);
    REQUIRE(at != std::string_view::npos);
    binary[at] = static_cast<std::uint8_t>(binary[at] ^ 0x01);
    const std::string armored = crypto::armor_encode(binary, crypto::kLabelPublicKey);
    auto checked = only_result(armored, kNow);
    REQUIRE_FALSE(checked.result);
    CHECK(checked.result.error().reason == MixKeyReason::BadSelfSignature);

    auto garbage =
        only_result(crypto::armor_encode(as_bytes("no key"), crypto::kLabelPublicKey), kNow);
    REQUIRE_FALSE(garbage.result);
    CHECK(garbage.result.error().reason == MixKeyReason::Unreadable);
}

TEST_CASE("mix key: keys made by the real gpg in the Mixtasy format", "[core][mix_key][gpg]") {
    if (!require_gpg()) return;
    mixtasy::testing::TempDir dir("mixtasy-mixkey");
    GpgHome gpg(dir.path() / "g");
    const std::string good = gpg.make_mix_key(
        "Gpg mix (mixtasy-mode:middleman,exitpublic) "
        "<mixtasy@gpg.example>");
    auto accepted = only_result(gpg.export_armored(good), real_now());
    INFO((accepted.result ? std::string() : describe(accepted.result.error())));
    REQUIRE(accepted.result);
    CHECK(accepted.result->address == "mixtasy@gpg.example");
    CHECK(accepted.result->fingerprint == good);
    CHECK(accepted.result->modes.exitpublic);

    const std::string forever =
        gpg.make_mix_key("Forever (mixtasy-mode:middleman) <mixtasy@forever.example>", "never");
    CHECK(only_result(gpg.export_armored(forever), real_now()).result.error().reason ==
          MixKeyReason::NeverExpires);

    const std::string plain = gpg.make_mix_key("Plain <mixtasy@plain.example>");
    CHECK(only_result(gpg.export_armored(plain), real_now()).result.error().reason ==
          MixKeyReason::NoModes);

    const std::string two = gpg.make_mix_key("Two (mixtasy-mode:middleman) <mixtasy@two.example>");
    gpg.run("--quick-add-uid " + two + " 'Second <second@two.example>'");
    CHECK(only_result(gpg.export_armored(two), real_now()).result.error().reason ==
          MixKeyReason::UserIdCount);

    // gpg's own default: a signing subkey is added beside the encryption one.
    const std::string sig = gpg.make_mix_key("Sig (mixtasy-mode:middleman) <mixtasy@sig.example>");
    gpg.run("--quick-add-key " + sig + " ed25519 sign 2d");
    CHECK(only_result(gpg.export_armored(sig), real_now()).result.error().reason ==
          MixKeyReason::SigningSubkey);
}
