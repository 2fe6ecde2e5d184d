// SPDX-License-Identifier: BSD-2-Clause
// core_test_support.h - fakes for core's outward interfaces (Transport,
// DummyFactory, a log capture), a temporary SQLite store and a store that
// forwards to another (to fail chosen calls), shared by the core unit tests.  Clock and Random need
// no fakes: core/ports/clock.h has ManualClock, core/ports/random.h DeterministicRandom.
#pragma once

#include <atomic>
#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "core/pool/flusher.h"
#include "core/pool/outbox.h"
#include "core/ports/log.h"
#include "core/ports/transport.h"
#include "core/stats/counters.h"
#include "store/open.h"
#include "store/store.h"
#include "tests/unit/temp_dir.h"

namespace mixtasy::core::testing {

using mixtasy::testing::TempDir;

// A database file in a fresh temporary directory, removed at the end.
class TempDatabase {
public:
    std::string path() const { return (dir_.path() / "node.db").string(); }

    store::SqliteOptions options() const {
        store::SqliteOptions options;
        options.path = path();
        options.durable = false;  // tests need no power-loss safety
        return options;
    }
    std::unique_ptr<store::Store> open() const { return open(options()); }
    static std::unique_ptr<store::Store> open(const store::SqliteOptions& options) {
        auto opened = store::open_sqlite(options);
        if (!opened) throw std::runtime_error("open store: " + opened.error().detail);
        return std::move(*opened);
    }

private:
    TempDir dir_;
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

