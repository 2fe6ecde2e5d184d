// SPDX-License-Identifier: BSD-2-Clause
// Multipart reassembly over the real SQLite store: any order, duplicates,
// conflicting totals, expiry, exactly-once hand-out.
#include "core/node/reassembly.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <map>
#include <thread>

#include "core/format/mixtasy_id.h"
#include "core_test_support.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;
using namespace std::chrono_literals;
using Kind = PartOutcome::Kind;

namespace {

const Instant t0 = from_unix(1'800'000'000);

std::string part_text(std::uint32_t number) {
    return "<part " + std::to_string(number) + " of the original>\r\n";
}

// Collects what the builder was given; makes one Exit row per original.
struct Collector {
    std::vector<std::string> originals;
    OriginalBuilder builder() {
        return [this](ByteView original) -> store::Result<std::vector<store::NewPoolItem>> {
            originals.emplace_back(as_chars(original));
            std::vector<store::NewPoolItem> rows;
            rows.push_back(outgoing(store::PoolKind::Exit, "alice@example.org",
                                    "nobody@this.example",
                                    Bytes(original.begin(), original.end())));
            return rows;
        };
    }
};

struct Fixture {
    TempDatabase db;
    std::unique_ptr<store::Store> store = db.open();
    ManualClock clock{t0};
    Reassembler reassembler{*store, clock};
    Collector collector;
    int hashes = 0;

    store::Result<PartOutcome> add(const std::string& id, std::uint32_t number, std::uint32_t total,
                                   const std::string& content) {
        const std::string hash = "hash-" + std::to_string(hashes++);
        return reassembler.add(as_bytes(hash), clock.now() + 48h,
                               IncomingPart{id, number, total, as_bytes(content)},
                               collector.builder());
    }
    store::Result<PartOutcome> add(const std::string& id, std::uint32_t number,
                                   std::uint32_t total) {
        return add(id, number, total, part_text(number));
    }
};

std::string expected_original(std::uint32_t total) {
    std::string all;
    for (std::uint32_t i = 1; i <= total; ++i) all += part_text(i);
    return all;
}

}  // namespace

TEST_CASE("reassembly: a single part completes at once", "[reassembly]") {
    Fixture f;
    auto out = f.add("<one@x>", 1, 1);
    REQUIRE(out);
    CHECK(out->kind == Kind::Completed);
    CHECK(out->pooled.size() == 1);
    REQUIRE(f.collector.originals.size() == 1);
    CHECK(f.collector.originals[0] == expected_original(1));
    auto ready = f.store->count_ready(to_unix(t0));
    REQUIRE(ready);
    CHECK(*ready == 1);
}

TEST_CASE("reassembly: two parts in either order", "[reassembly]") {
    for (bool reversed : {false, true}) {
        Fixture f;
        const std::uint32_t first = reversed ? 2 : 1, second = reversed ? 1 : 2;
        auto a = f.add("<two@x>", first, 2);
        REQUIRE(a);
        CHECK(a->kind == Kind::Stored);
        CHECK(a->present == 1);
        CHECK(f.collector.originals.empty());
        auto b = f.add("<two@x>", second, 2);
        REQUIRE(b);
        CHECK(b->kind == Kind::Completed);
        REQUIRE(f.collector.originals.size() == 1);
        CHECK(f.collector.originals[0] == expected_original(2));
    }
}

TEST_CASE("reassembly: thirty parts in random orders, with duplicates", "[reassembly]") {
    DeterministicRandom random(30);
    for (int trial = 0; trial < 5; ++trial) {
        Fixture f;
        std::vector<std::uint32_t> order;
        for (std::uint32_t i = 1; i <= 30; ++i) order.push_back(i);
        for (std::size_t i = order.size() - 1; i > 0; --i)
            std::swap(order[i], order[random.uniform(i + 1)]);
        for (std::size_t i = 0; i < order.size(); ++i) {
            auto out = f.add("<thirty@x>", order[i], 30);
            REQUIRE(out);
            if (i + 1 < order.size()) {
                REQUIRE(out->kind == Kind::Stored);
                CHECK(out->present == i + 1);
                // A duplicate of an earlier part (new replay hash) is ignored.
                auto dup = f.add("<thirty@x>", order[random.uniform(i + 1)], 30);
                REQUIRE(dup);
                CHECK(dup->kind == Kind::Duplicate);
                CHECK(dup->present == i + 1);
            } else {
                CHECK(out->kind == Kind::Completed);
            }
        }
        REQUIRE(f.collector.originals.size() == 1);
        CHECK(f.collector.originals[0] == expected_original(30));
        // After hand-out the id is closed: a straggler duplicate starts
        // no new set under it.
        auto late = f.add("<thirty@x>", 7, 30);
        REQUIRE(late);
        CHECK(late->kind == Kind::Discarded);
        CHECK(*f.store->count_parts("<thirty@x>") == 0);
        CHECK(f.collector.originals.size() == 1);
    }
}

TEST_CASE("reassembly: sets with different ids do not mix", "[reassembly]") {
    Fixture f;
    REQUIRE(f.add("<a@x>", 1, 2, "A1")->kind == Kind::Stored);
    REQUIRE(f.add("<b@x>", 2, 2, "B2")->kind == Kind::Stored);
    REQUIRE(f.add("<b@x>", 1, 2, "B1")->kind == Kind::Completed);
    REQUIRE(f.add("<a@x>", 2, 2, "A2")->kind == Kind::Completed);
    REQUIRE(f.collector.originals.size() == 2);
    CHECK(f.collector.originals[0] == "B1B2");
    CHECK(f.collector.originals[1] == "A1A2");
}

TEST_CASE("reassembly: the same replay hash is a replay", "[reassembly]") {
    Fixture f;
    const IncomingPart part{"<r@x>", 1, 2, as_bytes(std::string_view("one"))};
    auto first =
        f.reassembler.add(as_bytes(std::string_view("H")), t0 + 48h, part, f.collector.builder());
    REQUIRE(first);
    auto again =
        f.reassembler.add(as_bytes(std::string_view("H")), t0 + 48h, part, f.collector.builder());
    REQUIRE_FALSE(again);
    CHECK(again.error().code == store::StoreError::Code::Replay);
}

TEST_CASE("reassembly: a conflicting total destroys the set", "[reassembly]") {
    Fixture f;
    REQUIRE(f.add("<c@x>", 1, 3)->kind == Kind::Stored);
    REQUIRE(f.add("<c@x>", 2, 3)->kind == Kind::Stored);
    auto conflict = f.add("<c@x>", 3, 4);
    REQUIRE(conflict);
    CHECK(conflict->kind == Kind::Discarded);
    // The missing part with the original total no longer completes it.
    auto last = f.add("<c@x>", 3, 3);
    REQUIRE(last);
    CHECK(last->kind == Kind::Discarded);
    CHECK(f.collector.originals.empty());
    auto ready = f.store->count_ready(to_unix(f.clock.now()));
    REQUIRE(ready);
    CHECK(*ready == 0);
    // Other sets are untouched.
    CHECK(f.add("<d@x>", 1, 1)->kind == Kind::Completed);
}

TEST_CASE("reassembly: incomplete sets expire after the timeout", "[reassembly]") {
    Fixture f;
    REQUIRE(f.add("<e@x>", 1, 2)->kind == Kind::Stored);
    f.clock.advance(f.reassembler.limits().timeout + 1s);
    auto late = f.add("<e@x>", 2, 2);
    REQUIRE(late);
    CHECK(late->kind == Kind::Stored);  // a new set: part 1 is gone
    CHECK(late->present == 1);
    CHECK(f.collector.originals.empty());

    // Within the timeout it completes.
    REQUIRE(f.add("<g@x>", 1, 2)->kind == Kind::Stored);
    f.clock.advance(f.reassembler.limits().timeout - 1s);
    CHECK(f.add("<g@x>", 2, 2)->kind == Kind::Completed);

    // The store sweep drops expired sets too.
    REQUIRE(f.add("<h@x>", 1, 2)->kind == Kind::Stored);
    f.clock.advance(f.reassembler.limits().timeout + 1s);
    auto swept = f.store->sweep(to_unix(f.clock.now()));
    REQUIRE(swept);
    CHECK(swept->parts >= 1);
}

TEST_CASE("reassembly: malformed parts are refused before the store", "[reassembly]") {
    Fixture f;
    CHECK(f.add("", 1, 1)->kind == Kind::Malformed);
    CHECK(f.add("<bad id@x>", 1, 1)->kind == Kind::Malformed);
    CHECK(f.add(std::string(300, 'a'), 1, 1)->kind == Kind::Malformed);
    CHECK(f.add("<n@x>", 0, 2)->kind == Kind::Malformed);
    CHECK(f.add("<n@x>", 3, 2)->kind == Kind::Malformed);
    CHECK(f.add("<n@x>", 1, 0)->kind == Kind::Malformed);
    CHECK(f.add("<n@x>", 1, 257)->kind == Kind::Malformed);
    CHECK(f.add("<n@x>", 1, 1, std::string(20 * 1024 + 1, 'x'))->kind == Kind::Malformed);
    CHECK(f.collector.originals.empty());
}

TEST_CASE("reassembly: an oversized original is dropped whole", "[reassembly]") {
    TempDatabase db;
    auto store = db.open();
    ManualClock clock(t0);
    ReassemblyLimits limits;
    limits.max_message_bytes = 10;
    Reassembler reassembler(*store, clock, limits);
    Collector collector;
    auto a =
        reassembler.add(as_bytes(std::string_view("h1")), t0 + 48h,
                        {"<o@x>", 1, 2, as_bytes(std::string_view("123456"))}, collector.builder());
    REQUIRE(a);
    auto b =
        reassembler.add(as_bytes(std::string_view("h2")), t0 + 48h,
                        {"<o@x>", 2, 2, as_bytes(std::string_view("789012"))}, collector.builder());
    REQUIRE(b);
    CHECK(b->kind == Kind::Dropped);
    CHECK(collector.originals.empty());
    auto count = store->count_parts("<o@x>");
    REQUIRE(count);
    CHECK(*count == 0);
}

TEST_CASE("reassembly: a builder error keeps the set for a retry of the last part",
          "[reassembly]") {
    // One transaction: the last part is not stored and its hash not burnt,
    // so the MTA's retry of that part (TempFail) completes the set.
    Fixture f;
    REQUIRE(f.add("<k@x>", 1, 2)->kind == Kind::Stored);
    const OriginalBuilder failing = [](ByteView) -> store::Result<std::vector<store::NewPoolItem>> {
        return Unexpected{store::StoreError{store::StoreError::Code::Io, "keys not loaded"}};
    };
    auto out = f.reassembler.add(as_bytes(std::string_view("hk")), t0 + 48h,
                                 {"<k@x>", 2, 2, as_bytes(part_text(2))}, failing);
    REQUIRE_FALSE(out);
    auto count = f.store->count_parts("<k@x>");
    REQUIRE(count);
    CHECK(*count == 1);
    CHECK_FALSE(*f.store->replay_seen(as_bytes(std::string_view("hk"))));
    auto retry = f.reassembler.add(as_bytes(std::string_view("hk")), t0 + 48h,
                                   {"<k@x>", 2, 2, as_bytes(part_text(2))}, f.collector.builder());
    REQUIRE(retry);
    CHECK(retry->kind == Kind::Completed);
    REQUIRE(f.collector.originals.size() == 1);
    CHECK(f.collector.originals[0] == expected_original(2));
}

TEST_CASE("reassembly: racing last parts hand the set out exactly once", "[reassembly]") {
    TempDatabase db;
    auto store = db.open();
    ManualClock clock(t0);
    Reassembler reassembler(*store, clock);
    for (int trial = 0; trial < 10; ++trial) {
        const std::string id = "<race" + std::to_string(trial) + "@x>";
        std::atomic<int> built{0};
        const OriginalBuilder builder =
            [&built](ByteView original) -> store::Result<std::vector<store::NewPoolItem>> {
            ++built;
            std::vector<store::NewPoolItem> rows;
            rows.push_back(outgoing(store::PoolKind::Exit, "bob@example.org", "",
                                    Bytes(original.begin(), original.end())));
            return rows;
        };
        const std::uint32_t total = 8;
        std::vector<std::thread> threads;
        std::atomic<int> completed{0};
        for (std::uint32_t n = 1; n <= total; ++n) {
            threads.emplace_back([&, n] {
                const std::string hash = id + "/" + std::to_string(n);
                auto out = reassembler.add(as_bytes(hash), t0 + 48h,
                                           {id, n, total, as_bytes(part_text(n))}, builder);
                if (out && out->kind == Kind::Completed) ++completed;
            });
        }
        for (auto& t : threads) t.join();
        CHECK(completed == 1);
        CHECK(built == 1);
    }
}

TEST_CASE("reassembly: commit, discard and completion as the store sees them", "[reassembly]") {
    // (Was the core adapter's multipart case; the discarded-set mark and the
    // counters are the Reassembler's now.)
    Fixture f;
    const auto part = [&](const char* hash, std::uint32_t n, std::uint32_t total,
                          const char* id = "<set@x>") {
        return f.reassembler.add(as_bytes(std::string_view(hash)), t0 + 48h,
                                 IncomingPart{id, n, total, as_bytes(std::string_view("p"))},
                                 f.collector.builder());
    };
    auto a = part("a", 1, 2);
    REQUIRE(a);
    CHECK(a->kind == Kind::Stored);
    CHECK(a->present == 1);
    auto replay = part("a", 2, 2);
    REQUIRE_FALSE(replay);
    CHECK(replay.error().code == store::StoreError::Code::Replay);
    auto conflict = part("b", 2, 3);
    REQUIRE(conflict);
    CHECK(conflict->kind == Kind::Discarded);
    CHECK(*f.store->replay_seen(as_bytes(std::string_view("b"))));  // burnt too
    // A second conflict on the destroyed set is as harmless as the first.
    auto again = part("b2", 2, 3);
    REQUIRE(again);
    CHECK(again->kind == Kind::Discarded);

    auto after = part("c", 2, 2);
    REQUIRE(after);
    CHECK(after->kind == Kind::Discarded);
    CHECK(*f.store->replay_seen(as_bytes(std::string_view("c"))));
    CHECK(f.collector.originals.empty());  // a discarded set is never assembled

    // A different set completes and its rows enter the pool, scheduled and
    // counted.
    auto d = part("d", 1, 1, "<other@x>");
    REQUIRE(d);
    REQUIRE(d->kind == Kind::Completed);
    REQUIRE(d->pooled.size() == 1);
    auto row = f.store->get(d->pooled[0]);
    REQUIRE(row);
    CHECK(row->kind == store::PoolKind::Exit);
    CHECK(std::string(as_chars(row->bytes)) == "p");
    CHECK(row->give_up_at == to_unix(t0 + 14 * 24h));
    const std::int64_t day = store::day_of(to_unix(t0));
    auto stats = f.store->read_stats(day, day);
    REQUIRE(stats);
    std::map<std::string, std::int64_t> by_name;
    for (const auto& s : *stats) by_name[s.counter] = s.value;
    CHECK(by_name["part"] == 2);  // "a" and "d"; refused parts count nothing
    CHECK(by_name["reassembled"] == 1);
}

TEST_CASE("reassembly: the default limits are one chain from the maximum original",
          "[reassembly]") {
    const ReassemblyLimits limits;
    CHECK(limits.max_message_bytes == kMaxOriginalSize);
    CHECK(chain_problem(limits).empty());
    CHECK(limits.max_parts <= store::StoreLimits{}.max_parts);
    CHECK(limits.max_part_bytes <= store::StoreLimits{}.max_blob_bytes);
    // The exit row of the largest original fits the store, CRLF and all.
    CHECK(store_blob_limit(kMaxOriginalSize) >= 2 * kMaxOriginalSize);
    CHECK(store_blob_limit(10) == store::StoreLimits{}.max_blob_bytes);
    const ReassemblyLimits bigger = reassembly_limits(16 * 1024 * 1024);
    CHECK(bigger.max_message_bytes == 16 * 1024 * 1024);
    // Caps below one original of the maximum size would refuse every such one.
    CHECK_FALSE(chain_problem(bigger).empty());
    MultipartCaps roomy;
    roomy.max_buffer_bytes = 64 * 1024 * 1024;
    roomy.max_window_bytes = 16 * 1024 * 1024;
    CHECK(chain_problem(reassembly_limits(16 * 1024 * 1024, roomy)).empty());
}

TEST_CASE("reassembly: every part counts against the caps, what exceeds one is destroyed",
          "[reassembly]") {
    TempDatabase db;
    auto store = db.open();
    ManualClock clock(t0);
    LogCapture log_lines;
    set_log_level(LogLevel::Debug);
    ReassemblyLimits limits;
    limits.caps.max_open_sets = 3;
    limits.caps.max_window_sets = 2;
    limits.caps.window = 1h;
    Reassembler reassembler(*store, clock, limits);
    Collector collector;
    int hashes = 0;
    const auto add = [&](const std::string& id, std::uint32_t n, std::uint32_t total) {
        const std::string hash = "cap-" + std::to_string(hashes++);
        auto out = reassembler.add(as_bytes(hash), clock.now() + 48h,
                                   IncomingPart{id, n, total, as_bytes(part_text(n))},
                                   collector.builder());
        REQUIRE(out);
        return out->kind;
    };
    CHECK(add("<a@x>", 1, 2) == Kind::Stored);
    CHECK(add("<b@x>", 1, 2) == Kind::Stored);
    CHECK(add("<c@x>", 1, 2) == Kind::OverCap);    // a third set begun within the hour
    CHECK(add("<c@x>", 2, 2) == Kind::Discarded);  // destroyed: its id is closed
    clock.advance(1h + 1s);
    CHECK(add("<d@x>", 1, 2) == Kind::Stored);     // a new window
    CHECK(add("<e@x>", 1, 2) == Kind::OverCap);    // a fourth open set
    CHECK(add("<a@x>", 2, 2) == Kind::Completed);  // open sets still complete
    CHECK(add("<f@x>", 1, 2) == Kind::Stored);     // room again
    CHECK(*store->count_parts("<c@x>") == 0);
    CHECK(*store->count_parts("<e@x>") == 0);
    // A debug line per destroyed set saying which rule: no id, no size.
    std::size_t over_cap = 0;
    for (const auto& line : log_lines.lines()) {
        CHECK(line.find("@x") == std::string::npos);
        over_cap += line == "reassembly: multipart set destroyed: over a buffer cap";
    }
    CHECK(over_cap == 2);
    set_log_level(LogLevel::Info);
}

TEST_CASE("reassembly: a complete set sent again under its id is refused", "[reassembly]") {
    Fixture f;
    REQUIRE(f.add("<twice@x>", 1, 2)->kind == Kind::Stored);
    REQUIRE(f.add("<twice@x>", 2, 2)->kind == Kind::Completed);
    // The same parts again with fresh replay hashes (fresh layers).
    CHECK(f.add("<twice@x>", 1, 2)->kind == Kind::Discarded);
    CHECK(f.add("<twice@x>", 2, 2)->kind == Kind::Discarded);
    CHECK(f.collector.originals.size() == 1);
    CHECK(*f.store->count_parts("<twice@x>") == 0);
    // Until the mark expires with the timeout.
    f.clock.advance(f.reassembler.limits().timeout + 1s);
    REQUIRE(f.store->sweep_replay(to_unix(f.clock.now())));
    CHECK(f.add("<twice@x>", 1, 2)->kind == Kind::Stored);
}

TEST_CASE("reassembly: parts that do not match their bound id are destroyed", "[reassembly]") {
    Fixture f;
    DeterministicRandom random(7);
    const std::string genuine = part_text(1) + part_text(2);
    const std::string id = bound_mixtasy_id(as_bytes(genuine), random);
    // The attacker's part 2 first: stored, the genuine one is then a
    // duplicate, and the set fails its binding instead of delivering a mix.
    REQUIRE(f.add(id, 2, 2, "<forged part 2>\r\n")->kind == Kind::Stored);
    CHECK(f.add(id, 2, 2)->kind == Kind::Duplicate);
    CHECK(f.add(id, 1, 2)->kind == Kind::Dropped);
    CHECK(f.collector.originals.empty());
    CHECK(f.add(id, 2, 2)->kind == Kind::Discarded);  // no second set under the id
    // The genuine parts alone match.
    const std::string other = bound_mixtasy_id(as_bytes(genuine), random);
    REQUIRE(f.add(other, 2, 2)->kind == Kind::Stored);
    CHECK(f.add(other, 1, 2)->kind == Kind::Completed);
    REQUIRE(f.collector.originals.size() == 1);
    CHECK(f.collector.originals[0] == genuine);
}

TEST_CASE("reassembly: refuse destroys a set and closes its id", "[reassembly]") {
    Fixture f;
    REQUIRE(f.add("<policy@x>", 2, 2)->kind == Kind::Stored);
    REQUIRE(f.reassembler.refuse(as_bytes(std::string_view("p1")), t0 + 48h,
                                 {"<policy@x>", 1, 2, as_bytes(part_text(1))}, "blocked"));
    CHECK(*f.store->count_parts("<policy@x>") == 0);
    CHECK(*f.store->replay_seen(as_bytes(std::string_view("p1"))));
    CHECK(f.add("<policy@x>", 2, 2)->kind == Kind::Discarded);
    auto again = f.reassembler.refuse(as_bytes(std::string_view("p1")), t0 + 48h,
                                      {"<policy@x>", 1, 2, as_bytes(part_text(1))}, "blocked");
    REQUIRE_FALSE(again);
    CHECK(again.error().code == store::StoreError::Code::Replay);
}
