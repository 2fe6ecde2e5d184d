// SPDX-License-Identifier: BSD-2-Clause
// flush_thread_test.cpp - rounds every interval, none at start, prompt stop.
#include "milter/flush_thread.h"

#include <catch2/catch.hpp>

#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "milter/log.h"
#include "tests/unit/milter/fakes.h"

using namespace mixtasy;
using namespace mixtasy::milter;

namespace {
class NullTransport : public core::Transport {
public:
    core::SendResult send(const core::OutgoingMessage&) override {
        return core::SendResult::Accepted;
    }
};
}  // namespace

TEST_CASE("flush thread: first round after one interval, then every interval", "[flush]") {
    testing::FakeNode node;
    node.interval = std::chrono::seconds(1);
    NullTransport transport;
    FlushThread flusher(node, transport);
    flusher.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    CHECK(flusher.rounds() == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(2000));
    flusher.stop();
    CHECK(flusher.rounds() == 2);
    CHECK(node.flushes == 2);
}

TEST_CASE("flush thread: stop is prompt even with a long interval", "[flush]") {
    testing::FakeNode node;
    node.interval = std::chrono::seconds(3600);
    NullTransport transport;
    FlushThread flusher(node, transport);
    flusher.start();
    const auto start = std::chrono::steady_clock::now();
    flusher.stop();
    CHECK(std::chrono::steady_clock::now() - start < std::chrono::milliseconds(500));
    CHECK(flusher.rounds() == 0);
    flusher.stop();  // idempotent
}

TEST_CASE("flush thread: reschedule applies a shorter interval at once", "[flush]") {
    testing::FakeNode node;
    node.interval = std::chrono::seconds(3600);
    NullTransport transport;
    FlushThread flusher(node, transport);
    flusher.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    node.interval = std::chrono::seconds(1);  // a reload shortened PoolInterval
    flusher.reschedule();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    flusher.stop();
    CHECK(flusher.rounds() == 1);  // not after the hour
}

TEST_CASE("flush thread: the default log does not count dummies per round", "[flush][log]") {
    testing::FakeNode node;
    node.interval = std::chrono::seconds(1);
    node.report.sent = 3;
    node.report.failed = 1;
    node.report.dummies = 2;
    std::vector<std::pair<LogLevel, std::string>> lines;
    std::mutex lines_mutex;
    log_set_level(LogLevel::Info);
    log_capture([&](LogLevel level, std::string_view line) {
        std::lock_guard lock(lines_mutex);
        lines.emplace_back(level, std::string(line));
    });
    NullTransport transport;
    FlushThread flusher(node, transport);
    flusher.start();
    std::this_thread::sleep_for(std::chrono::milliseconds(1500));
    flusher.stop();
    log_capture({});
    REQUIRE(flusher.rounds() == 1);
    bool deferred_line = false;
    for (const auto& [level, line] : lines) {
        INFO(line);
        CHECK(line.find("dumm") == std::string::npos);
        deferred_line = deferred_line || line == "pool round: 1 deferred or failed";
    }
    CHECK(deferred_line);
}
