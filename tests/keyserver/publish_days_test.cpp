// SPDX-License-Identifier: BSD-2-Clause
// publish_days_test.cpp - five days of a node on a manual clock: the
// daemon's upkeep every 10 minutes (rotate_subkeys), the Publisher after
// each upkeep, a real HKP server and a WKD tree.  Each new subkey (at the
// previous one's half-life, seed 000 6.3.1) must be on the keyserver and
// in the tree within 15 minutes of its creation, and a sender who refreshes
// from the keyserver once a day must hold a subkey valid for the next 12
// hours after each refresh (issue 12).
#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>

#include "core/keys/key_rotation.h"
#include "core/keys/mix_key.h"
#include "core/keys/node_key.h"
#include "core/ports/random.h"
#include "core/publish/curl_http.h"
#include "core/publish/hkp_key_source.h"
#include "core/publish/publisher.h"
#include "core/publish/wkd.h"
#include "crypto/key_io.h"
#include "tests/keyserver/keyserver_fixture.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

constexpr std::int64_t kMinute = 60;
constexpr std::int64_t kDay = 24 * 3600;

std::int64_t real_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool holds_subkey(const crypto::Certificate& cert, const crypto::Fingerprint& fpr) {
    for (const auto& s : cert.subkeys)
        if (s.key.fingerprint == fpr) return true;
    return false;
}

std::optional<crypto::Certificate> from_keyserver(HttpClient& http, const HkpServer& server) {
    HkpKeySource source(http, server);
    auto keys = source.fetch_all();
    if (!keys || keys->size() != 1) return std::nullopt;
    auto cert = crypto::read_certificate(as_bytes((*keys)[0].armored));
    if (!cert || !check_mix_key(*cert)) return std::nullopt;
    return std::move(*cert);
}

std::optional<crypto::Certificate> from_wkd(const std::filesystem::path& root) {
    std::ifstream in(root / ".well-known/openpgpkey/mix1.test/hu" / wkd_hash("mixtasy"),
                     std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    auto cert = crypto::read_certificate(as_bytes(bytes));
    if (!cert) return std::nullopt;
    return std::move(*cert);
}

}  // namespace

TEST_CASE("five days: every subkey published by HKP and WKD within 15 minutes",
          "[keyserver][publish]") {
    if (std::system("command -v gpg >/dev/null 2>&1") != 0) {
        if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true")
            FAIL("gpg missing under CI");
        WARN("gpg missing: skipped");
        return;
    }
    testing::TestKeyserver keyserver;
    REQUIRE(keyserver.running());
    testing::TempDir www("publish-days");
    auto hkp = parse_hkp_server(keyserver.url());
    REQUIRE(hkp);
    CurlHttpClient http;
    // In the past: the server's gpg refuses keys from the future.
    const std::int64_t start = real_now() - 6 * kDay;
    ManualClock clock(from_unix(start));
    DeterministicRandom random(5);
    NodeKeyParams params;
    params.address = "mixtasy@mix1.test";
    params.created = static_cast<crypto::Timestamp>(start);
    auto key = generate_node_key(params, random);
    REQUIRE(key);
    Publisher publisher(http, clock, PublishConfig{{*hkp}, www.path().string()});

    std::size_t subkeys_seen = 0;
    std::optional<crypto::Certificate> sender;  // what a daily-refreshing sender holds
    for (std::int64_t t = start; t <= start + 5 * kDay; t += 10 * kMinute) {
        clock.set(from_unix(t));
        auto r = rotate_subkeys(*key, clock.now(), kDefaultSubkeyValidity, random);
        REQUIRE(r);
        publisher.certificate_changed(key->cert);
        publisher.run_due();
        const crypto::Subkey& newest = key->cert.subkeys.back();
        if (t - static_cast<std::int64_t>(newest.key.created) <= 15 * kMinute &&
            (r->added > 0 || t == start)) {
            // Created at most 15 minutes ago: it must be out already.
            auto served = from_keyserver(http, *hkp);
            REQUIRE(served);
            CHECK(holds_subkey(*served, newest.key.fingerprint));
            auto tree = from_wkd(www.path());
            REQUIRE(tree);
            CHECK(holds_subkey(*tree, newest.key.fingerprint));
            ++subkeys_seen;
        }
        if ((t - start) % kDay == 7 * 3600) {  // the sender's daily refresh, at 07:00
            sender = from_keyserver(http, *hkp);
            REQUIRE(sender);
            const auto in_12h =
                std::chrono::system_clock::time_point(std::chrono::seconds(t + 12 * 3600));
            CHECK(!crypto::valid_encryption_subkeys(*sender, in_12h).empty());
        }
    }
    CHECK(subkeys_seen == 6);  // the first one and five successors
}
