// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/keys/keyring.h and core/keys/mix_key.h on their own: what
// a ring reads from concatenated armored keys, what it rejects and why, and
// what check_mix_key accepts in a certificate (seed 000 6.3).
#include "core/keys/keyring.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/format/layer.h"
#include "core/keys/mix_key.h"
#include "core/keys/node_key.h"
#include "crypto/armor.h"
#include "crypto/keygen.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::unit;

namespace {

constexpr std::int64_t kDay = 24 * 3600;

Instant at(std::int64_t unix) { return from_unix(unix); }

bool starts_with(const std::string& s, const std::string& prefix) {
    return s.rfind(prefix, 0) == 0;
}

// A certificate whose only user ID reads `uid`.  check_mix_key looks at the
// text alone (the self-signature was verified when the key was parsed).
crypto::Certificate with_user_id(const crypto::Certificate& cert, const std::string& uid) {
    crypto::Certificate out = cert;
    REQUIRE(out.user_ids.size() == 1);
    out.user_ids.front().text = uid;
    return out;
}

MixKeyReason check_reason(const crypto::Certificate& cert) {
    auto key = check_mix_key(cert);
    REQUIRE_FALSE(key);
    return key.error().reason;
}

}  // namespace

TEST_CASE("keyring: concatenated armored keys are read in order", "[core][keyring]") {
    UnitMixes mixes(3);
    KeyRing ring = KeyRing::parse(mixes.armored);
    CHECK(ring.size() == 3);
    CHECK(ring.rejected().empty());
    CHECK(ring.addresses() ==
          std::vector<std::string>{mix_address(0), mix_address(1), mix_address(2)});
    // Text around and between the blocks is not a key and not a rejection.
    std::string noisy = "Known mixes, as of today:\n\n";
    for (const auto& [address, key] : mixes.keys) {
        noisy += "# " + address + "\r\n" + crypto::export_public(key.cert) + "\r\n";
    }
    KeyRing again = KeyRing::parse(noisy + "that is all\n");
    CHECK(again.addresses() == ring.addresses());
    CHECK(again.rejected().empty());
    CHECK(KeyRing::parse("").size() == 0);
    CHECK(KeyRing::parse("no keys here").rejected().empty());
}

TEST_CASE("keyring: each rejected block or key has its reason, the rest is kept",
          "[core][keyring]") {
    UnitMixes mixes(2);
    DeterministicRandom random{11};
    const crypto::SecretCertificate relay = make_mix_key("relay@n9.example", {"middleman"}, random);
    const std::string broken_armor =
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\n!!!! not base64 !!!!\n"
        "-----END PGP PUBLIC KEY BLOCK-----\n";
    const std::string not_a_key =
        crypto::armor_encode(as_bytes("just some bytes"), crypto::kLabelPublicKey);

    KeyRing ring = KeyRing::parse(crypto::export_public(mixes.keys[0].second.cert) + broken_armor +
                                  crypto::export_public(relay.cert) + not_a_key +
                                  crypto::export_public(mixes.keys[1].second.cert));
    CHECK(ring.addresses() == std::vector<std::string>{mix_address(0), mix_address(1)});
    REQUIRE(ring.rejected().size() == 3);
    CHECK(starts_with(ring.rejected()[0], "armor: "));
    // A key that decodes but is no mix key is named by its fingerprint.
    CHECK(ring.rejected()[1] ==
          crypto::to_hex(relay.cert.fingerprint()) +
              ": not-mix-address: address relay@n9.example is not mixtasy@fqdn");
    CHECK(starts_with(ring.rejected()[2], "key: "));
    CHECK(ring.find("relay@n9.example") == nullptr);
}

TEST_CASE("keyring: the first key for an address wins", "[core][keyring]") {
    UnitMixes mixes(1);
    DeterministicRandom random{12};
    const crypto::SecretCertificate second = make_mix_key(mix_address(0), {"exitpublic"}, random);
    KeyRing ring = KeyRing::parse(mixes.armored + crypto::export_public(second.cert));
    CHECK(ring.size() == 1);
    REQUIRE(ring.rejected().size() == 1);
    CHECK(ring.rejected()[0] == mix_address(0) + ": second key for a known address");
    const MixKey* kept = ring.find(mix_address(0));
    REQUIRE(kept != nullptr);
    CHECK(kept->cert.fingerprint() == mixes.keys[0].second.cert.fingerprint());
    CHECK(kept->modes.middleman);

    // add() replaces nothing either, whatever the case of the address.
    MixKey upper = *ring.find(mix_address(0));
    upper.address = "MIXTASY@N0.EXAMPLE";
    upper.modes = MixModes{false, true, false};
    ring.add(upper);
    CHECK(ring.size() == 1);
    CHECK(ring.rejected().size() == 2);
    CHECK(ring.find(mix_address(0))->modes.middleman);
}

TEST_CASE("keyring: addresses are found case-insensitively, and only whole", "[core][keyring]") {
    UnitMixes mixes(2);
    for (const char* spelling :
         {"mixtasy@n1.example", "MIXTASY@N1.EXAMPLE", "Mixtasy@n1.Example"}) {
        CAPTURE(spelling);
        const MixKey* key = mixes.ring.find(spelling);
        REQUIRE(key != nullptr);
        CHECK(key->address == mix_address(1));
    }
    CHECK(mixes.ring.find("mixtasy@n2.example") == nullptr);
    CHECK(mixes.ring.find("mixtasy@n1.exampl") == nullptr);
    CHECK(mixes.ring.find("") == nullptr);
    CHECK(mixes.ring.encryption_subkey("mixtasy@n2.example", mixes.now) == nullptr);
}

