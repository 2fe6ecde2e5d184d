// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/sender/path.h's choose_routes: seed 000's path rules as
// properties over random directories (mode fit, provider inclusion, no
// repeats, uniformity of "*", parts meeting at one exit), and each refusal.
#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <string>
#include <vector>

#include "common/ascii.h"
#include "core/sender/path.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

MixChoice mix(const std::string& host, bool middle, bool priv, bool pub) {
    return {"mixtasy@" + host, MixModes{middle, priv, pub}};
}

// A random directory of 4..12 mixes with random modes; at least two
// middlemen and one public exit, so a path to anywhere exists.
std::vector<MixChoice> random_directory(Random& random) {
    const std::size_t n = 4 + random.uniform(9);
    std::vector<MixChoice> out;
    for (std::size_t i = 0; i < n; ++i) {
        const bool middle = i < 2 || random.uniform(4) != 0;
        const bool pub = i == 2 || random.uniform(2) != 0;
        const bool priv = random.uniform(3) == 0;
        out.push_back(mix("m" + std::to_string(i) + ".test", middle, priv, pub));
    }
    return out;
}

const MixChoice& find(const std::vector<MixChoice>& mixes, const std::string& address) {
    for (const auto& m : mixes)
        if (m.address == address) return m;
    FAIL("unknown mix " << address);
    return mixes.front();
}

bool contains(const std::vector<std::string>& path, const std::string& address) {
    for (const auto& p : path)
        if (ascii::iequals(p, address)) return true;
    return false;
}

// Checks every rule of seed 000 on one route.
void check_rules(const std::vector<MixChoice>& mixes, const std::vector<std::string>& route,
                 const RouteRequest& request) {
    REQUIRE(route.size() >= kMinRouteLength);
    REQUIRE(check_path(route, kMinRouteLength));
    const std::string rdomain = domain_of(request.recipient);
    for (std::size_t i = 0; i + 1 < route.size(); ++i) CHECK(find(mixes, route[i]).modes.middleman);
    const MixChoice& exit = find(mixes, route.back());
    CHECK(
        (exit.modes.exitpublic || (exit.modes.exitprivate && domain_of(exit.address) == rdomain)));
    for (const auto& m : mixes) {
        const std::string d = domain_of(m.address);
        if (d == rdomain || d == request.sender_domain) CHECK(contains(route, m.address));
    }
}

}  // namespace

TEST_CASE("routes: every rule holds over random directories", "[core][path][routes]") {
    DeterministicRandom random(2027);
    std::size_t checked = 0;
    for (int round = 0; round < 400; ++round) {
        const auto mixes = random_directory(random);
        RouteRequest request;
        request.hops = 4 + random.uniform(4);
        request.parts = 1 + random.uniform(4);
        // Sometimes the recipient's or the sender's provider is a mix.
        const std::size_t r = random.uniform(mixes.size() + 2);
        request.recipient =
            r < mixes.size() ? "bob@" + domain_of(mixes[r].address) : "bob@far.test";
        const std::size_t s = random.uniform(mixes.size() + 2);
        request.sender_domain = s < mixes.size() ? domain_of(mixes[s].address) : "";
        auto routes = choose_routes(mixes, request, random);
        if (!routes) {
            // Only refusals the directory explains: a provider with no place,
            // or no exit for a recipient whose provider cannot exit.
            const auto code = routes.error().code;
            CHECK((code == PathError::ProviderMissing || code == PathError::NoCandidates ||
                   code == PathError::NoExit));
            continue;
        }
        REQUIRE(routes->size() == request.parts);
        for (const auto& route : *routes) {
            CHECK(route.size() == request.hops);
            check_rules(mixes, route, request);
            CHECK(route.back() == routes->front().back());  // parts meet at one exit
        }
        ++checked;
    }
    CHECK(checked > 300);
}

TEST_CASE("routes: the recipient's provider is the exit, the sender's the first hop",
          "[core][path][routes]") {
    DeterministicRandom random(5);
    const std::vector<MixChoice> mixes{
        mix("a.test", true, false, true), mix("b.test", true, false, true),
        mix("c.test", true, false, false), mix("home.test", true, true, false),
        mix("work.test", true, false, false)};
    RouteRequest request;
    request.recipient = "bob@home.test";
    request.sender_domain = "work.test";
    for (int i = 0; i < 200; ++i) {
        auto routes = choose_routes(mixes, request, random);
        REQUIRE(routes);
        const auto& route = routes->front();
        CHECK(route.back() == "mixtasy@home.test");
        CHECK(route.front() == "mixtasy@work.test");
    }
    // exitprivate serves only its own domain: for a remote recipient the
    // private-only mix is never the exit.
    request.recipient = "carol@elsewhere.test";
    request.sender_domain.clear();
    for (int i = 0; i < 200; ++i) {
        auto routes = choose_routes(mixes, request, random);
        REQUIRE(routes);
        CHECK(routes->front().back() != "mixtasy@home.test");
        CHECK(find(mixes, routes->front().back()).modes.exitpublic);
    }
}

