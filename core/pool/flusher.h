// SPDX-License-Identifier: BSD-2-Clause
// flusher.h - one round of the pool: cover traffic in, messages out.
//
// WHAT IT DOES
//   Flusher::round(transport), called every PoolParameters::interval by one
//   thread (the milter's flush thread, via Node::flush_round):
//     1. sweeps the store: rows past OutboxAges::max_pool_age are deleted
//        and counted as failed, then expired replay entries and part sets
//        (core/pool/outbox.h),
//     2. adds the time-triggered dummies of core/pool/dummy_policy.h to the pool,
//     3. counts the ready rows m and computes k = messages_to_send(m)
//        (core/pool/pool_policy.h),
//     4. claims k ready rows uniformly at random and hands each to the
//        Transport:  Accepted -> deleted (mark_sent);  TempFail -> back to
//        the pool with an increasing delay;  PermFail -> deleted as failed,
//        one log line.  An Exit row first gets its delivery id, fixed in
//        the store at its first send and reused on a repeat, and is sent as
//        the SendStamp stamps it now (core/pool/send_stamp.h: the exit's
//        Date is the send time, its Message-ID that delivery id),
//     5. sends the flush-triggered dummies straight to the Transport (never
//        pooled; a dummy that fails is simply dropped), interleaved with
//        the rows of step 4 in one uniformly random order.
//     6. at most every journal_truncate_interval, and only after rows were
//        deleted, has the store truncate its journal (truncate_journal()),
//        so the pages of sent rows do not linger in SQLite's WAL.
//   FlushReport counts rows the Transport accepted (sent), rows it did not
//   (failed: retried later or given up), and dummies made (time-triggered
//   ones pooled plus flush-triggered ones accepted).
//   recover() returns rows left "sending" by a crash to the pool; call it
//   once before the first round.  ONE Flusher owns a store's pool.  Such
//   rows are sent again: at least once, and the next mix's replay cache
//   makes it exactly once.
//   send_now(ids, transport) sends the given rows at once, as step 4 does
//   (`mixtasy process --immediate`: only what its message produced, never
//   the rest of a pool a daemon may share).
//
// BACKOFF
//   After the i-th failed attempt (i = 1, 2, ...) a row waits
//   min(retry_base * 2^(i-1), retry_max).  When the total of those waits
//   reaches give_up_after, the row is failed instead of retried, with one
//   log line that holds the pool id and the attempt count, no address.
//
// WHAT IT GUARANTEES
//   A row is marked sent only after the Transport returned Accepted, in its
//   own store transaction right after that answer, never batched with
//   another row's.  Every state change counts itself (core/stats/counters.h: Dummy, Sent,
//   Retry, Failed) in the same store transaction, except for service
//   replies (PoolKind::AdminReply), which are no mix traffic.  A
//   store failure is logged and leaves the row "sending", never lost; the
//   next round first returns such rows to the pool.  An ACCEPTED row whose
//   mark_sent failed is never among them: the flusher remembers it and the
//   next round marks it sent before it recovers or sends anything (and
//   skips the round while that mark still fails), so a running flusher
//   hands no accepted row to the MTA twice.  Only a restart while such a
//   mark is pending resends it (the crash window: the next mix's replay
//   cache drops a repeated hop, an exit repeat keeps its Message-ID).
//   Never throws:
//   exceptions from the Transport or the DummyFactory count as TempFail.
//
// WHAT IT REFUSES
//   More than max_per_round messages per round, whatever the policy says.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "core/pool/dummy_factory.h"
#include "core/pool/dummy_policy.h"
#include "core/pool/outbox.h"
#include "core/pool/pool_policy.h"
#include "core/pool/send_stamp.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/ports/transport.h"
#include "store/store.h"

namespace mixtasy::core {

struct FlushReport {
    std::size_t sent = 0;
    std::size_t failed = 0;
    std::size_t dummies = 0;
};

struct RetryParameters {
    std::chrono::seconds retry_base{5 * 60};
    std::chrono::seconds retry_max{4 * 60 * 60};
    std::chrono::seconds give_up_after{5 * 24 * 60 * 60};
};

struct FlusherOptions {
    PoolParameters pool;
    DummyParameters dummies;
    RetryParameters retry;
    OutboxAges ages;  // of the dummies it pools, and for its sweeps
    std::size_t max_per_round = 10000;
    // Why a minimum: a TRUNCATE checkpoint costs an fsync and briefly holds
    // off writers; at the default pool interval (15 min) every round that
    // sent something truncates, with a short test interval not every one.
    std::chrono::seconds journal_truncate_interval{60};
};

// Delay before the next attempt after `failed_attempts` failures (>= 1).
std::chrono::seconds retry_delay(const RetryParameters& retry, std::int64_t failed_attempts);
// True once the waits after `failed_attempts` failures add up to give_up_after.
bool should_give_up(const RetryParameters& retry, std::int64_t failed_attempts);

class Flusher {
public:
    // Exit rows are sent as pooled, without a stamp.
    Flusher(store::Store& store, Clock& clock, Random& random, DummyFactory& dummies,
            FlusherOptions options);
    // Exit rows get their Date and Message-ID from `stamp` when they leave.
    Flusher(store::Store& store, Clock& clock, Random& random, DummyFactory& dummies,
            SendStamp& stamp, FlusherOptions options);

    // Rows left "sending" by a crash back to the pool; how many, or the
    // store's failure.
    store::Result<std::size_t> recover();
    FlushReport round(Transport& transport);
    // Step 1 of a round on its own: rows past max_pool_age deleted (counted
    // as failed), then the store's expiry sweeps.
    store::Result<store::SweepReport> sweep(Instant now);

    // These rows only, at once, outside any round (`mixtasy process
    // --immediate`): claimed, sent and marked like a round's rows.  Rows
    // another flusher already claimed are left to it.
    FlushReport send_now(std::span<const store::PoolId> ids, Transport& transport);
    // New pool parameters (t, n, f_min, frac) from the next round on (reload).
    void set_pool(const PoolParameters& pool) { options_.pool = pool; }

    const FlusherOptions& options() const noexcept { return options_; }

private:
    void run_round(Transport& transport, FlushReport& report);
    void add_time_triggered_dummies(Instant now, FlushReport& report);
    bool send_pooled(Transport& transport, const store::PoolItem& row, FlushReport& report);
    // The identifier an Exit row goes out under, fixed in the store.
    store::Result<std::string> fixed_delivery_id(const store::PoolItem& row);
    bool mark_after(const store::PoolItem& row, SendResult result, FlushReport& report);
    // Marks the rows accepted_unmarked_ holds; false while the store fails.
    bool settle_accepted();
    void truncate_journal_if_due();
    void send_interleaved(Transport& transport, const std::vector<store::PoolItem>& rows,
                          FlushReport& report);

    store::Store& store_;
    Clock& clock_;
    Random& random_;
    DummyFactory& dummies_;
    SendStamp* stamp_ = nullptr;
    FlusherOptions options_;
    bool store_trouble_ = false;  // rows may be stuck in "sending"
    // Rows the Transport accepted whose mark_sent failed: still "sending"
    // in the store, and must never be recovered into the pool.
    struct Accepted {
        store::PoolId id;
        bool counted;  // false for a service reply, which is no mix traffic
    };
    std::vector<Accepted> accepted_unmarked_;
    // Rows were deleted since the journal was last truncated.  True at
    // start: a crash may have come between a delete and its truncation.
    bool journal_dirty_ = true;
    std::optional<Instant> journal_truncated_at_;
};

}  // namespace mixtasy::core
