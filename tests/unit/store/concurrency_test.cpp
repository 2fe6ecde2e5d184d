// SPDX-License-Identifier: BSD-2-Clause
// concurrency_test.cpp - many writer threads and one flusher on one store:
// every message is handed out exactly once, none is lost.
#include <atomic>
#include <map>
#include <mutex>
#include <random>
#include <thread>

#include "tests/unit/store/store_test_util.h"

using namespace mixtasy;
using namespace mixtasy::store;
using namespace mixtasy::store::test;

namespace {

struct Outcome {
    std::map<std::string, int> sent;  // payload -> times handed out
    std::size_t inserted = 0;
    std::size_t errors = 0;
};

Outcome run_writers_and_flusher(Store& store, int writers, int per_writer) {
    Outcome outcome;
    std::atomic<int> writers_left{writers};
    std::atomic<std::size_t> inserted{0};
    std::atomic<std::size_t> errors{0};
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
        threads.emplace_back([&, w] {
            for (int i = 0; i < per_writer; ++i) {
                std::string payload = "w" + std::to_string(w) + "-" + std::to_string(i);
                StatDelta pooled[] = {{"pooled", 1}};
                auto id = store.enqueue_with_replay({bv(payload), 99999, 1000}, item(payload, 1000),
                                                    pooled);
                if (id) ++inserted;
                else ++errors;
            }
            --writers_left;
        });
    }
    std::thread flusher([&] {
        std::mt19937_64 engine(7);
        UniformIndex uniform = [&](std::uint64_t bound) {
            return std::uniform_int_distribution<std::uint64_t>(0, bound - 1)(engine);
        };
        for (;;) {
            bool writers_done = writers_left.load() == 0;
            auto batch = store.claim_random_ready(1000, 5, uniform);
            if (!batch) {
                ++errors;
                continue;
            }
            for (const auto& row : *batch) {
                ++outcome.sent[std::string(as_chars(row.bytes))];
                if (!store.mark_sent(row.id, 1001)) ++errors;
            }
            if (batch->empty() && writers_done) break;
        }
    });
    for (auto& t : threads) t.join();
    flusher.join();
    outcome.inserted = inserted.load();
    outcome.errors = errors.load();
    return outcome;
}

}  // namespace

TEST_CASE("8 writer threads and a flusher: no duplicates, no losses", "[store][concurrency]") {
    TempDir dir;
    SqliteOptions options = options_for(dir.file("node.db"));
    options.busy_timeout = std::chrono::milliseconds(30000);
    auto store = open_store(options);
    const int writers = 8;
    const int per_writer = 60;
    Outcome outcome = run_writers_and_flusher(*store, writers, per_writer);
    CHECK(outcome.errors == 0);
    CHECK(outcome.inserted == static_cast<std::size_t>(writers * per_writer));
    CHECK(outcome.sent.size() == outcome.inserted);
    for (const auto& [payload, times] : outcome.sent) CHECK(times == 1);
    CHECK(*store->count_in_state(PoolState::Sent) == 0);  // sent rows are deleted
    CHECK(*store->count_in_state(PoolState::Pooled) == 0);
    CHECK(*store->count_in_state(PoolState::Sending) == 0);
    CHECK((*store->read_stats(0, 0))[0].value == writers * per_writer);
    CHECK(store->integrity_check());
}

TEST_CASE("more threads than connections wait for a free one", "[store][concurrency]") {
    TempDir dir;
    SqliteOptions options = options_for(dir.file("node.db"));
    options.max_connections = 2;
    options.durable = false;
    options.busy_timeout = std::chrono::milliseconds(30000);
    auto store = open_store(options);
    Outcome outcome = run_writers_and_flusher(*store, 8, 20);
    CHECK(outcome.errors == 0);
    CHECK(outcome.sent.size() == 160);
}

TEST_CASE("concurrent replays of one hash: exactly one wins", "[store][concurrency]") {
    TempDir dir;
    SqliteOptions options = options_for(dir.file("node.db"));
    options.busy_timeout = std::chrono::milliseconds(30000);
    auto store = open_store(options);
    std::atomic<int> won{0};
    std::atomic<int> replayed{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
        threads.emplace_back([&] {
            auto id = store->enqueue_with_replay({bv("the-one"), 9}, item("m"));
            if (id) ++won;
            else if (id.error().code == StoreError::Code::Replay) ++replayed;
        });
    }
    for (auto& t : threads) t.join();
    CHECK(won == 1);
    CHECK(replayed == 7);
    CHECK(*store->count_ready(1000) == 1);
}
