// SPDX-License-Identifier: BSD-2-Clause
// mix_directory_refresh_test.cpp - the node's own view of the network
// (milter/mix_directory_refresh.h): what goes into mixes.asc from the key
// sources, pins, the own address, unreachable sources, and the config keys.
#include <catch2/catch.hpp>

#include <algorithm>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/keys/keyring.h"
#include "core/keys/node_key.h"
#include "core/ports/random.h"
#include "crypto/key_io.h"
#include "milter/config.h"
#include "milter/daemon.h"
#include "milter/mix_directory_refresh.h"
#include "tests/unit/temp_dir.h"

using namespace mixtasy;
using namespace mixtasy::milter;

namespace {

// A key source that offers what the test gives it, or fails.
class FakeSource final : public core::KeySource {
public:
    FakeSource(core::KeyOrigin origin, std::vector<std::string> armored, bool fails = false)
        : origin_(origin), armored_(std::move(armored)), fails_(fails) {}
    core::KeyOrigin origin() const override { return origin_; }
    std::string where() const override { return "fake:" + std::string(core::to_string(origin_)); }
    Expected<std::vector<core::FetchedKey>, core::KeySourceError> fetch_all() override {
        ++calls;
        if (fails_) return Unexpected{core::KeySourceError{"connection refused", true}};
        std::vector<core::FetchedKey> out;
        for (const auto& a : armored_) out.push_back({origin_, where(), a});
        return out;
    }
    int calls = 0;

private:
    core::KeyOrigin origin_;
    std::vector<std::string> armored_;
    bool fails_;
};

std::string mix_key(const std::string& address) {
    core::NodeKeyParams params;
    params.address = address;
    params.modes = {"middleman", "exitpublic"};
    params.created = static_cast<crypto::Timestamp>(::time(nullptr) - 3600);
    core::SystemRandom random;
    auto key = core::generate_node_key(params, random);
    REQUIRE(key);
    return crypto::export_public(key->cert);
}

std::string read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::vector<std::string> addresses(const std::string& path) {
    return core::KeyRing::parse(read(path)).addresses();
}

std::string fingerprint_of(const std::string& path, const std::string& address) {
    auto ring = core::KeyRing::parse(read(path));
    const core::MixKey* k = ring.find(address);
    REQUIRE(k != nullptr);
    return k->fingerprint;
}

Instant now() { return std::chrono::time_point_cast<std::chrono::seconds>(std::chrono::system_clock::now()); }

const std::string kOwn = "mixtasy@own.test";

}  // namespace

TEST_CASE("refresh writes every valid mix of every reachable source, never the node itself",
          "[milter][directory]") {
    testing::TempDir dir;
    const std::string file = dir.file("mixes.asc");
    FakeSource hkp(core::KeyOrigin::Keyserver,
                   {mix_key("mixtasy@a.test"), mix_key(kOwn), "not a key at all"});
    FakeSource wkd(core::KeyOrigin::Wkd, {mix_key("mixtasy@b.test")});
    FakeSource down(core::KeyOrigin::Keyserver, {}, true);
    auto report = refresh_known_mixes({&down, &wkd, &hkp}, file, kOwn, now());
    REQUIRE(report);
    CHECK(report->sources_reached == 2);
    CHECK(report->sources_failed == 1);
    CHECK(report->mixes == 2);
    CHECK(report->refused == 1);  // the own key; text without armor holds no key to refuse
    CHECK(addresses(file) == std::vector<std::string>{"mixtasy@a.test", "mixtasy@b.test"});
}

TEST_CASE("no source reached, or no mix offered: the known mixes and their age stay",
          "[milter][directory]") {
    testing::TempDir dir;
    const std::string file = dir.file("mixes.asc");
    FakeSource first(core::KeyOrigin::Keyserver, {mix_key("mixtasy@a.test")});
    REQUIRE(refresh_known_mixes({&first}, file, kOwn, now()));
    const std::string before = read(file);
    const auto old_time = std::filesystem::file_time_type::clock::now() - std::chrono::hours(30);
    std::filesystem::last_write_time(file, old_time);
    FakeSource down(core::KeyOrigin::Keyserver, {}, true);
    auto report = refresh_known_mixes({&down}, file, kOwn, now());
    CHECK(!report);
    CHECK(down.calls == 1);
    CHECK(read(file) == before);
    CHECK(std::filesystem::last_write_time(file) == old_time);  // stays visibly stale

    // Reached, but nothing valid offered (a keyserver before the first
    // upload answers 404: an empty list): a fresh empty view would refuse
    // every next hop, so the file stays too.
    const std::string never = dir.file("never-written.asc");
    FakeSource empty(core::KeyOrigin::Keyserver, {mix_key(kOwn)});
    CHECK(!refresh_known_mixes({&empty}, never, kOwn, now()));
    CHECK(!std::filesystem::exists(never));
}

TEST_CASE("a known mix is pinned: a keyserver's other key is refused, its WKD's replaces it",
          "[milter][directory]") {
    testing::TempDir dir;
    const std::string file = dir.file("mixes.asc");
    const std::string address = "mixtasy@a.test";
    FakeSource first(core::KeyOrigin::Keyserver, {mix_key(address), mix_key("mixtasy@c.test")});
    REQUIRE(refresh_known_mixes({&first}, file, kOwn, now()));
    const std::string pinned = fingerprint_of(file, address);

    const std::string impostor = mix_key(address);
    FakeSource keyserver(core::KeyOrigin::Keyserver, {impostor});
    auto report = refresh_known_mixes({&keyserver}, file, kOwn, now());
    REQUIRE(report);
    CHECK(report->refused == 1);
    CHECK(fingerprint_of(file, address) == pinned);
    // c.test was not offered this time and stays while its key is valid.
    CHECK(addresses(file) == std::vector<std::string>{address, "mixtasy@c.test"});

    FakeSource wkd(core::KeyOrigin::Wkd, {impostor});
    REQUIRE(refresh_known_mixes({&wkd}, file, kOwn, now()));
    CHECK(fingerprint_of(file, address) != pinned);
}

TEST_CASE("MixDomains and MixDirectoryRefresh: defaults, values, restart only",
          "[milter][directory][config]") {
    auto none = parse_config("");
    REQUIRE(none);
    CHECK(none->mix_domains.empty());
    CHECK(none->mix_directory_refresh == std::chrono::hours(1));

    auto some = parse_config("MixDomains Mix1.Test, mix2.test\nMixDirectoryRefresh 2s\n");
    REQUIRE(some);
    CHECK(some->mix_domains == std::vector<std::string>{"mix1.test", "mix2.test"});
    CHECK(some->mix_directory_refresh == std::chrono::seconds(2));
    auto off = parse_config("MixDirectoryRefresh 0\n");
    REQUIRE(off);
    CHECK(off->mix_directory_refresh == std::chrono::seconds(0));
    CHECK(!parse_config("MixDirectoryRefresh soon\n"));

    const auto changed = restart_only_changes(*none, *some);
    CHECK(std::find(changed.begin(), changed.end(), "MixDomains") != changed.end());
    CHECK(std::find(changed.begin(), changed.end(), "MixDirectoryRefresh") != changed.end());
}
