// SPDX-License-Identifier: BSD-2-Clause
// Flusher against the real SQLite store on a temporary file, with a fake
// Transport, ManualClock and DeterministicRandom.
#include "core/pool/flusher.h"

#include <catch2/catch.hpp>

#include <map>
#include <set>
#include <thread>

#include "core_test_support.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;
using namespace std::chrono_literals;

namespace {

const Instant t0 = from_unix(1'800'000'000);

FlusherOptions quiet_options() {
    FlusherOptions options;
    options.dummies.time_triggered_mean = 0;
    options.dummies.flush_triggered_mean_per_message = 0;
    options.dummies.flush_triggered_min = 0;
    return options;
}

// Every round sends all that is ready: the tests are about what happens to
// the rows, not about the pool's threshold.
FlusherOptions send_all_options() {
    FlusherOptions options = quiet_options();
    options.pool.min_pool = 0;
    options.pool.fraction = 1.0;
    return options;
}

// What each test starts from: a fresh store, the clock at t0, a seeded
// random source, fake dummies and a fake transport.  Tests bind the members
// by name: auto& [db, store, clock, random, dummies, transport] = rig.
struct Rig {
    explicit Rig(std::uint64_t seed) : store(db.open()), random(seed) {}
    TempDatabase db;
    std::unique_ptr<store::Store> store;
    ManualClock clock{t0};
    DeterministicRandom random;
    FakeDummyFactory dummies;
    FakeTransport transport;
};

void pool_messages(store::Store& store, std::size_t n, Instant now,
                   const std::string& prefix = "m") {
    for (std::size_t i = 0; i < n; ++i) {
        const std::string hash = prefix + std::to_string(i);
        auto id = commit_pooled(
            store, as_bytes(hash), now + 48h,
            mix_item("mixtasy@next.example", prefix + "-body-" + std::to_string(i)), now);
        REQUIRE(id);
    }
}

// How often `counter` was counted around t0 (the tests stay within days).
std::int64_t counted(store::Store& store, Counter counter) {
    auto rows = store.read_stats(store::day_of(to_unix(t0)) - 1, store::day_of(to_unix(t0)) + 30);
    if (!rows) throw std::runtime_error("read_stats: " + rows.error().detail);
    std::int64_t total = 0;
    for (const auto& row : *rows)
        if (row.counter == to_string(counter)) total += row.value;
    return total;
}

// Rows still in the store (sent and failed rows are deleted).
std::size_t rows_left(store::Store& store) {
    return in_state(store, store::PoolState::Pooled) + in_state(store, store::PoolState::Sending) +
           in_state(store, store::PoolState::Sent) + in_state(store, store::PoolState::Failed);
}

// Forwards to a real store, failing chosen calls as a dying disk would.
class FailingStore final : public ForwardingStore {
public:
    using ForwardingStore::ForwardingStore;
    bool fail_mark_sent = false;
    int fail_mark_sent_times = 0;  // the next n marks fail, then they work
    bool fail_claim = false;

    store::Result<std::vector<store::PoolItem>> claim_random_ready(
        store::UnixTime now, std::size_t k, const store::UniformIndex& uniform) override {
        if (fail_claim) return unavailable();
        return ForwardingStore::claim_random_ready(now, k, uniform);
    }
    store::Result<void> mark_sent(store::PoolId id, store::UnixTime now,
                                  std::span<const store::StatDelta> stats) override {
        if (fail_mark_sent) return unavailable();
        if (fail_mark_sent_times > 0) {
            --fail_mark_sent_times;
            return unavailable();
        }
        return ForwardingStore::mark_sent(id, now, stats);
    }

private:
    static Unexpected<store::StoreError> unavailable() {
        return Unexpected{store::StoreError{store::StoreError::Code::Io, "disk I/O error"}};
    }
};

}  // namespace

TEST_CASE("retry: delays double up to the maximum", "[flusher]") {
    RetryParameters retry;
    retry.retry_base = 60s;
    retry.retry_max = 600s;
    CHECK(retry_delay(retry, 1) == 60s);
    CHECK(retry_delay(retry, 2) == 120s);
    CHECK(retry_delay(retry, 3) == 240s);
    CHECK(retry_delay(retry, 4) == 480s);
    CHECK(retry_delay(retry, 5) == 600s);
    CHECK(retry_delay(retry, 1'000'000'000'000) == 600s);
    retry.retry_base = 0s;  // nonsense configuration still waits
    CHECK(retry_delay(retry, 1) == 1s);
}

TEST_CASE("retry: give up once the waits add up", "[flusher]") {
    RetryParameters retry;
    retry.retry_base = 60s;
    retry.retry_max = 600s;
    retry.give_up_after = 3600s;
    // waits: 60 120 240 480 600 600 600 600 -> cumulative 60 180 420 900
    // 1500 2100 2700 3300 3900
    CHECK_FALSE(should_give_up(retry, 0));
    CHECK_FALSE(should_give_up(retry, 1));
    CHECK_FALSE(should_give_up(retry, 8));
    CHECK(should_give_up(retry, 9));
    CHECK(should_give_up(retry, 10));
    CHECK(should_give_up(retry, 1'000'000'000'000));
    // Agrees with a plain sum for every attempt count.
    for (std::int64_t n = 1; n < 200; ++n) {
        std::chrono::seconds sum{0};
        for (std::int64_t i = 1; i <= n; ++i) sum += retry_delay(retry, i);
        REQUIRE(should_give_up(retry, n) == (sum >= retry.give_up_after));
    }
    retry.give_up_after = 0s;
    CHECK(should_give_up(retry, 1));
}

TEST_CASE("flusher: below the threshold nothing leaves", "[flusher]") {
    Rig rig(1);
    auto& [db, store, clock, random, dummies, transport] = rig;
    Flusher flusher(*store, clock, random, dummies, quiet_options());

    pool_messages(*store, 44, t0);
    const FlushReport report = flusher.round(transport);
    CHECK(report.sent == 0);
    CHECK(transport.attempts.empty());
    CHECK(in_state(*store, store::PoolState::Pooled) == 44);
}

TEST_CASE("flusher: k follows the pool policy round after round", "[flusher]") {
    Rig rig(2);
    auto& [db, store, clock, random, dummies, transport] = rig;
    Flusher flusher(*store, clock, random, dummies, quiet_options());

    pool_messages(*store, 100, t0);
    FlushReport report = flusher.round(transport);
    CHECK(report.sent == 65);  // floor(100 * 0.65)
    CHECK(report.failed == 0);
    CHECK(transport.accepted.size() == 65);
    CHECK(counted(*store, Counter::Sent) == 65);
    CHECK(in_state(*store, store::PoolState::Pooled) == 35);

    clock.advance(15min);
    report = flusher.round(transport);  // 35 < 45
    CHECK(report.sent == 0);

    pool_messages(*store, 15, clock.now(), "late");  // 50 ready
    report = flusher.round(transport);
    CHECK(report.sent == 32);  // floor(50 * 0.65)
    // Every sent message is a distinct pooled one, handed out once.
    std::set<std::string> bodies;
    for (const auto& m : transport.accepted) bodies.insert(m.message);
    CHECK(bodies.size() == transport.accepted.size());
    CHECK(transport.accepted.front().recipient == "mixtasy@next.example");
    CHECK(transport.accepted.front().envelope_from == "mixtasy@this.example");
}

TEST_CASE("flusher: picks are spread uniformly over the pool", "[flusher]") {
    Rig rig(3);
    auto& [db, store, clock, random, dummies, transport] = rig;
    transport.answer = [](const std::string&) {
        return SendResult::TempFail;
    };
    FlusherOptions options = quiet_options();
    options.pool.min_pool = 0;
    options.pool.fraction = 0.1;  // 2 of 20 per round
    options.retry.retry_base = 1s;
    options.retry.retry_max = 1s;
    options.retry.give_up_after = std::chrono::hours(24 * 365);
    Flusher flusher(*store, clock, random, dummies, options);

    pool_messages(*store, 20, t0);
    std::map<std::string, int> picks;
    for (int round = 0; round < 1000; ++round) {
        transport.attempts.clear();
        (void)flusher.round(transport);
        REQUIRE(transport.attempts.size() == 2);
        for (const auto& m : transport.attempts) ++picks[m.message];
        clock.advance(2s);  // every failed row is due again
    }
    REQUIRE(picks.size() == 20);
    for (const auto& [body, n] : picks) {
        CHECK(n > 60);  // expected 100 each
        CHECK(n < 140);
    }
}

TEST_CASE("flusher: sent only on Accepted, TempFail backs off and retries", "[flusher]") {
    Rig rig(4);
    auto& [db, store, clock, random, dummies, transport] = rig;
    FlusherOptions options = send_all_options();
    options.retry.retry_base = 300s;
    Flusher flusher(*store, clock, random, dummies, options);

    pool_messages(*store, 3, t0);
    transport.answer = [](const std::string&) {
        return SendResult::TempFail;
    };
    FlushReport report = flusher.round(transport);
    CHECK(report.sent == 0);
    CHECK(report.failed == 3);
    CHECK(counted(*store, Counter::Sent) == 0);
    CHECK(in_state(*store, store::PoolState::Pooled) == 3);

    // Not due before the first delay.
    transport.answer = nullptr;
    clock.advance(299s);
    report = flusher.round(transport);
    CHECK(report.sent == 0);
    CHECK(transport.accepted.empty());

    // Fail again: the second delay is twice the first.
    clock.advance(1s);
    transport.answer = [](const std::string&) {
        return SendResult::TempFail;
    };
    report = flusher.round(transport);
    CHECK(report.failed == 3);
    transport.answer = nullptr;
    clock.advance(599s);
    CHECK(flusher.round(transport).sent == 0);
    auto row = store->get(1);
    REQUIRE(row);
    CHECK(row->attempts == 2);
    clock.advance(1s);
    report = flusher.round(transport);
    CHECK(report.sent == 3);
    CHECK(counted(*store, Counter::Sent) == 3);
    CHECK(counted(*store, Counter::Retry) == 6);
    CHECK(rows_left(*store) == 0);  // sent rows are deleted, not kept
}

TEST_CASE("flusher: gives up after the configured time with one address-free line", "[flusher]") {
    Rig rig(5);
    auto& [db, store, clock, random, dummies, transport] = rig;
    transport.answer = [](const std::string&) {
        return SendResult::TempFail;
    };
    FlusherOptions options = send_all_options();
    options.retry.retry_base = 60s;
    options.retry.retry_max = 60s;
    options.retry.give_up_after = 180s;
    Flusher flusher(*store, clock, random, dummies, options);
    LogCapture logs;

    pool_messages(*store, 1, t0);
    for (int i = 0; i < 5; ++i) {
        (void)flusher.round(transport);
        clock.advance(60s);
    }
    CHECK(transport.attempts.size() == 3);  // waits 60 + 60 + 60 = give_up_after
    CHECK(counted(*store, Counter::Failed) == 1);
    CHECK(rows_left(*store) == 0);
    int give_up_lines = 0;
    for (const auto& line : logs.lines()) {
        CHECK(line.find('@') == std::string::npos);
        if (line.find("given up") != std::string::npos) ++give_up_lines;
    }
    CHECK(give_up_lines == 1);
}

TEST_CASE("flusher: PermFail fails the row at once", "[flusher]") {
    Rig rig(6);
    auto& [db, store, clock, random, dummies, transport] = rig;
    transport.answer = [](const std::string&) {
        return SendResult::PermFail;
    };
    FlusherOptions options = send_all_options();
    Flusher flusher(*store, clock, random, dummies, options);
    LogCapture logs;

    pool_messages(*store, 2, t0);
    const FlushReport report = flusher.round(transport);
    CHECK(report.failed == 2);
    CHECK(counted(*store, Counter::Failed) == 2);
    CHECK(rows_left(*store) == 0);
    clock.advance(24h);
    transport.attempts.clear();
    (void)flusher.round(transport);
    CHECK(transport.attempts.empty());
}

TEST_CASE("flusher: a crash between send and mark-sent resends after restart", "[flusher]") {
    TempDatabase db;
    ManualClock clock(t0);
    DeterministicRandom random(7);
    FakeDummyFactory dummies;
    FakeTransport transport;
    FlusherOptions options = send_all_options();
    {
        auto store = db.open();
        pool_messages(*store, 4, t0);
        FailingStore dying(*store);
        dying.fail_mark_sent = true;  // the process "dies" before the mark
        Flusher flusher(dying, clock, random, dummies, options);
        LogCapture logs;
        const FlushReport report = flusher.round(transport);
        CHECK(report.sent == 4);
        CHECK(in_state(*store, store::PoolState::Sending) == 4);
        CHECK(counted(*store, Counter::Sent) == 0);
    }
    // Restart: a new store on the same file, recovery, one more round.
    auto store = db.open();
    Flusher flusher(*store, clock, random, dummies, options);
    auto recovered = flusher.recover();
    REQUIRE(recovered);
    CHECK(*recovered == 4);
    const FlushReport report = flusher.round(transport);
    CHECK(report.sent == 4);
    CHECK(counted(*store, Counter::Sent) == 4);
    CHECK(rows_left(*store) == 0);
    // Every message went out twice: at least once, never lost.
    std::map<std::string, int> copies;
    for (const auto& m : transport.accepted) ++copies[m.message];
    CHECK(copies.size() == 4);
    for (const auto& [body, n] : copies) CHECK(n == 2);
}

TEST_CASE("flusher: rows stuck by a failing store are retried next round", "[flusher]") {
    Rig rig(8);
    auto& [db, store, clock, random, dummies, transport] = rig;
    FlusherOptions options = send_all_options();
    FailingStore flaky(*store);
    Flusher flusher(flaky, clock, random, dummies, options);
    LogCapture logs;

    pool_messages(*store, 2, t0);
    flaky.fail_mark_sent = true;
    (void)flusher.round(transport);
    CHECK(in_state(*store, store::PoolState::Sending) == 2);
    flaky.fail_mark_sent = false;
    (void)flusher.round(transport);
    CHECK(counted(*store, Counter::Sent) == 2);
    CHECK(rows_left(*store) == 0);
    // Accepted once each: the marks are settled, the rows never resent.
    CHECK(transport.accepted.size() == 2);

    flaky.fail_claim = true;
    pool_messages(*store, 1, t0, "x");
    const FlushReport report = flusher.round(transport);
    CHECK(report.sent == 0);
    CHECK(in_state(*store, store::PoolState::Pooled) == 1);
}

// The double delivery at an exit: the MTA took the row, its mark_sent
// failed (full disk), and the next round's recovery put it back in the pool.
TEST_CASE("flusher: an accepted row whose mark fails once is never sent again", "[flusher]") {
    Rig rig(9);
    auto& [db, store, clock, random, dummies, transport] = rig;
    FlusherOptions options = send_all_options();
    FailingStore flaky(*store);
    Flusher flusher(flaky, clock, random, dummies, options);
    LogCapture logs;

    pool_messages(*store, 3, t0);
    flaky.fail_mark_sent_times = 1;
    FlushReport report = flusher.round(transport);
    CHECK(report.sent == 3);
    CHECK(in_state(*store, store::PoolState::Sending) == 1);
    for (int i = 0; i < 3; ++i) {
        clock.advance(1h);
        (void)flusher.round(transport);
    }
    CHECK(transport.accepted.size() == 3);
    std::set<std::string> bodies;
    for (const auto& m : transport.accepted) bodies.insert(m.message);
    CHECK(bodies.size() == 3);
    CHECK(counted(*store, Counter::Sent) == 3);
    CHECK(rows_left(*store) == 0);
}

TEST_CASE("flusher: while an accepted row cannot be marked, nothing is recovered or sent",
          "[flusher]") {
    Rig rig(10);
    auto& [db, store, clock, random, dummies, transport] = rig;
    FlusherOptions options = send_all_options();
    FailingStore flaky(*store);
    Flusher flusher(flaky, clock, random, dummies, options);
    LogCapture logs;

    pool_messages(*store, 1, t0);
    flaky.fail_mark_sent = true;
    (void)flusher.round(transport);
    REQUIRE(transport.accepted.size() == 1);
    pool_messages(*store, 2, t0, "later");
    for (int i = 0; i < 3; ++i) {
        clock.advance(1h);
        (void)flusher.round(transport);
        CHECK(!flusher.recover());
    }
    CHECK(transport.accepted.size() == 1);
    CHECK(in_state(*store, store::PoolState::Sending) == 1);
    flaky.fail_mark_sent = false;
    clock.advance(1h);
    (void)flusher.round(transport);
    CHECK(transport.accepted.size() == 3);
    CHECK(counted(*store, Counter::Sent) == 3);
    CHECK(rows_left(*store) == 0);
}

TEST_CASE("flusher: time-triggered dummies join the pool", "[flusher]") {
    Rig rig(9);
    auto& [db, store, clock, random, dummies, transport] = rig;
    FlusherOptions options = quiet_options();
    options.dummies.time_triggered_min = 3;
    Flusher flusher(*store, clock, random, dummies, options);

    const FlushReport report = flusher.round(transport);  // 3 < n: nothing leaves
    CHECK(report.dummies == 3);
    CHECK(transport.attempts.empty());
    auto ids = store->ready_ids(to_unix(t0));
    REQUIRE(ids);
    REQUIRE(ids->size() == 3);
    auto row = store->get(ids->front());
    REQUIRE(row);
    CHECK(row->kind == store::PoolKind::Dummy);

    dummies.available = false;  // no known mixes: no dummies, no failure
    CHECK(flusher.round(transport).dummies == 0);
}

TEST_CASE("flusher: flush-triggered dummies leave with a flush, not without", "[flusher]") {
    Rig rig(10);
    auto& [db, store, clock, random, dummies, transport] = rig;
    FlusherOptions options = quiet_options();
    options.dummies.flush_triggered_min = 2;
    Flusher flusher(*store, clock, random, dummies, options);

    pool_messages(*store, 10, t0);  // below n = 45
    CHECK(flusher.round(transport).dummies == 0);
    CHECK(transport.attempts.empty());

    pool_messages(*store, 40, t0, "more");  // 50
    const FlushReport report = flusher.round(transport);
    CHECK(report.sent == 32);
    CHECK(report.dummies == 2);
    CHECK(transport.accepted.size() == 34);
    CHECK(in_state(*store, store::PoolState::Pooled) == 18);  // dummies never pooled
}

TEST_CASE("flusher: a throwing transport counts as TempFail", "[flusher]") {
    Rig rig(11);
    auto& [db, store, clock, random, dummies, transport] = rig;
    transport.answer = [](const std::string&) -> SendResult {
        throw std::runtime_error("socket closed");
    };
    FlusherOptions options = send_all_options();
    Flusher flusher(*store, clock, random, dummies, options);

    pool_messages(*store, 2, t0);
    FlushReport report;
    REQUIRE_NOTHROW(report = flusher.round(transport));
    CHECK(report.failed == 2);
    CHECK(in_state(*store, store::PoolState::Pooled) == 2);
}

TEST_CASE("flusher: a failing RNG aborts the round, not the thread", "[flusher]") {
    struct BrokenRandom final : Random {
        void fill(std::span<std::uint8_t>) override { throw std::runtime_error("no entropy"); }
    };
    TempDatabase db;
    auto store = db.open();
    ManualClock clock(t0);
    BrokenRandom broken;
    FakeDummyFactory dummies;
    FakeTransport transport;
    FlusherOptions options;  // dummies on: the first draw throws
    options.pool.min_pool = 0;
    options.pool.fraction = 1.0;
    Flusher flusher(*store, clock, broken, dummies, options);
    LogCapture logs;
    pool_messages(*store, 2, t0);
    FlushReport report;
    REQUIRE_NOTHROW(report = flusher.round(transport));
    CHECK(report.sent == 0);
    CHECK(in_state(*store, store::PoolState::Pooled) == 2);
    bool logged = false;
    for (const auto& line : logs.lines()) logged |= line.find("round aborted") != std::string::npos;
    CHECK(logged);
}

TEST_CASE("flusher: flush-triggered dummies are interleaved at random", "[flusher]") {
    Rig rig(12);
    auto& [db, store, clock, random, dummies, transport] = rig;
    FlusherOptions options = send_all_options();
    options.dummies.flush_triggered_min = 1;
    Flusher flusher(*store, clock, random, dummies, options);

    const std::string dummy_body(64, '\xD0');
    std::set<std::size_t> positions;
    for (int round = 0; round < 40; ++round) {
        pool_messages(*store, 3, clock.now(), "r" + std::to_string(round) + "-");
        transport.attempts.clear();
        const FlushReport report = flusher.round(transport);
        REQUIRE(report.sent == 3);
        REQUIRE(report.dummies == 1);
        REQUIRE(transport.attempts.size() == 4);
        for (std::size_t i = 0; i < 4; ++i) {
            if (transport.attempts[i].message == dummy_body) positions.insert(i);
        }
        clock.advance(15min);
    }
    CHECK(positions.size() == 4);  // first, middle and last all happen
}

TEST_CASE("flusher: rounds during concurrent commits send each message once", "[flusher]") {
    Rig rig(13);
    auto& [db, store, clock, random, dummies, transport] = rig;
    FlusherOptions options = quiet_options();
    options.pool.min_pool = 5;
    options.pool.fraction = 0.65;
    Flusher flusher(*store, clock, random, dummies, options);

    constexpr int writers = 4, per_writer = 150;
    std::atomic<int> committed{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            for (int i = 0; i < per_writer; ++i) {
                const std::string tag = std::to_string(w) + "/" + std::to_string(i);
                if (commit_pooled(*store, as_bytes(tag), t0 + 48h,
                                  mix_item("mixtasy@next.example", tag), t0))
                    ++committed;
            }
        });
    }
    std::size_t rounds = 0;
    while (committed < writers * per_writer || rounds < 5) {
        (void)flusher.round(transport);
        ++rounds;
        if (rounds > 10000) break;
    }
    for (auto& t : threads) t.join();
    // Drain what the policy keeps back.
    options.pool.min_pool = 0;
    options.pool.fraction = 1.0;
    Flusher drain(*store, clock, random, dummies, options);
    (void)drain.round(transport);

    REQUIRE(committed == writers * per_writer);
    std::map<std::string, int> copies;
    for (const auto& m : transport.accepted) ++copies[m.message];
    CHECK(copies.size() == static_cast<std::size_t>(writers * per_writer));
    for (const auto& [body, n] : copies) REQUIRE(n == 1);
    CHECK(counted(*store, Counter::Sent) == writers * per_writer);
    CHECK(rows_left(*store) == 0);
}

