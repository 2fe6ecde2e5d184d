// SPDX-License-Identifier: BSD-2-Clause
// hkp_client_test.cpp - the HKP client (core/publish/hkp.h) and the
// keyserver KeySource (hkp_key_source.h) against a scripted HttpClient:
// the URLs and forms they send, and what each answer becomes.
#include <catch2/catch.hpp>

#include "core/publish/hkp.h"
#include "core/publish/hkp_key_source.h"
#include "tests/unit/core/publish_fake_http.h"

using namespace mixtasy::core;
using mixtasy::core::testing::FakeHttp;

namespace {

const std::string kBlock =
    "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nxjMEZ...\n-----END PGP PUBLIC KEY BLOCK-----\n";

HkpServer server(const std::string& url) {
    auto s = parse_hkp_server(url);
    REQUIRE(s);
    return *s;
}

}  // namespace

TEST_CASE("hkp server URLs: schemes, default ports, refusals", "[core][hkp]") {
    CHECK(server("hkp://keys.example").base == "http://keys.example:11371");
    CHECK(server("hkp://Keys.Example:8080/").base == "http://keys.example:8080");
    CHECK(server("hkps://keys.example").base == "https://keys.example");
    CHECK(server("https://keys.example:8443").base == "https://keys.example:8443");
    CHECK(server("hkp://127.0.0.1:11371").base == "http://127.0.0.1:11371");
    CHECK(server("hkp://[::1]").base == "http://[::1]:11371");
    for (const char* bad :
         {"ldap://keys.example", "hkp://", "hkp://keys.example/pks", "hkp://user@keys.example",
          "hkp://keys.example:0", "hkp://keys.example:99999", "hkp://keys.exa mple",
          "hkp://keys.example?x=1"}) {
        auto s = parse_hkp_server(bad);
        REQUIRE(!s);
        CHECK(s.error().code == HkpError::Code::BadUrl);
        CHECK(!s.error().temporary());
    }
    CHECK(!parse_hkp_server("hkp://" + std::string(300, 'a')));
}

TEST_CASE("hkp upload posts keytext to /pks/add", "[core][hkp]") {
    FakeHttp http;
    const HkpServer s = server("hkp://keys.example");
    http.responses["http://keys.example:11371/pks/add"] = {200, "ok"};
    REQUIRE(hkp_upload(http, s, kBlock));
    REQUIRE(http.requests.size() == 1);
    CHECK(http.requests[0].method == "POST");
    REQUIRE(http.requests[0].fields.size() == 1);
    CHECK(http.requests[0].fields[0].first == "keytext");
    CHECK(http.requests[0].fields[0].second == kBlock);

    http.responses["http://keys.example:11371/pks/add"] = {503, "busy"};
    auto busy = hkp_upload(http, s, kBlock);
    REQUIRE(!busy);
    CHECK(busy.error().code == HkpError::Code::Status);
    CHECK(busy.error().temporary());
    http.responses["http://keys.example:11371/pks/add"] = {400, "bad key"};
    auto bad = hkp_upload(http, s, kBlock);
    REQUIRE(!bad);
    CHECK(!bad.error().temporary());
    http.errors["http://keys.example:11371/pks/add"] = {HttpError::Code::Unreachable, "refused"};
    auto down = hkp_upload(http, s, kBlock);
    REQUIRE(!down);
    CHECK(down.error().code == HkpError::Code::Transport);
    CHECK(down.error().temporary());
}

TEST_CASE("hkp search asks for the mr index, %-encoded; 404 is nothing found", "[core][hkp]") {
    FakeHttp http;
    const HkpServer s = server("hkps://keys.example");
    const std::string url = "https://keys.example/pks/lookup?op=index&options=mr&search=mixtasy%40";
    http.responses[url] = {200,
                           "info:1:1\npub:00112233445566778899AABBCCDDEEFF00112233:22:255:1::\n"};
    auto found = hkp_search(http, s, "mixtasy@");
    REQUIRE(found);
    REQUIRE(found->size() == 1);
    CHECK(http.requests.back().url == url);
    auto injected = hkp_search(http, s, "a&op=get");
    REQUIRE(injected);  // the fallback 404: nothing found
    CHECK(injected->empty());
    CHECK(http.requests.back().url.find("search=a%26op%3Dget") != std::string::npos);
    http.responses[url] = {200, "info:7:0\n"};
    auto bad = hkp_search(http, s, "mixtasy@");
    REQUIRE(!bad);
    CHECK(bad.error().code == HkpError::Code::BadResponse);
}

TEST_CASE("hkp get wants a key block", "[core][hkp]") {
    FakeHttp http;
    const HkpServer s = server("hkp://keys.example");
    const std::string url = "http://keys.example:11371/pks/lookup?op=get&options=mr&search=0xAABB";
    http.responses[url] = {200, kBlock};
    auto key = hkp_get(http, s, "AABB");
    REQUIRE(key);
    CHECK(*key == kBlock);
    http.responses[url] = {200, "<html>no</html>"};
    auto html = hkp_get(http, s, "AABB");
    REQUIRE(!html);
    CHECK(html.error().code == HkpError::Code::BadResponse);
}

TEST_CASE("the keyserver KeySource fetches every key the search found", "[core][hkp]") {
    FakeHttp http;
    const HkpServer s = server("hkp://keys.example");
    const std::string base = "http://keys.example:11371/pks/lookup?op=";
    http.responses[base + "index&options=mr&search=mixtasy%40"] = {
        200,
        "pub:00000000000000AA:22:255:1::\npub:00000000000000BB:22:255:1::r\n"
        "pub:00000000000000CC:22:255:1::\n"};
    http.responses[base + "get&options=mr&search=0x00000000000000AA"] = {200, kBlock + "A"};
    http.responses[base + "get&options=mr&search=0x00000000000000BB"] = {200, kBlock + "B"};
    // CC: listed but gone (the fallback 404): skipped.
    HkpKeySource source(http, s);
    CHECK(source.origin() == KeyOrigin::Keyserver);
    CHECK(source.where() == "hkp://keys.example");
    auto keys = source.fetch_all();
    REQUIRE(keys);
    REQUIRE(keys->size() == 2);
    CHECK((*keys)[0].armored == kBlock + "A");
    CHECK((*keys)[1].armored == kBlock + "B");  // revoked in the index: fetched, judged later
    CHECK(http.requests.size() == 4);

    http.errors[base + "get&options=mr&search=0x00000000000000BB"] = {HttpError::Code::Timeout,
                                                                      "slow"};
    auto failed = source.fetch_all();
    REQUIRE(!failed);
    CHECK(failed.error().temporary);

    HkpKeySource limited(http, s, kMixAddressSearch, 2);
    auto too_many = limited.fetch_all();
    REQUIRE(!too_many);
    CHECK(!too_many.error().temporary);
}
