// flush_thread_test.cpp - rounds every interval, none at start, prompt stop.
#include "milter/flush_thread.h"

#include <catch2/catch.hpp>

#include <thread>

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
