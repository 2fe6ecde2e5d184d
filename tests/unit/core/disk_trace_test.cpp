// SPDX-License-Identifier: BSD-2-Clause
// disk_trace_test.cpp - after a run of messages through real nodes, a
// seized disk and the default log name no next hop and no recipient of a
// message already sent (issue 11, High 3; DESIGN section 8).
#include <catch2/catch.hpp>

#include <fstream>
#include <iterator>
#include <mutex>

#include "core/ports/log.h"
#include "core/sender/creator.h"
#include "core_test_util.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::testing;
using namespace std::chrono_literals;

namespace {

std::string file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// What a seized disk shows of one node's store: the database, its WAL and
// its shared-memory index.
std::string store_bytes(const TestNode& node) {
    const std::filesystem::path db = node.home / "node.db";
    return file_bytes(db) + file_bytes(db.string() + "-wal") + file_bytes(db.string() + "-shm");
}

// Every line that passes the default level, as the daemon's syslog sink
// would get it.
class DefaultLevelLog {
public:
    DefaultLevelLog() {
        set_log_level(LogLevel::Info);
        set_log_sink([this](LogLevel, std::string_view line) {
            std::lock_guard lock(mutex_);
            text_.append(line).push_back('\n');
        });
    }
    ~DefaultLevelLog() { set_log_sink({}); }
    std::string text() const {
        std::lock_guard lock(mutex_);
        return text_;
    }

private:
    mutable std::mutex mutex_;
    std::string text_;
};

// A path of four distinct mixes, ending at any of them.
std::vector<std::string> random_path(TestNet& net) {
    std::vector<std::string> mixes = net.addresses();
    for (std::size_t i = mixes.size(); i > 1; --i)
        std::swap(mixes[i - 1], mixes[net.random->uniform(i)]);
    return mixes;
}

}  // namespace

TEST_CASE("after N messages, no store file and no default log line names a sent hop",
          "[core][node][anonymity]") {
    DefaultLevelLog log_lines;
    TestNet net(4);
    constexpr int messages = 24;
    std::vector<std::string> names = net.addresses();  // every mix is some message's next hop
    for (int i = 0; i < messages; ++i) {
        const std::string recipient =
            "rcpt" + std::to_string(i) + "@dest" + std::to_string(i) + ".example";
        names.push_back(recipient);
        const std::string original =
            "To: " + recipient + "\r\nSubject: n" + std::to_string(i) + "\r\n\r\nbody\r\n";
        const std::vector<std::string> path = random_path(net);
        auto created =
            create_messages(net.ring, path, as_bytes(original), net.clock->now(), *net.random);
        REQUIRE(created);
        REQUIRE(created->size() == 1);
        auto out = run_path(net, path, created->front().message);
        REQUIRE(out.size() == 1);
        CHECK(out[0].recipient == recipient);
        net.clock->advance(10s);
    }
    // The pools are empty now; the next rounds of each node's flusher, past
    // the journal's minimum interval, cut the WAL.
    net.clock->advance(2min);
    for (auto& node : net.nodes) {
        CapturingTransport nothing;
        node.node->flush_round(nothing);
        CHECK(nothing.sent.empty());
    }
    for (auto& node : net.nodes) {
        INFO(node.address);
        const std::string disk = store_bytes(node);
        CHECK(disk.size() > 0);
        for (const std::string& name : names) {
            INFO(name);
            CHECK(disk.find(name) == std::string::npos);
        }
    }
    const std::string logged = log_lines.text();
    for (const std::string& name : names) {
        INFO(name);
        CHECK(logged.find(name) == std::string::npos);
    }
}
