// SPDX-License-Identifier: BSD-2-Clause
// wkd_test.cpp - the Web Key Directory (core/publish/wkd.h and
// wkd_key_source.h): z-base-32 and the hash against the draft's vector and
// against gpg-wks-client, both URL layouts, the tree writer, the KeySource.
#include "core/publish/wkd.h"

#include <catch2/catch.hpp>

#include <array>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <sys/stat.h>

#include "common/ascii.h"
#include "core/publish/wkd_key_source.h"
#include "tests/unit/core/publish_fake_http.h"
#include "tests/unit/temp_dir.h"

using namespace mixtasy;
using namespace mixtasy::core;
using mixtasy::core::testing::FakeHttp;
namespace fs = std::filesystem;

namespace {

std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// The first line of a command's output; empty if it did not run.
std::string output_of(const std::string& cmd) {
    std::unique_ptr<FILE, int (*)(FILE*)> pipe(::popen(cmd.c_str(), "r"), ::pclose);
    if (!pipe) return {};
    std::array<char, 512> buf{};
    std::string out;
    if (std::fgets(buf.data(), static_cast<int>(buf.size()), pipe.get())) out = buf.data();
    while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
    return out;
}

mode_t mode_of(const fs::path& p) {
    struct stat st {};
    REQUIRE(::stat(p.c_str(), &st) == 0);
    return st.st_mode & 0777;
}

Bytes bytes(const std::string& s) { return Bytes(s.begin(), s.end()); }

}  // namespace

TEST_CASE("z-base-32 and the WKD hash: the draft's vector", "[core][wkd]") {
    CHECK(zbase32({}) == "");
    const Bytes one{0x00};
    CHECK(zbase32(one) == "yy");
    const Bytes ff{0xff, 0xff};
    CHECK(zbase32(ff) == "999o");
    // draft-koch-openpgp-webkey-service 3.1: Joe.Doe@Example.ORG
    CHECK(wkd_hash("Joe.Doe") == "iy9q119eutrkn8s1mk4r39qejnbu3n5q");
    CHECK(wkd_hash("mixtasy") == "wt6m6zg1ek8b61mrkt7h1p4nbr7banmx");
}

TEST_CASE("WKD URLs: advanced and direct, the local part as given in l=", "[core][wkd]") {
    auto a = wkd_address("Joe.Doe@Example.ORG");
    REQUIRE(a);
    CHECK(a->domain == "example.org");
    const WkdUrls u = wkd_urls(*a);
    CHECK(u.advanced ==
          "https://openpgpkey.example.org/.well-known/openpgpkey/example.org/hu/"
          "iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe");
    CHECK(
        u.direct ==
        "https://example.org/.well-known/openpgpkey/hu/iy9q119eutrkn8s1mk4r39qejnbu3n5q?l=Joe.Doe");
    CHECK(!wkd_address("no-at-sign"));
    CHECK(!wkd_address(std::string(65, 'a') + "@example.org"));
    CHECK(!wkd_address("a b@example.org"));
}

TEST_CASE("WKD: gpg-wks-client computes the same hash and URL", "[core][wkd][interop]") {
    const std::string tool = "/usr/lib/gnupg/gpg-wks-client";
    if (!fs::exists(tool)) {
        if (const char* ci = std::getenv("CI"); ci && std::string(ci) == "true")
            FAIL("gpg-wks-client missing under CI");
        WARN("gpg-wks-client missing: skipped");
        return;
    }
    // gpg-wks-client prints the address lower-cased (also in l=); the hash
    // is of the lower-cased local part either way.
    for (const std::string addr : {"mixtasy@mix1.test", "Mixtasy@Mix2.Example"}) {
        const std::string hash = output_of(tool + " --print-wkd-hash '" + addr + "'");
        const auto a = wkd_address(ascii::lower(addr));
        REQUIRE(a);
        CHECK(hash == wkd_hash(a->local) + " " + ascii::lower(addr));
        CHECK(wkd_hash(wkd_address(addr)->local) == wkd_hash(a->local));
        const std::string url = output_of(tool + " --print-wkd-url '" + addr + "'");
        CHECK(url == wkd_urls(*a).advanced);
    }
}

TEST_CASE("WKD tree: both layouts with policy files, replaced whole", "[core][wkd]") {
    mixtasy::testing::TempDir dir("wkd-tree");
    const fs::path root = dir.path() / "www";
    REQUIRE(write_wkd_tree(root, {{"mixtasy@mix1.test", bytes("KEY-ONE")}}));
    const fs::path base = root / ".well-known/openpgpkey";
    const std::string hash = wkd_hash("mixtasy");
    CHECK(slurp(base / "hu" / hash) == "KEY-ONE");
    CHECK(slurp(base / "mix1.test/hu" / hash) == "KEY-ONE");
    CHECK(fs::exists(base / "policy"));
    CHECK(fs::exists(base / "mix1.test/policy"));
    CHECK(mode_of(base / "hu" / hash) == 0644);
    CHECK(mode_of(base / "mix1.test") == 0755);

    // The next rotation: the whole tree is the new one, nothing stale left.
    REQUIRE(write_wkd_tree(root, {{"mixtasy@mix2.test", bytes("KEY-TWO")}}));
    CHECK(slurp(base / "hu" / hash) == "KEY-TWO");
    CHECK(slurp(base / "mix2.test/hu" / hash) == "KEY-TWO");
    CHECK(!fs::exists(base / "mix1.test"));
    CHECK(!fs::exists(root / ".well-known/.openpgpkey.new"));

    auto bad = write_wkd_tree(root, {{"not an address", bytes("X")}});
    REQUIRE(!bad);
    CHECK(bad.error().code == WkdError::Code::BadAddress);
    CHECK(slurp(base / "hu" / hash) == "KEY-TWO");  // a refused tree leaves the old one
    CHECK(!fs::exists(root / ".well-known/.openpgpkey.new"));
}

TEST_CASE("WKD KeySource: advanced first, direct when advanced is absent", "[core][wkd]") {
    FakeHttp http;
    const auto urls = wkd_urls(*wkd_address("mixtasy@mix1.test"));
    WkdKeySource source(http, "mix1.test");
    CHECK(source.where() == "wkd:mix1.test");
    CHECK(source.origin() == KeyOrigin::Wkd);

    auto none = source.fetch_all();
    REQUIRE(none);
    CHECK(none->empty());
    REQUIRE(http.requests.size() == 2);
    CHECK(http.requests[0].url == urls.advanced);
    CHECK(http.requests[1].url == urls.direct);

    http.errors[urls.advanced] = {HttpError::Code::Unreachable, "no such host"};
    http.responses[urls.direct] = {200, std::string("\x98\x33\x04", 3)};
    auto direct = source.fetch_all();
    REQUIRE(direct);
    REQUIRE(direct->size() == 1);
    CHECK((*direct)[0].armored.find("-----BEGIN PGP PUBLIC KEY BLOCK-----") == 0);

    http.errors.clear();
    http.responses[urls.advanced] = {200, std::string("\x98\x33\x05", 3)};
    http.requests.clear();
    auto advanced = source.fetch_all();
    REQUIRE(advanced);
    CHECK(advanced->size() == 1);
    CHECK(http.requests.size() == 1);

    http.responses.erase(urls.advanced);
    http.responses[urls.direct] = {503, "busy"};
    auto busy = source.fetch_all();
    REQUIRE(!busy);
    CHECK(busy.error().temporary);
}
