// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/sender/directory.h: the sender's directory of mixes on disk
// (pinning, pending keys, WKD over keyservers, staleness, the 12-hour
// subkey margin, its own files read as hostile input).
#include "core/sender/directory.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "core/format/layer.h"
#include "crypto/key_io.h"
#include "crypto/keygen.h"
#include "tests/unit/temp_dir.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::unit;

namespace {

constexpr std::int64_t kHour = 3600;
const Instant kNow = from_unix(kEpoch);

FetchedKey fetched(KeyOrigin origin, std::string where, std::string armored) {
    return FetchedKey{origin, std::move(where), std::move(armored)};
}

std::string armored_key(const std::string& address, std::uint64_t seed,
                        std::vector<std::string> modes = {"middleman", "exitpublic"}) {
    DeterministicRandom random{seed};
    return crypto::export_public(make_mix_key(address, modes, random).cert);
}

Directory reload(const Directory& d) {
    REQUIRE(d.save());
    auto again = Directory::load(d.path());
    REQUIRE(again);
    return std::move(*again);
}

void write(const std::filesystem::path& p, const std::string& text) {
    std::ofstream out(p, std::ios::binary);
    out << text;
}

}  // namespace

TEST_CASE("directory: keys are validated, pinned on first sight and kept on disk",
          "[core][directory]") {
    mixtasy::testing::TempDir tmp("mixtasy-dir");
    auto loaded = Directory::load(tmp.path() / "d");
    REQUIRE(loaded);
    Directory d = std::move(*loaded);
    CHECK(d.entries().empty());
    CHECK(d.stale(kNow));

    const std::string bad_uid = [] {
        DeterministicRandom random{9};
        crypto::KeyGenParams p;
        p.user_id = "No modes <mixtasy@bad.example>";
        p.created = kKeysCreated;
        p.subkey_validity = 2 * 24 * 3600;
        auto k = crypto::generate_key(p, random);
        REQUIRE(k);
        return crypto::export_public(k->cert);
    }();
    auto report =
        d.import(fetched(KeyOrigin::File, "mixes.asc",
                         armored_key(mix_address(0), 1) + armored_key(mix_address(1), 2) + bad_uid),
                 kNow);
    d.mark_updated(kNow);
    CHECK(report.added == 2);
    CHECK(report.rejected == 1);
    Directory again = reload(d);
    REQUIRE(again.entries().size() == 2);
    const DirectoryEntry& e = again.entries()[0];
    CHECK(e.address == mix_address(0));
    CHECK(e.pinned.origin == KeyOrigin::File);
    CHECK(e.pinned.where == "mixes.asc");
    CHECK(e.pinned.seen == kNow);
    CHECK(e.refreshed == kNow);
    REQUIRE(again.rejected().size() == 1);
    CHECK(again.rejected()[0].refusal.reason == MixKeyReason::NoModes);
    CHECK_FALSE(again.stale(kNow + std::chrono::hours(23)));
    CHECK(again.stale(kNow + std::chrono::hours(25)));
    KeyRing ring = again.usable(kNow);
    CHECK(ring.size() == 2);
    CHECK(ring.find("mixtasy@bad.example") == nullptr);
    // The directory and its files are the user's alone.
    const auto perms = std::filesystem::status(tmp.path() / "d").permissions();
    CHECK((perms & std::filesystem::perms::group_all) == std::filesystem::perms::none);
}

TEST_CASE("directory: a different key for a known address is pending until accepted",
          "[core][directory]") {
    mixtasy::testing::TempDir tmp("mixtasy-dir");
    Directory d = std::move(*Directory::load(tmp.path() / "d"));
    const std::string first = armored_key(mix_address(0), 1);
    const std::string other = armored_key(mix_address(0), 2);
    d.import(fetched(KeyOrigin::Keyserver, "hkps://keys.test", first), kNow);
    const std::string pinned = d.entries()[0].pinned.fingerprint;
    auto report = d.import(fetched(KeyOrigin::Keyserver, "hkps://other.test", other), kNow);
    CHECK(report.pending == 1);
    Directory again = reload(d);
    const DirectoryEntry& e = again.entries()[0];
    CHECK(e.pinned.fingerprint == pinned);
    REQUIRE(e.pending);
    CHECK(e.pending->fingerprint != pinned);
    // Used is the pinned key only.
    CHECK(crypto::to_hex(again.usable(kNow).find(mix_address(0))->cert.fingerprint()) == pinned);

    REQUIRE(again.accept("MIXTASY@n0.example", kNow));
    CHECK_FALSE(again.entries()[0].pending);
    Directory accepted = reload(again);
    CHECK(accepted.entries()[0].pinned.fingerprint != pinned);
    CHECK(crypto::to_hex(accepted.usable(kNow).find(mix_address(0))->cert.fingerprint()) ==
          accepted.entries()[0].pinned.fingerprint);
    CHECK(accepted.accept(mix_address(0), kNow).error().code == DirectoryError::Code::NotFound);
}

