// core_test_support.h - fakes for core's outward interfaces (Transport,
// DummyFactory, a log capture) and a temporary SQLite store, shared by the
// core unit tests.  Clock and Random need no fakes: core/ports/clock.h has
// ManualClock, core/ports/random.h DeterministicRandom.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "core/pool/flusher.h"
#include "core/ports/log.h"
#include "core/node/sqlite_store.h"
#include "core/ports/transport.h"

namespace mixtasy::core::testing {

// A database file in a fresh temporary directory, removed at the end.
class TempDatabase {
public:
    TempDatabase() {
        static std::atomic<int> counter{0};
        dir_ = std::filesystem::temp_directory_path() /
               ("mixtasy-core-test-" + std::to_string(::getpid()) + "-" +
                std::to_string(counter++));
        std::filesystem::remove_all(dir_);
        std::filesystem::create_directories(dir_);
    }
    ~TempDatabase() {
        std::error_code ignored;
        std::filesystem::remove_all(dir_, ignored);
    }
    std::string path() const { return (dir_ / "node.db").string(); }

    std::unique_ptr<SqliteStore> open() const {
        SqliteStoreOptions options;
        options.path = path();
        options.durable = false;  // tests need no power-loss safety
        auto opened = SqliteStore::open(options);
        if (!opened) throw std::runtime_error("open store: " + opened.error().detail);
        return std::move(*opened);
    }

private:
    std::filesystem::path dir_;
};

struct SentMessage {
    std::string envelope_from;
    std::string recipient;
    std::string message;
};

// Records every message; answers with `answer(recipient)` (Accepted by
// default).
class FakeTransport final : public Transport {
public:
    std::function<SendResult(const std::string& recipient)> answer;
    std::vector<SentMessage> attempts;  // every send() call
    std::vector<SentMessage> accepted;  // those answered Accepted

    SendResult send(const OutgoingMessage& msg) override {
        SentMessage copy{msg.envelope_from, msg.recipient, std::string(as_chars(msg.message))};
        attempts.push_back(copy);
        const SendResult result = answer ? answer(msg.recipient) : SendResult::Accepted;
        if (result == SendResult::Accepted) accepted.push_back(std::move(copy));
        return result;
    }
};

class FakeDummyFactory final : public DummyFactory {
public:
    bool available = true;
    std::size_t made = 0;

    std::optional<OutgoingItem> make_dummy(Random& random) override {
        if (!available) return std::nullopt;
        ++made;
        OutgoingItem item;
        item.kind = ItemKind::Dummy;
        item.recipient = "mixtasy@mix" + std::to_string(random.between(1, 4)) + ".example";
        item.envelope_from = "mixtasy@this.example";
        item.message = Bytes(64, 0xD0);
        return item;
    }
};

// Collects log lines while alive; restores the stderr sink afterwards.
class LogCapture {
public:
    LogCapture() {
        set_log_sink([this](LogLevel, std::string_view line) {
            std::lock_guard lock(mutex_);
            lines_.emplace_back(line);
        });
    }
    ~LogCapture() { set_log_sink({}); }
    std::vector<std::string> lines() const {
        std::lock_guard lock(mutex_);
        return lines_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> lines_;
};

inline OutgoingItem mix_item(const std::string& recipient, const std::string& body) {
    OutgoingItem item;
    item.kind = ItemKind::Mix;
    item.recipient = recipient;
    item.envelope_from = "mixtasy@this.example";
    item.message = Bytes(body.begin(), body.end());
    return item;
}

}  // namespace mixtasy::core::testing