TEST_CASE("flusher: rows past the maximum age are deleted and counted by the sweep", "[flusher]") {
    // (Was the core adapter's sweep; the ages are the pool's now.)
    TempDatabase db;
    auto store = db.open();
    ManualClock clock(t0);
    DeterministicRandom random(12);
    FakeDummyFactory dummies;
    FlusherOptions options = quiet_options();
    options.ages.max_pool_age = 1h;
    Flusher flusher(*store, clock, random, dummies, options);
    store::NewPoolItem row = mix_item("n@x.example", "old");
    schedule(row, t0, options.ages);
    const store::StatDelta counted_pooled[] = {count(Counter::Pooled)};
    REQUIRE(store->enqueue_with_replay(
        {as_bytes(std::string_view("old")), to_unix(t0 + 2h), to_unix(t0)}, row, counted_pooled));
    auto swept = flusher.sweep(t0 + 30min);
    REQUIRE(swept);
    CHECK(*store->count_ready(to_unix(t0 + 30min)) == 1);
    swept = flusher.sweep(t0 + 1h);
    REQUIRE(swept);
    CHECK(swept->pool == 1);
    CHECK(*store->count_ready(to_unix(t0 + 1h)) == 0);
    CHECK(rows_left(*store) == 0);  // deleted, not kept as failed
    CHECK(counted(*store, Counter::Failed) == 1);
    // The replay entry lives until its own expiry, then goes.
    CHECK(*store->replay_seen(as_bytes(std::string_view("old"))));
    swept = flusher.sweep(t0 + 3h);
    REQUIRE(swept);
    CHECK(swept->replay == 1);
    CHECK_FALSE(*store->replay_seen(as_bytes(std::string_view("old"))));
}

