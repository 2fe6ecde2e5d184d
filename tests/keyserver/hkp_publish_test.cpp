// SPDX-License-Identifier: BSD-2-Clause
// hkp_publish_test.cpp - publication to a real HKP server on loopback
// (label e2e: run under the shared lock).  The node key goes up with
// hkp_upload over libcurl and comes back through HkpKeySource as a valid
// mix key; 72 daily rotations, each uploaded, accumulate on the server
// (it merges, never deletes) and the key read back is still a valid mix key
// whose newest subkey is the one senders use (issue 12).
#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/keys/key_rotation.h"
#include "core/keys/mix_key.h"
#include "core/keys/node_key.h"
#include "core/ports/random.h"
#include "core/publish/curl_http.h"
#include "core/publish/hkp.h"
#include "core/publish/hkp_key_source.h"
#include "crypto/armor.h"
#include "crypto/key_io.h"
#include "crypto/packet.h"
#include "tests/keyserver/keyserver_fixture.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

constexpr std::int64_t kDay = 24 * 3600;

// gpg on the server refuses keys from the future: the fake clock runs in
// the past, ending before the real now.
std::int64_t real_now() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

bool have(const char* tool) {
    const std::string cmd = std::string("command -v ") + tool + " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) == 0) return true;
    if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true")
        FAIL(std::string(tool) + " missing under CI");
    WARN(std::string(tool) + " missing: skipped");
    return false;
}

crypto::SecretCertificate node_key(std::int64_t created, Random& random) {
    NodeKeyParams params;
    params.address = "mixtasy@mix1.test";
    params.modes = {"middleman", "exitpublic"};
    params.created = static_cast<crypto::Timestamp>(created);
    auto key = generate_node_key(params, random);
    REQUIRE(key);
    return std::move(*key);
}

std::size_t subkey_packets(const std::string& armored) {
    auto binary = crypto::to_binary(as_bytes(armored));
    REQUIRE(binary);
    auto packets = crypto::read_packets(*binary);
    REQUIRE(packets);
    std::size_t n = 0;
    for (const auto& p : *packets) n += p.tag == crypto::Tag::PublicSubkey;
    return n;
}

MixKey fetch_one(HttpClient& http, const HkpServer& server) {
    HkpKeySource source(http, server);
    auto keys = source.fetch_all();
    if (!keys) FAIL(keys.error().detail);
    REQUIRE(keys->size() == 1);
    auto cert = crypto::read_certificate(as_bytes((*keys)[0].armored));
    if (!cert) FAIL(cert.error().detail);
    auto mix = check_mix_key(*cert);
    if (!mix) FAIL(describe(mix.error()));
    return std::move(*mix);
}

}  // namespace

TEST_CASE("hkp: the node key goes up and comes back as a valid mix key", "[keyserver]") {
    if (!have("gpg")) return;
    testing::TestKeyserver server;
    REQUIRE(server.running());
    DeterministicRandom random(12);
    const auto key = node_key(real_now() - kDay, random);
    CurlHttpClient http;
    auto hkp = parse_hkp_server(server.url());
    REQUIRE(hkp);
    auto up = hkp_upload(http, *hkp, crypto::export_public(key.cert));
    if (!up) FAIL(up.error().detail);
    const MixKey mix = fetch_one(http, *hkp);
    CHECK(mix.address == "mixtasy@mix1.test");
    CHECK(mix.cert.fingerprint() == key.cert.fingerprint());
    CHECK(mix.modes.exitpublic);
}

TEST_CASE("hkp: 72 daily rotations accumulate on the keyserver and the key stays valid",
          "[keyserver]") {
    if (!have("gpg")) return;
    testing::TestKeyserver server;
    REQUIRE(server.running());
    DeterministicRandom random(70);
    const std::int64_t start = real_now() - 80 * kDay;
    auto key = node_key(start, random);
    CurlHttpClient http;
    auto hkp = parse_hkp_server(server.url());
    REQUIRE(hkp);
    constexpr int kRotations = 72;
    std::int64_t t = start;
    for (int d = 1; d <= kRotations; ++d) {
        t = start + d * kDay;  // each subkey's half-life: a successor
        auto r = rotate_subkeys(key, from_unix(t), kDefaultSubkeyValidity, random);
        if (!r) FAIL(describe(r.error()));
        REQUIRE(r->added == 1);
        auto up = hkp_upload(http, *hkp, crypto::export_public(key.cert));
        if (!up) FAIL(up.error().detail);
    }
    CHECK(key.cert.subkeys.size() <= 2);  // the node itself keeps only the live ones
    auto served = hkp_get(http, *hkp, crypto::to_hex(key.cert.fingerprint()));
    REQUIRE(served);
    CHECK(subkey_packets(*served) == kRotations + 1);  // the server kept them all

    const MixKey mix = fetch_one(http, *hkp);
    const auto valid = crypto::valid_encryption_subkeys(
        mix.cert, std::chrono::system_clock::time_point(std::chrono::seconds(t + 60)));
    REQUIRE(!valid.empty());
    CHECK(valid.front()->key.fingerprint == key.cert.subkeys.back().key.fingerprint);
}
