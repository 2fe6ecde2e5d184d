// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/sender/ranking.h and crypto's verify_certification
// (seed 000 6.3.3): ranking keys made by the real gpg certify mix keys made
// by gpg in the Mixtasy format (gpg --quick-sign-key); a mix's rank is the
// number of trusted ranking keys whose certification verifies.
#include "core/sender/ranking.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/keys/keyring.h"
#include "core/sender/directory.h"
#include "crypto/armor.h"
#include "crypto/key.h"
#include "crypto/key_io.h"
#include "mix_key_gpg.h"
#include "tests/unit/temp_dir.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::unit;

namespace {

crypto::Certificate cert_of(const std::string& armored) {
    auto binary = crypto::to_binary(as_bytes(armored));
    REQUIRE(binary);
    auto certs = crypto::parse_certificates(*binary);
    REQUIRE(certs);
    REQUIRE(certs->size() == 1);
    return certs->front();
}

std::string mix_uid(int i) {
    return "Mix " + std::to_string(i) + " (mixtasy-mode:middleman,exitpublic) <mixtasy@m" +
           std::to_string(i) + ".test>";
}

// Three gpg-made mixes; ranker A certifies m1 and m2, ranker B (RSA, so
// both signature algorithms are verified) certifies m1 only; ranker C
// certifies nothing.
struct RankedNet {
    mixtasy::testing::TempDir dir{"mixtasy-ranking"};
    GpgHome gpg{dir.path() / "gnupg"};
    std::string m[3], a, b, c;

    RankedNet() {
        for (int i = 0; i < 3; ++i) m[i] = gpg.make_mix_key(mix_uid(i + 1));
        gpg.run("--quick-gen-key 'Ranker A <a@rank.test>' ed25519 cert never");
        gpg.run("--quick-gen-key 'Ranker B <b@rank.test>' rsa2048 cert never");
        gpg.run("--quick-gen-key 'Ranker C <c@rank.test>' ed25519 cert never");
        a = gpg.fingerprint_of("Ranker A <a@rank.test>");
        b = gpg.fingerprint_of("Ranker B <b@rank.test>");
        c = gpg.fingerprint_of("Ranker C <c@rank.test>");
        gpg.run("-u " + a + " --quick-sign-key " + m[0]);
        gpg.run("-u " + a + " --quick-sign-key " + m[1]);
        gpg.run("-u " + b + " --quick-sign-key " + m[0]);
    }
    crypto::Certificate mix(int i) const { return cert_of(gpg.export_armored(m[i])); }
    std::vector<crypto::Certificate> rankers() const {
        return {cert_of(gpg.export_armored(a)), cert_of(gpg.export_armored(b)),
                cert_of(gpg.export_armored(c))};
    }
};

}  // namespace