TEST_CASE("keyring: usable addresses are those with a valid subkey at that time",
          "[core][keyring]") {
    UnitMixes mixes(2);
    // n2's key is made a day after the others: not usable before that.
    DeterministicRandom random{13};
    const crypto::SecretCertificate late =
        make_mix_key(mix_address(2), {"middleman"}, random, kKeysCreated + kDay);
    KeyRing ring = KeyRing::parse(mixes.armored + crypto::export_public(late.cert));
    REQUIRE(ring.size() == 3);
    using List = std::vector<std::string>;
    CHECK(ring.usable_addresses(at(kEpoch)) == List{mix_address(0), mix_address(1)});
    CHECK(ring.usable_addresses(at(kEpoch + kDay)) ==
          List{mix_address(0), mix_address(1), mix_address(2)});
    CHECK(ring.usable_addresses(at(kKeysCreated + 2 * kDay + 1)) == List{mix_address(2)});
    CHECK(ring.usable_addresses(at(kKeysCreated + 4 * kDay)).empty());
    // addresses() does not look at the time
    CHECK(ring.addresses() == List{mix_address(0), mix_address(1), mix_address(2)});
    CHECK(ring.encryption_subkey(mix_address(2), at(kEpoch)) == nullptr);
    CHECK(ring.encryption_subkey(mix_address(2), at(kEpoch + kDay)) != nullptr);
}

TEST_CASE("keyring: the subkey to encrypt to is the newest valid one", "[core][keyring]") {
    DeterministicRandom random{14};
    crypto::SecretCertificate key = make_mix_key(mix_address(0), {"middleman"}, random);
    REQUIRE(crypto::add_encryption_subkey(
        key, static_cast<crypto::Timestamp>(kKeysCreated + kDay),
        static_cast<std::uint32_t>(kDefaultSubkeyValidity.count()), random));
    KeyRing ring = KeyRing::parse(crypto::export_public(key.cert));
    REQUIRE(ring.size() == 1);
    const crypto::Subkey* old_one = ring.encryption_subkey(mix_address(0), at(kEpoch));
    const crypto::Subkey* new_one = ring.encryption_subkey(mix_address(0), at(kEpoch + kDay));
    REQUIRE(old_one != nullptr);
    REQUIRE(new_one != nullptr);
    CHECK(old_one->key.fingerprint != new_one->key.fingerprint);
    CHECK(new_one->key.created == static_cast<crypto::Timestamp>(kKeysCreated + kDay));
    // the ring's choice is layer.h's current_subkey
    CHECK(current_subkey(ring.find(mix_address(0))->cert, at(kEpoch)) == old_one);
}

TEST_CASE("keyring: at most kMaxKeys keys", "[core][keyring]") {
    KeyRing ring;
    for (std::size_t i = 0; i <= KeyRing::kMaxKeys; ++i) {
        MixKey key;
        key.address = "mixtasy@k" + std::to_string(i) + ".example";
        ring.add(std::move(key));
    }
    CHECK(ring.size() == KeyRing::kMaxKeys);
    REQUIRE(ring.rejected().size() == 1);
    CHECK(ring.rejected()[0] == "mixtasy@k10000.example: too many keys");
}

TEST_CASE("mix key: one user ID with a plain mixtasy@ address and known modes", "[core][keyring]") {
    DeterministicRandom random{15};
    const crypto::SecretCertificate made =
        make_mix_key(mix_address(0), {"middleman", "exitprivate"}, random);
    auto key = check_mix_key(made.cert);
    REQUIRE(key);
    CHECK(key->address == mix_address(0));
    CHECK(key->modes.middleman);
    CHECK(key->modes.exitprivate);
    CHECK_FALSE(key->modes.exitpublic);
    CHECK(key->cert.fingerprint() == made.cert.fingerprint());

    // The address is kept lower-case; other comment features are ignored.
    auto upper = check_mix_key(
        with_user_id(made.cert, "Node (pgp mixtasy-mode:exitpublic) <MixTasy@N0.Example>"));
    REQUIRE(upper);
    CHECK(upper->address == "mixtasy@n0.example");
    CHECK_FALSE(upper->modes.middleman);
    CHECK(upper->modes.exitpublic);
}

TEST_CASE("mix key: each refusal has its reason", "[core][keyring]") {
    DeterministicRandom random{16};
    const crypto::Certificate cert = make_mix_key(mix_address(0), {"middleman"}, random).cert;

    crypto::Certificate none = cert;
    none.user_ids.clear();
    CHECK(check_reason(none) == MixKeyReason::UserIdCount);
    crypto::Certificate two = cert;
    two.user_ids.push_back(two.user_ids.front());
    CHECK(check_reason(two) == MixKeyReason::UserIdCount);

    CHECK(check_reason(with_user_id(cert, "Node (mixtasy-mode:middleman) mixtasy@n0.example")) ==
          MixKeyReason::NoAddress);
    CHECK(
        check_reason(with_user_id(cert, "Node (mixtasy-mode:middleman) <mixtasy@n0.example> x")) ==
        MixKeyReason::NoAddress);
    CHECK(check_reason(with_user_id(cert, "Node (mixtasy-mode:middleman) <mix tasy@n0.example>")) ==
          MixKeyReason::NoAddress);
    CHECK(check_reason(with_user_id(cert, "Node (mixtasy-mode:middleman) <relay@n0.example>")) ==
          MixKeyReason::NotMixAddress);
    CHECK(check_reason(with_user_id(cert, "Node <mixtasy@n0.example>")) == MixKeyReason::NoModes);
    CHECK(check_reason(with_user_id(cert, "Node (middleman) <mixtasy@n0.example>")) ==
          MixKeyReason::NoModes);
    CHECK(check_reason(
              with_user_id(cert, "Node (mixtasy-mode:middleman,relay) <mixtasy@n0.example>")) ==
          MixKeyReason::UnknownMode);
}
