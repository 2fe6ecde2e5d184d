// SPDX-License-Identifier: BSD-2-Clause
// Exit destination admission (exit_admission.h): block list, rate limit,
// exitprivate, malformed destinations.
#include "core/node/exit_admission.h"

#include <catch2/catch.hpp>

#include <atomic>
#include <optional>
#include <thread>

using namespace mixtasy;
using namespace mixtasy::core;
using namespace std::chrono_literals;
using Verdict = ExitAdmission::Verdict;

namespace {

// The start of one clock hour: the caps count per clock hour.
const Instant hour_start = from_unix(1'795'000'000 / 3600 * 3600);

const Instant t0 = from_unix(1'795'000'000);  // Wed, 18 Nov 2026 11:06:40 UTC

std::unique_ptr<ExitAdmission> make(ExitAdmissionOptions options = {}) {
    auto policy = ExitAdmission::create(std::move(options));
    REQUIRE(policy);
    return std::move(*policy);
}

}  // namespace

TEST_CASE("exit options: malformed destination entries are refused, with their code",
          "[exit_admission]") {
    const auto refused = [](auto edit) {
        ExitAdmissionOptions options;
        edit(options);
        auto made = ExitAdmission::create(options);
        return made ? std::optional<ExitOptionError::Code>{} : made.error().code;
    };
    using C = ExitOptionError::Code;
    CHECK(refused([](auto& o) { o.blocked = {"has space@x"}; }) == C::DestinationList);
    CHECK(refused([](auto& o) { o.blocked = {""}; }) == C::DestinationList);
    CHECK(refused([](auto& o) { o.local_domains = {"@"}; }) == C::DestinationList);
    CHECK(refused([](auto& o) { o.exit_private = true; }) == C::ExitPrivateNowhere);
    CHECK_FALSE(refused([](auto&) {}));
}

TEST_CASE("exit admit: block list by address, domain and pattern", "[exit_admission]") {
    ExitAdmissionOptions options;
    options.blocked = {"Victim@Example.org", "harassed.example", "@other.example", "*+spam@*",
                       "ceo?@corp.example"};
    auto policy = make(options);
    CHECK(policy->admit("victim@example.org", t0) == Verdict::Blocked);
    CHECK(policy->admit("<VICTIM@EXAMPLE.ORG>", t0) == Verdict::Blocked);
    CHECK(policy->admit("friend@example.org", t0) == Verdict::Deliver);
    CHECK(policy->admit("anyone@harassed.example", t0) == Verdict::Blocked);
    CHECK(policy->admit("anyone@mail.Harassed.Example", t0) == Verdict::Blocked);
    CHECK(policy->admit("anyone@notharassed.example", t0) == Verdict::Deliver);
    CHECK(policy->admit("x@other.example", t0) == Verdict::Blocked);
    CHECK(policy->admit("x@sub.other.example", t0) == Verdict::Blocked);
    CHECK(policy->admit("bob+spam@anywhere.example", t0) == Verdict::Blocked);
    CHECK(policy->admit("bob+ham@anywhere.example", t0) == Verdict::Deliver);
    CHECK(policy->admit("ceo1@corp.example", t0) == Verdict::Blocked);
    CHECK(policy->admit("ceo12@corp.example", t0) == Verdict::Deliver);
    CHECK(policy->is_blocked("victim@example.org"));
}

TEST_CASE("exit admit: malformed destinations", "[exit_admission]") {
    auto policy = make();
    for (const char* bad :
         {"", "no-at-sign", "@domain.example", "local@", "a b@c.example",
          "a@b.example, c@d.example", "a@.example", "a@example.", "Name <a@b.example>"}) {
        INFO(bad);
        CHECK(policy->admit(bad, t0) == Verdict::BadAddress);
    }
    CHECK(policy->admit(std::string(400, 'a') + "@b.example", t0) == Verdict::BadAddress);
}

TEST_CASE("exit admit: exitprivate delivers to local domains only", "[exit_admission]") {
    ExitAdmissionOptions options;
    options.exit_private = true;
    options.local_domains = {"Exit.Example"};
    auto policy = make(options);
    CHECK(policy->admit("user@exit.example", t0) == Verdict::Deliver);
    CHECK(policy->admit("user@lists.exit.example", t0) == Verdict::Deliver);
    CHECK(policy->admit("user@example.org", t0) == Verdict::NotLocal);
    CHECK(policy->admit("user@badexit.example", t0) == Verdict::NotLocal);
}

TEST_CASE("exit admit: per-destination rate limit per clock hour", "[exit_admission]") {
    ExitAdmissionOptions options;
    options.rate_per_hour = 3;
    auto policy = make(options);
    for (int i = 0; i < 3; ++i) CHECK(policy->admit("a@x.example", hour_start) == Verdict::Deliver);
    CHECK(policy->admit("A@X.example", hour_start + 10min) == Verdict::RateLimited);
    CHECK(policy->admit("b@x.example", hour_start + 10min) == Verdict::Deliver);  // own count
    CHECK(policy->admit("a@x.example", hour_start + 59min) == Verdict::RateLimited);
    CHECK(policy->admit("a@x.example", hour_start + 60min) == Verdict::Deliver);  // new hour
    // A blocked destination is not counted.
    ExitAdmissionOptions blocked = options;
    blocked.blocked = {"c@x.example"};
    auto p2 = make(blocked);
    CHECK(p2->admit("c@x.example", hour_start) == Verdict::Blocked);
}

TEST_CASE("exit admit: bounded rate table fails closed", "[exit_admission]") {
    ExitAdmissionOptions options;
    options.rate_per_hour = 1;
    options.max_tracked_destinations = 4;
    auto policy = make(options);
    for (int i = 0; i < 4; ++i)
        CHECK(policy->admit("u" + std::to_string(i) + "@x.example", t0) == Verdict::Deliver);
    CHECK(policy->admit("new@x.example", t0) == Verdict::RateLimited);
    // The next hour frees the old windows.
    CHECK(policy->admit("new@x.example", t0 + 1h) == Verdict::Deliver);
}

TEST_CASE("exit admit: thread-safe counting", "[exit_admission]") {
    ExitAdmissionOptions options;
    options.rate_per_hour = 1000;
    options.domain_rate_per_hour = 0;  // only the per-address count here
    options.global_rate_per_hour = 0;
    auto policy = make(options);
    std::atomic<int> delivered{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            for (int i = 0; i < 200; ++i) {
                if (policy->admit("same@x.example", t0) == Verdict::Deliver) ++delivered;
            }
        });
    }
    for (auto& th : threads) th.join();
    CHECK(delivered == 1000);
}