TEST_CASE("routes: '*' is uniform among the mixes that fit (chi-square)", "[core][path][routes]") {
    DeterministicRandom random(77);
    std::vector<MixChoice> mixes;
    for (int i = 0; i < 6; ++i)
        mixes.push_back(mix("u" + std::to_string(i) + ".test", true, false, true));
    RouteRequest request;
    request.chain = {"mixtasy@u0.test", "*", "mixtasy@u1.test", "mixtasy@u2.test"};
    request.recipient = "x@far.test";
    // Place 2 may be any mix but u0 (before) and u1 (after): 4 candidates.
    std::map<std::string, int> seen;
    const int n = 8000;
    for (int i = 0; i < n; ++i) {
        auto routes = choose_routes(mixes, request, random);
        REQUIRE(routes);
        ++seen[routes->front()[1]];
    }
    REQUIRE(seen.size() == 4);
    CHECK(seen.count("mixtasy@u0.test") == 0);
    CHECK(seen.count("mixtasy@u1.test") == 0);
    double chi2 = 0;
    const double expected = n / 4.0;
    for (const auto& [m, count] : seen) chi2 += (count - expected) * (count - expected) / expected;
    // 3 degrees of freedom: p = 0.001 at 16.27.
    CHECK(chi2 < 16.27);
}

TEST_CASE("routes: parts share the exit and take independent paths before it",
          "[core][path][routes]") {
    DeterministicRandom random(9);
    std::vector<MixChoice> mixes;
    for (int i = 0; i < 8; ++i)
        mixes.push_back(mix("p" + std::to_string(i) + ".test", true, false, true));
    RouteRequest request;
    request.recipient = "x@far.test";
    request.parts = 20;
    auto routes = choose_routes(mixes, request, random);
    REQUIRE(routes);
    std::set<std::vector<std::string>> prefixes;
    for (const auto& r : *routes) {
        CHECK(r.back() == routes->front().back());
        prefixes.insert(std::vector<std::string>(r.begin(), r.end() - 1));
    }
    CHECK(prefixes.size() > 15);  // 20 draws of 7^3 * 6 prefixes: nearly all differ
}

TEST_CASE("routes: a draw never dead-ends while some path exists", "[core][path][routes]") {
    DeterministicRandom random(31);
    // Two mixes that relay and exit: "*,*,*,*" has exactly two paths (a b a b
    // and b a b a); drawing left to right without looking ahead took "a b"
    // and then found no third hop one time in four.
    const std::vector<MixChoice> two{mix("a.test", true, false, true),
                                     mix("b.test", true, false, true)};
    RouteRequest request;
    request.recipient = "x@far.test";
    request.parts = 3;
    std::set<std::vector<std::string>> seen;
    for (int i = 0; i < 300; ++i) {
        auto routes = choose_routes(two, request, random);
        REQUIRE(routes);
        for (const auto& r : *routes) {
            check_rules(two, r, request);
            seen.insert(r);
        }
    }
    CHECK(seen.size() == 2);
    // The exit pinned to a relay too: "*,*,*,a" has one path, b a b a.
    request.chain = {"*", "*", "*", "mixtasy@a.test"};
    for (int i = 0; i < 100; ++i) {
        auto routes = choose_routes(two, request, random);
        REQUIRE(routes);
        CHECK(routes->front() == std::vector<std::string>{"mixtasy@b.test", "mixtasy@a.test",
                                                          "mixtasy@b.test", "mixtasy@a.test"});
    }
    // One relay only: no path of four exists, and that is the refusal.
    const std::vector<MixChoice> one{mix("a.test", true, false, true)};
    request.chain.clear();
    CHECK(choose_routes(one, request, random).error().code == PathError::NoCandidates);
}

TEST_CASE("routes: each refusal has its code", "[core][path][routes]") {
    DeterministicRandom random(4);
    const std::vector<MixChoice> mixes{
        mix("a.test", true, false, true), mix("b.test", true, false, false),
        mix("c.test", true, false, false), mix("priv.test", false, true, false)};
    RouteRequest r;
    r.recipient = "x@far.test";
    r.chain = {"*", "*", "*"};
    CHECK(choose_routes(mixes, r, random).error().code == PathError::TooShort);
    r.chain = {"mixtasy@a.test", "MIXTASY@A.test", "*", "*"};
    CHECK(choose_routes(mixes, r, random).error().code == PathError::Repeated);
    r.chain = {"mixtasy@nowhere.test", "*", "*", "*"};
    CHECK(choose_routes(mixes, r, random).error().code == PathError::UnknownMix);
    r.chain = {"*", "*", "*", "mixtasy@b.test"};  // b runs no exit mode
    CHECK(choose_routes(mixes, r, random).error().code == PathError::WrongMode);
    r.chain = {"mixtasy@priv.test", "*", "*", "*"};  // not a middleman
    CHECK(choose_routes(mixes, r, random).error().code == PathError::WrongMode);
    r.chain.clear();
    r.exit = "mixtasy@priv.test";  // exitprivate, remote recipient
    CHECK(choose_routes(mixes, r, random).error().code == PathError::WrongMode);
    r.exit.reset();
    const std::vector<MixChoice> no_exit{mix("a.test", true, false, false),
                                         mix("b.test", true, false, false)};
    CHECK(choose_routes(no_exit, r, random).error().code == PathError::NoExit);
    // The recipient's provider can neither exit nor relay: no place for it.
    r.recipient = "x@priv.test";
    r.chain = {"*", "*", "*", "mixtasy@a.test"};
    CHECK(choose_routes(mixes, r, random).error().code == PathError::ProviderMissing);
    r.recipient = "nodomain";
    CHECK(choose_routes(mixes, r, random).error().code == PathError::BadRecipient);
    // exitprivate to its own domain is fine.
    r.recipient = "x@priv.test";
    r.chain.clear();
    auto ok = choose_routes(mixes, r, random);
    REQUIRE(ok);
    CHECK(ok->front().back() == "mixtasy@priv.test");
}