TEST_CASE("flusher: the pool's default maximum age is two weeks", "[flusher]") {
    const OutboxAges ages;
    CHECK(ages.max_pool_age == 14 * 24h);
    store::NewPoolItem row = mix_item("n@x.example", "x");
    schedule(row, t0, ages);
    CHECK(row.enqueued_at == to_unix(t0));
    CHECK(row.next_attempt_at == to_unix(t0));
    CHECK(row.give_up_at == to_unix(t0 + 14 * 24h));
}

TEST_CASE("flusher: a service reply's retry and failure count as no mix traffic", "[flusher]") {
    Rig rig(8);
    auto& [db, store, clock, random, dummies, transport] = rig;
    transport.answer = [](const std::string& rcpt) {
        return rcpt == "refuse@else.example" ? SendResult::PermFail : SendResult::TempFail;
    };
    Flusher flusher(*store, clock, random, dummies, quiet_options());
    std::vector<store::PoolId> ids;
    for (const char* rcpt : {"later@else.example", "refuse@else.example"}) {
        store::NewPoolItem reply = outgoing(store::PoolKind::AdminReply, rcpt,
                                            "mixtasy@this.example", Bytes(64, 0xAD));
        schedule(reply, t0, OutboxAges{});
        auto id = store->enqueue(reply);
        REQUIRE(id);
        ids.push_back(*id);
    }
    const FlushReport report = flusher.send_now(ids, transport);
    CHECK(report.failed == 2);
    CHECK(in_state(*store, store::PoolState::Pooled) == 1);  // the temp-failed one waits
    CHECK(counted(*store, Counter::Retry) == 0);
    CHECK(counted(*store, Counter::Failed) == 0);
}
