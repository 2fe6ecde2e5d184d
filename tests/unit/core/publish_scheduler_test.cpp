// SPDX-License-Identifier: BSD-2-Clause
// publish_scheduler_test.cpp - core/publish/publisher.h against a scripted
// HttpClient and a manual clock: publish at a change, not again for the
// same certificate, back off on temporary failures, give up on permanent
// ones, one log line per outcome without key material.
#include <catch2/catch.hpp>

#include "core/keys/node_key.h"
#include "core/ports/random.h"
#include "core/publish/publisher.h"
#include "core/publish/wkd.h"
#include "crypto/key_io.h"
#include "tests/unit/core/core_test_support.h"
#include "tests/unit/core/publish_fake_http.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;

namespace {

constexpr std::int64_t kStart = 1700000000;
const std::string kAdd = "http://keys.example:11371/pks/add";

crypto::Certificate cert_of(std::uint64_t seed) {
    DeterministicRandom random(seed);
    return unit::make_mix_key("mixtasy@mix1.test", {"middleman"}, random, kStart).cert;
}

PublishConfig keyserver_only() {
    auto s = parse_hkp_server("hkp://keys.example");
    REQUIRE(s);
    return PublishConfig{{*s}, {}};
}

std::size_t posts(const FakeHttp& http) {
    std::size_t n = 0;
    for (const auto& r : http.requests) n += r.method == "POST";
    return n;
}

}  // namespace

TEST_CASE("publisher: once per certificate, again when it changes", "[core][publish]") {
    FakeHttp http;
    http.responses[kAdd] = {200, "ok"};
    ManualClock clock(from_unix(kStart));
    Publisher publisher(http, clock, keyserver_only());
    CHECK(publisher.run_due() == 0);  // nothing handed in yet
    CHECK(publisher.idle());
    const auto a = cert_of(1);
    publisher.certificate_changed(a);
    CHECK(publisher.next_due() == from_unix(kStart));
    CHECK(publisher.run_due() == 1);
    CHECK(posts(http) == 1);
    CHECK(publisher.idle());
    publisher.certificate_changed(a);  // the upkeep changed nothing
    CHECK(publisher.run_due() == 0);
    CHECK(posts(http) == 1);
    publisher.certificate_changed(cert_of(2));
    CHECK(publisher.run_due() == 1);
    CHECK(posts(http) == 2);
}

TEST_CASE("publisher: temporary failures back off exponentially, capped", "[core][publish]") {
    FakeHttp http;
    http.responses[kAdd] = {503, "busy"};
    ManualClock clock(from_unix(kStart));
    LogCapture logs;
    Publisher publisher(http, clock, keyserver_only(),
                        PublishBackoff{std::chrono::seconds(60), std::chrono::seconds(300)});
    publisher.certificate_changed(cert_of(1));
    std::vector<std::int64_t> waits;
    for (int i = 0; i < 5; ++i) {
        CHECK(publisher.run_due() == 0);
        REQUIRE(publisher.next_due());
        waits.push_back(to_unix(*publisher.next_due()) - to_unix(clock.now()));
        CHECK(publisher.run_due() == 0);  // not due yet: no attempt
        clock.set(*publisher.next_due());
    }
    CHECK(waits == std::vector<std::int64_t>{60, 120, 240, 300, 300});
    CHECK(posts(http) == 5);
    http.responses[kAdd] = {200, "ok"};
    CHECK(publisher.run_due() == 1);
    CHECK(publisher.idle());
    const auto lines = logs.lines();
    REQUIRE(lines.size() == 6);
    CHECK(lines[0].find("retry in 60 s") != std::string::npos);
    CHECK(lines[5].find("hkp://keys.example: uploaded") != std::string::npos);
    for (const auto& l : lines) CHECK(l.find("BEGIN PGP") == std::string::npos);
}

TEST_CASE("publisher: a permanent refusal waits for the next certificate", "[core][publish]") {
    FakeHttp http;
    http.responses[kAdd] = {400, "bad key"};
    ManualClock clock(from_unix(kStart));
    Publisher publisher(http, clock, keyserver_only());
    publisher.certificate_changed(cert_of(1));
    CHECK(publisher.run_due() == 0);
    CHECK(publisher.idle());
    clock.advance(std::chrono::hours(5));
    CHECK(publisher.run_due() == 0);
    CHECK(posts(http) == 1);
}

TEST_CASE("publisher: the WKD target writes the tree", "[core][publish]") {
    FakeHttp http;
    TempDir dir("publish-wkd");
    ManualClock clock(from_unix(kStart));
    Publisher publisher(http, clock, PublishConfig{{}, dir.file("www")});
    const auto cert = cert_of(3);
    publisher.certificate_changed(cert);
    CHECK(publisher.run_due() == 1);
    const auto path = dir.path() / "www/.well-known/openpgpkey/mix1.test/hu" / wkd_hash("mixtasy");
    CHECK(std::filesystem::file_size(path) == crypto::serialize(cert).size());
    CHECK(http.requests.empty());
}