TEST_CASE("exit admit: recipients that would route on are bad addresses", "[exit_admission]") {
    // Postfix's allow_percent_hack and swap_bangpath would send these on to
    // evil.com: an exitprivate node for example.net would be a public exit.
    for (const bool exit_private : {true, false}) {
        ExitAdmissionOptions options;
        options.exit_private = exit_private;
        options.local_domains = {"example.net"};
        auto policy = make(options);
        for (const char* bad : {"victim%evil.com@example.net", "evil.com!victim@example.net",
                                "\"a@b\"@example.net", "@relay:victim@example.net",
                                "<@relay:victim@example.net>", "\"victim\"@example.net"}) {
            INFO(bad << (exit_private ? " exitprivate" : " exitpublic"));
            CHECK(policy->admit(bad, t0) == Verdict::BadAddress);
        }
        CHECK(policy->admit("victim@example.net", t0) == Verdict::Deliver);
    }
}

TEST_CASE("exit admit: domain and global hourly caps are on by default", "[exit_admission]") {
    const ExitAdmissionOptions defaults;
    CHECK(defaults.domain_rate_per_hour == kDefaultDomainRatePerHour);
    CHECK(defaults.global_rate_per_hour == kDefaultGlobalRatePerHour);
    CHECK(defaults.domain_rate_per_hour > 0);
    CHECK(defaults.global_rate_per_hour >= defaults.domain_rate_per_hour);

    // Varying the local part does not get around the domain's cap.
    auto policy = make();
    for (std::size_t i = 0; i < kDefaultDomainRatePerHour; ++i) {
        REQUIRE(policy->admit("u" + std::to_string(i) + "@flood.example", hour_start) ==
                Verdict::Deliver);
    }
    CHECK(policy->admit("another@flood.example", hour_start) == Verdict::RateLimited);
    CHECK(policy->admit("x@sub.flood.example", hour_start) == Verdict::Deliver);  // own domain
    CHECK(policy->admit("another@flood.example", hour_start + 1h) == Verdict::Deliver);
}

TEST_CASE("exit admit: the domain cap per clock hour", "[exit_admission]") {
    ExitAdmissionOptions options;
    options.domain_rate_per_hour = 2;
    options.global_rate_per_hour = 0;
    auto policy = make(options);
    CHECK(policy->admit("a@x.example", hour_start) == Verdict::Deliver);
    CHECK(policy->admit("b@X.Example", hour_start) == Verdict::Deliver);
    CHECK(policy->admit("c@x.example", hour_start + 59min) == Verdict::RateLimited);
    CHECK(policy->admit("c@y.example", hour_start + 59min) == Verdict::Deliver);
    CHECK(policy->admit("c@x.example", hour_start + 60min) == Verdict::Deliver);
}

TEST_CASE("exit admit: the global cap counts every destination", "[exit_admission]") {
    ExitAdmissionOptions options;
    options.domain_rate_per_hour = 0;
    options.global_rate_per_hour = 3;
    auto policy = make(options);
    CHECK(policy->admit("a@one.example", hour_start) == Verdict::Deliver);
    CHECK(policy->admit("b@two.example", hour_start) == Verdict::Deliver);
    CHECK(policy->admit("c@three.example", hour_start) == Verdict::Deliver);
    CHECK(policy->admit("d@four.example", hour_start) == Verdict::RateLimited);
    CHECK(policy->admit("d@four.example", hour_start + 1h) == Verdict::Deliver);
}

TEST_CASE("exit admit: a delivery refused by one cap spends no other", "[exit_admission]") {
    ExitAdmissionOptions options;
    options.rate_per_hour = 1;
    options.domain_rate_per_hour = 0;
    options.global_rate_per_hour = 2;
    auto policy = make(options);
    CHECK(policy->admit("a@x.example", t0) == Verdict::Deliver);
    // a@ is over its own cap: refused, and the global count stays at one.
    for (int i = 0; i < 5; ++i) CHECK(policy->admit("a@x.example", t0) == Verdict::RateLimited);
    CHECK(policy->admit("b@x.example", t0) == Verdict::Deliver);
    CHECK(policy->admit("c@x.example", t0) == Verdict::RateLimited);
}