    std::optional<store::NewPoolItem> make_dummy(Random& random) override {
        if (!available) return std::nullopt;
        ++made;
        return outgoing(store::PoolKind::Dummy,
                        "mixtasy@mix" + std::to_string(random.between(1, 4)) + ".example",
                        "mixtasy@this.example", Bytes(64, 0xD0));
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

inline store::NewPoolItem mix_item(const std::string& recipient, const std::string& body) {
    return outgoing(store::PoolKind::Mix, recipient, "mixtasy@this.example",
                    Bytes(body.begin(), body.end()));
}

// What the node does with a peeled message: replay entry, the row
// scheduled with the default OutboxAges, and its "pooled" counter, in one
// transaction.
inline store::Result<store::PoolId> commit_pooled(store::Store& store, ByteView hash,
                                                  Instant replay_expires, store::NewPoolItem row,
                                                  Instant now) {
    return pool_with_replay(store, {hash, to_unix(replay_expires), 0}, std::move(row), now,
                            OutboxAges{});
}

inline std::size_t in_state(store::Store& store, store::PoolState state) {
    auto n = store.count_in_state(state);
    if (!n) throw std::runtime_error("count_in_state: " + n.error().detail);
    return *n;
}

// Forwards every call to another store; a test overrides the calls it
// wants to fail.
class ForwardingStore : public store::Store {
public:
    explicit ForwardingStore(store::Store& inner) : inner_(inner) {}

    using store::Store::enqueue;
    using store::Store::enqueue_with_replay;
    using store::Store::recover_sending;
    using Stats = std::span<const store::StatDelta>;
    using Time = store::UnixTime;

    store::Result<int> schema_version() override { return inner_.schema_version(); }
    store::Result<bool> replay_seen(ByteView hash) override { return inner_.replay_seen(hash); }
    store::Result<void> record_replay(const store::ReplayEntry& r, Stats s, Time now) override {
        return inner_.record_replay(r, s, now);
    }
    store::Result<std::vector<store::PoolId>> enqueue_with_replay(
        const store::ReplayEntry& r, std::span<const store::NewPoolItem> items, Stats s) override {
        return inner_.enqueue_with_replay(r, items, s);
    }
    store::Result<std::vector<store::PoolId>> enqueue(std::span<const store::NewPoolItem> items,
                                                      Stats s) override {
        return inner_.enqueue(items, s);
    }
    store::Result<std::size_t> count_ready(Time now) override { return inner_.count_ready(now); }
    store::Result<std::size_t> count_in_state(store::PoolState state) override {
        return inner_.count_in_state(state);
    }
    store::Result<std::vector<store::PoolItem>> claim_random_ready(
        Time now, std::size_t k, const store::UniformIndex& uniform) override {
        return inner_.claim_random_ready(now, k, uniform);
    }
    store::Result<std::vector<store::PoolItem>> claim(std::span<const store::PoolId> ids,
                                                      Time now) override {
        return inner_.claim(ids, now);
    }
    store::Result<std::vector<store::PoolId>> ready_ids(Time now) override {
        return inner_.ready_ids(now);
    }
    store::Result<store::PoolItem> get(store::PoolId id) override { return inner_.get(id); }
    store::Result<std::string> fix_delivery_id(store::PoolId id,
                                               std::string_view candidate) override {
        return inner_.fix_delivery_id(id, candidate);
    }
    store::Result<void> mark_sent(store::PoolId id, Time now, Stats s) override {
        return inner_.mark_sent(id, now, s);
    }
    store::Result<void> mark_retry(store::PoolId id, Time next, Stats s) override {
        return inner_.mark_retry(id, next, s);
    }
    store::Result<void> mark_failed(store::PoolId id, Time now, Stats s) override {
        return inner_.mark_failed(id, now, s);
    }
    store::Result<std::size_t> give_up_expired(Time now, std::string_view counted_as) override {
        return inner_.give_up_expired(now, counted_as);
    }
    store::Result<std::size_t> recover_sending(Time claimed_before) override {
        return inner_.recover_sending(claimed_before);
    }
    store::Result<store::PartAdded> add_part_with_replay(const store::ReplayEntry& r,
                                                         const store::NewPart& p,
                                                         Stats s) override {
        return inner_.add_part_with_replay(r, p, s);
    }
    store::Result<store::PartAdded> add_part(const store::NewPart& p) override {
        return inner_.add_part(p);
    }
    store::Result<std::uint32_t> count_parts(std::string_view id) override {
        return inner_.count_parts(id);
    }
    store::Result<std::optional<std::vector<Bytes>>> take_parts(std::string_view id) override {
        return inner_.take_parts(id);
    }
    store::Result<std::optional<std::vector<store::PoolId>>> take_parts_and_enqueue(
        std::string_view id, Time now, const store::PartsAssembler& a, Stats s) override {
        return inner_.take_parts_and_enqueue(id, now, a, s);
    }
    store::Result<store::PartStored> add_part_and_complete(const store::ReplayEntry& r,
                                                           const store::NewPart& p,
                                                           const store::PartQuota& q,
                                                           const store::PartCompletion& c,
                                                           Stats s) override {
        return inner_.add_part_and_complete(r, p, q, c, s);
    }
    store::Result<void> close_set_with_replay(const store::ReplayEntry& r, std::string_view id,
                                              const store::ReplayEntry& mark) override {
        return inner_.close_set_with_replay(r, id, mark);
    }
    store::Result<void> put_key(const store::KeyRecord& key) override {
        return inner_.put_key(key);
    }
    store::Result<store::KeyRecord> get_key(std::string_view fp) override {
        return inner_.get_key(fp);
    }
    store::Result<std::vector<store::KeyRecord>> list_keys() override { return inner_.list_keys(); }
    store::Result<void> delete_key(std::string_view fp) override { return inner_.delete_key(fp); }
    store::Result<void> put_published_key(std::string_view a, ByteView k, Time now) override {
        return inner_.put_published_key(a, k, now);
    }
    store::Result<Bytes> get_published_key(std::string_view a) override {
        return inner_.get_published_key(a);
    }
    store::Result<void> add_stats(Time now, Stats s) override { return inner_.add_stats(now, s); }
    store::Result<std::vector<store::StatRow>> read_stats(std::int64_t first,
                                                          std::int64_t last) override {
        return inner_.read_stats(first, last);
    }
    store::Result<std::size_t> sweep_replay(Time now) override { return inner_.sweep_replay(now); }
    store::Result<std::size_t> sweep_parts(Time now) override { return inner_.sweep_parts(now); }
    store::Result<bool> truncate_journal() override { return inner_.truncate_journal(); }
    store::Result<void> integrity_check() override { return inner_.integrity_check(); }

private:
    store::Store& inner_;
};

}  // namespace mixtasy::core::testing