TEST_CASE("directory: the mix domain's WKD key outranks a keyserver's", "[core][directory]") {
    mixtasy::testing::TempDir tmp("mixtasy-dir");
    Directory d = std::move(*Directory::load(tmp.path() / "d"));
    const std::string planted = armored_key(mix_address(0), 1);
    const std::string real = armored_key(mix_address(0), 2);
    d.import(fetched(KeyOrigin::Keyserver, "hkps://keys.test", planted), kNow);
    auto report = d.import(fetched(KeyOrigin::Wkd, "wkd:n0.example", real), kNow);
    CHECK(report.replaced == 1);
    const DirectoryEntry& e = d.entries()[0];
    CHECK(e.pinned.origin == KeyOrigin::Wkd);
    // A keyserver copy of another key does not displace the WKD pin.
    report = d.import(fetched(KeyOrigin::Keyserver, "hkps://keys.test", planted), kNow);
    CHECK(report.pending == 1);
    CHECK(d.entries()[0].pinned.origin == KeyOrigin::Wkd);
    CHECK(d.entries()[0].pinned.fingerprint != d.entries()[0].pending->fingerprint);
}

TEST_CASE("directory: a subkey with less than 12 hours left is not used", "[core][directory]") {
    mixtasy::testing::TempDir tmp("mixtasy-dir");
    Directory d = std::move(*Directory::load(tmp.path() / "d"));
    d.import(fetched(KeyOrigin::File, "f", armored_key(mix_address(0), 1)), kNow);
    // Keys are made an hour before kNow and live two days.
    const Instant late = from_unix(kKeysCreated + 2 * 24 * kHour - 11 * kHour);
    CHECK(d.usable(late).size() == 0);
    CHECK(d.usable_key(d.entries()[0], late).error().reason == MixKeyReason::NoValidSubkey);
    CHECK(d.usable(late, std::chrono::hours(10)).size() == 1);
    CHECK(d.usable(kNow).size() == 1);

    // With the successor added at half-life the mix is usable again, and the
    // newest subkey is the one a message is encrypted to.
    DeterministicRandom random{1};
    crypto::SecretCertificate key =
        make_mix_key(mix_address(0), {"middleman", "exitpublic"}, random);
    REQUIRE(crypto::add_encryption_subkey(key, kKeysCreated + 24 * kHour, 2 * 24 * 3600, random));
    d.import(fetched(KeyOrigin::File, "f", crypto::export_public(key.cert)), late);
    KeyRing ring = d.usable(late);
    REQUIRE(ring.size() == 1);
    const crypto::Subkey* sub = ring.encryption_subkey(mix_address(0), late);
    REQUIRE(sub != nullptr);
    CHECK(sub->key.created == static_cast<crypto::Timestamp>(kKeysCreated + 24 * kHour));
}

TEST_CASE("directory: its own files are read as hostile input", "[core][directory]") {
    mixtasy::testing::TempDir tmp("mixtasy-dir");
    const auto dir = tmp.path() / "d";
    Directory d = std::move(*Directory::load(dir));
    d.import(fetched(KeyOrigin::File, "f", armored_key(mix_address(0), 1)), kNow);
    REQUIRE(d.save());
    auto corrupt = [&](const std::string& index) {
        write(dir / "index", index);
        auto loaded = Directory::load(dir);
        REQUIRE_FALSE(loaded);
        return loaded.error().code;
    };
    CHECK(corrupt("not a directory\n") == DirectoryError::Code::Corrupt);
    CHECK(corrupt("mixtasy-directory\t1\nbogus\tline\n") == DirectoryError::Code::Corrupt);
    CHECK(corrupt("mixtasy-directory\t1\nupdated\t-5\n") == DirectoryError::Code::Corrupt);
    CHECK(corrupt("mixtasy-directory\t1\nupdated\t1") == DirectoryError::Code::Corrupt);
    CHECK(corrupt("mixtasy-directory\t1\n" + std::string(5000, 'x') + "\n") ==
          DirectoryError::Code::Corrupt);
    // A pin whose key is not in keys.asc.
    CHECK(corrupt("mixtasy-directory\t1\nmix\tmixtasy@x.test\t" + std::string(40, 'A') +
                  "\tfile\t1\t1\tf\n") == DirectoryError::Code::Corrupt);
    CHECK(corrupt("mixtasy-directory\t1\npending\tmixtasy@x.test\t" + std::string(40, 'A') +
                  "\tfile\t1\tf\n") == DirectoryError::Code::Corrupt);
    // Oversized files are refused before they are read.
    write(dir / "index", std::string(2 * 1024 * 1024, '\n'));
    auto big = Directory::load(dir);
    REQUIRE_FALSE(big);
    CHECK(big.error().code == DirectoryError::Code::Io);
}