TEST_CASE("ranking: a mix counts the trusted ranking keys that certify it", "[core][ranking]") {
    if (!require_gpg()) return;
    RankedNet net;
    const auto rankers = net.rankers();
    const Instant now = real_now();
    CHECK(mix_rank(net.mix(0), rankers, now) == 2);
    CHECK(mix_rank(net.mix(1), rankers, now) == 1);
    CHECK(mix_rank(net.mix(2), rankers, now) == 0);
    // Only trusted keys count: without A, m2 has no rank.
    const std::vector<crypto::Certificate> only_b = {rankers[1]};
    CHECK(mix_rank(net.mix(1), only_b, now) == 0);
    CHECK(mix_rank(net.mix(0), only_b, now) == 1);
    // The same ranking key listed twice counts once.
    const std::vector<crypto::Certificate> twice = {rankers[0], rankers[0]};
    CHECK(mix_rank(net.mix(0), twice, now) == 1);
    // Certifications made later than `now` do not count yet.
    CHECK(mix_rank(net.mix(0), rankers, from_unix(1'000'000'000)) == 0);
}

TEST_CASE("ranking: a copied or altered certification counts nothing", "[core][ranking]") {
    if (!require_gpg()) return;
    RankedNet net;
    const auto rankers = net.rankers();
    const Instant now = real_now();
    // A's certification of m1 put on m3's user ID: it names A as issuer,
    // but it does not verify over m3's key and user ID.
    crypto::Certificate m1 = net.mix(0);
    crypto::Certificate m3 = net.mix(2);
    REQUIRE(m1.user_ids.front().certifications.size() == 2);
    for (const auto& sig : m1.user_ids.front().certifications)
        m3.user_ids.front().certifications.push_back(sig);
    CHECK(mix_rank(m3, rankers, now) == 0);
    // A flipped bit in the signature's MPI.
    crypto::Certificate broken = net.mix(1);
    REQUIRE(broken.user_ids.front().certifications.size() == 1);
    broken.user_ids.front().certifications.front().mpis.back().back() ^= 1;
    CHECK(mix_rank(broken, rankers, now) == 0);
}

TEST_CASE("ranking: a revoked certification no longer counts", "[core][ranking]") {
    if (!require_gpg()) return;
    RankedNet net;
    const auto rankers = net.rankers();
    // gpg dates the revocation in the same second as the certification at
    // the earliest; a revocation at or after it withdraws it.
    net.gpg.run("--quick-revoke-sig " + net.m[1] + " " + net.a);
    CHECK(mix_rank(net.mix(1), rankers, real_now()) == 0);
    CHECK(mix_rank(net.mix(0), rankers, real_now()) == 2);
}

TEST_CASE("ranking: certifications survive the directory's serialize", "[core][ranking]") {
    if (!require_gpg()) return;
    RankedNet net;
    const auto rankers = net.rankers();
    const Instant now = real_now();
    std::string armored;
    for (int i = 0; i < 3; ++i) armored += crypto::export_public(net.mix(i));
    const KeyRing ring = KeyRing::parse(armored);
    REQUIRE(ring.size() == 3);
    CHECK(mix_rank(ring.find("mixtasy@m1.test")->cert, rankers, now) == 2);

    RankPolicy policy{rankers, 2};
    const KeyRing two = ranked(ring, policy, now);
    CHECK(two.addresses() == std::vector<std::string>{"mixtasy@m1.test"});
    policy.min_rank = 1;
    CHECK(ranked(ring, policy, now).size() == 2);
    policy.min_rank = 0;
    CHECK(ranked(ring, policy, now).size() == 3);
}

TEST_CASE("ranking: ranking key files are read with the file named on failure", "[core][ranking]") {
    if (!require_gpg()) return;
    RankedNet net;
    const auto file = net.dir.path() / "rankers.asc";
    {
        std::FILE* f = std::fopen(file.c_str(), "w");
        REQUIRE(f != nullptr);
        const std::string keys = net.gpg.run("--armor --export " + net.a + " " + net.b);
        std::fwrite(keys.data(), 1, keys.size(), f);
        std::fclose(f);
    }
    const std::vector<std::string> files = {file.string()};
    auto keys = read_ranking_keys(files);
    REQUIRE(keys);
    CHECK(keys->size() == 2);
    const std::vector<std::string> missing = {(net.dir.path() / "none.asc").string()};
    auto none = read_ranking_keys(missing);
    REQUIRE_FALSE(none);
    CHECK(none.error().detail.find("none.asc") != std::string::npos);
}

TEST_CASE("ranking: the directory keeps certifications that a keyserver copy brings",
          "[core][ranking]") {
    if (!require_gpg()) return;
    RankedNet net;
    const auto rankers = net.rankers();
    const Instant now = real_now();
    const auto path = net.dir.path() / "directory";
    auto d = Directory::load(path);
    REQUIRE(d);
    // The mix's own WKD serves its key without certifications; the
    // keyserver's copy carries them.  WKD stays the pinned origin, the
    // certifications are merged in.
    crypto::Certificate bare = net.mix(0);
    bare.user_ids.front().certifications.clear();
    d->import(FetchedKey{KeyOrigin::Wkd, "wkd:m1.test", crypto::export_public(bare)}, now);
    CHECK(mix_rank(d->usable(now).find("mixtasy@m1.test")->cert, rankers, now) == 0);
    d->import(
        FetchedKey{KeyOrigin::Keyserver, "hkps://keys.test", net.gpg.export_armored(net.m[0])},
        now);
    CHECK(d->entries().front().pinned.origin == KeyOrigin::Wkd);
    CHECK(mix_rank(d->usable(now).find("mixtasy@m1.test")->cert, rankers, now) == 2);
    REQUIRE(d->save());
    auto again = Directory::load(path);
    REQUIRE(again);
    CHECK(mix_rank(again->usable(now).find("mixtasy@m1.test")->cert, rankers, now) == 2);
}
