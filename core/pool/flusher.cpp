// SPDX-License-Identifier: BSD-2-Clause
// flusher.cpp - one pool round: housekeeping, dummies in, k random rows
// out, flush-triggered dummies beside them.
#include "core/pool/flusher.h"

#include <algorithm>
#include <exception>
#include <string>

#include "core/pool/pool_policy.h"
#include "core/ports/log.h"
#include "core/stats/counters.h"

namespace mixtasy::core {
namespace {

std::chrono::seconds at_least_one_second(std::chrono::seconds s) {
    return s.count() < 1 ? std::chrono::seconds{1} : s;
}

void log_store_failure(const char* during, const store::StoreError& failure) {
    log(LogLevel::Warning, std::string("flush: store ") + store::to_string(failure.code) +
                               " during " + during + ": " + failure.detail);
}

// The Transport is someone else's code; an exception from it must not end
// the flush thread.  Unknown outcome = not accepted = try again later.
SendResult send_guarded(Transport& transport, const OutgoingMessage& message) {
    try {
        return transport.send(message);
    } catch (...) {
        return SendResult::TempFail;
    }
}

std::optional<store::NewPoolItem> make_dummy_guarded(DummyFactory& factory, Random& random) {
    try {
        return factory.make_dummy(random);
    } catch (...) {
        return std::nullopt;
    }
}

// A pooled row and a flush-triggered dummy leave the same way.
template <typename Row>
OutgoingMessage to_message(const Row& row) {
    return OutgoingMessage{row.envelope_from, row.next_hop, ByteView(row.bytes)};
}

// An exception from the stamp (allocation) means: not now, retry later.
std::optional<Bytes> stamp_guarded(SendStamp& stamp, ByteView message, std::string_view id,
                                   Instant now) {
    try {
        return stamp.stamp(message, id, now);
    } catch (...) {
        return std::nullopt;
    }
}

// The counters a row's outcome adds: none for a service reply (keys@,
// remailer-*), which is no mix traffic.
std::span<const store::StatDelta> mix_traffic_stats(bool counted,
                                             std::span<const store::StatDelta> stats) {
    return counted ? stats : std::span<const store::StatDelta>{};
}

}  // namespace

std::chrono::seconds retry_delay(const RetryParameters& retry, std::int64_t failed_attempts) {
    const std::chrono::seconds base = at_least_one_second(retry.retry_base);
    const std::chrono::seconds max = std::max(base, retry.retry_max);
    std::chrono::seconds delay = base;
    for (std::int64_t i = 1; i < failed_attempts && delay < max; ++i) {
        delay = delay > max / 2 ? max : delay * 2;
    }
    return std::min(delay, max);
}

bool should_give_up(const RetryParameters& retry, std::int64_t failed_attempts) {
    if (failed_attempts <= 0) return false;
    const std::chrono::seconds max =
        std::max(at_least_one_second(retry.retry_base), retry.retry_max);
    std::chrono::seconds waited{0};
    std::int64_t i = 1;
    // Doubling phase: at most ~63 steps before the delay reaches max.
    for (; i <= failed_attempts; ++i) {
        const std::chrono::seconds delay = retry_delay(retry, i);
        waited += delay;
        if (waited >= retry.give_up_after) return true;
        if (delay >= max) {
            ++i;
            break;
        }
    }
    if (i > failed_attempts) return false;
    // Flat phase: every further wait is max; no loop over a huge count.
    const std::int64_t remaining_attempts = failed_attempts - i + 1;
    const std::int64_t still_needed = (retry.give_up_after - waited).count();
    return remaining_attempts >= (still_needed + max.count() - 1) / max.count();
}

Flusher::Flusher(store::Store& store, Clock& clock, Random& random, DummyFactory& dummies,
                 FlusherOptions options)
    : store_(store),
      clock_(clock),
      random_(random),
      dummies_(dummies),
      options_(std::move(options)) {}

Flusher::Flusher(store::Store& store, Clock& clock, Random& random, DummyFactory& dummies,
                 SendStamp& stamp, FlusherOptions options)
    : Flusher(store, clock, random, dummies, std::move(options)) {
    stamp_ = &stamp;
}

store::Result<std::size_t> Flusher::recover() {
    // An accepted row must be marked, never returned to the pool.
    if (!settle_accepted())
        return Unexpected{
            store::StoreError{store::StoreError::Code::Io, "accepted rows not yet marked sent"}};
    auto recovered = store_.recover_sending();
    if (recovered) {
        store_trouble_ = false;
        if (*recovered > 0)
            log(LogLevel::Notice, "flush: " + std::to_string(*recovered) +
                                      " pool rows were in flight at the last stop; resending");
    }
    return recovered;
}

FlushReport Flusher::round(Transport& transport) {
    FlushReport report;
    try {
        run_round(transport, report);
        truncate_journal_if_due();
    } catch (const std::exception& e) {
        // Only our own allocation or the system RNG can get here; the flush
        // thread must survive it.  Rows already claimed stay "sending" and
        // are returned to the pool next round.
        store_trouble_ = true;
        log(LogLevel::Error, std::string("flush: round aborted: ") + e.what());
    } catch (...) {
        store_trouble_ = true;
        log(LogLevel::Error, "flush: round aborted");
    }
    return report;
}

bool Flusher::settle_accepted() {
    // Why before recover(): recovery returns EVERY "sending" row to the
    // pool, also one the MTA already took; resending it was a double
    // delivery at an exit.  So an accepted row is marked first, and while
    // that still fails nothing is recovered and nothing new is sent.
    const Instant now = clock_.now();
    while (!accepted_unmarked_.empty()) {
        const Accepted row = accepted_unmarked_.back();
        const store::StatDelta counted[] = {count(Counter::Sent)};
        auto marked = store_.mark_sent(row.id, to_unix(now), mix_traffic_stats(row.counted, counted));
        if (!marked && marked.error().code != store::StoreError::Code::NotFound) {
            log_store_failure("mark-sent (settling)", marked.error());
            return false;
        }
        // NotFound: no longer "sending" (another process recovered it).
        accepted_unmarked_.pop_back();
        journal_dirty_ = true;
    }
    return true;
}

void Flusher::run_round(Transport& transport, FlushReport& report) {
    if (!settle_accepted()) return;
    // Rows a failed store left "sending" in the last round would otherwise
    // wait for a restart; one flusher owns the pool, so none is in flight now.
    if (store_trouble_ && !recover()) return;

    const Instant start = clock_.now();
    if (auto swept = sweep(start); !swept) log_store_failure("sweep", swept.error());

    add_time_triggered_dummies(start, report);

    auto ready = store_.count_ready(to_unix(start));
    if (!ready) {
        log_store_failure("count", ready.error());
        store_trouble_ = true;
        return;
    }
    const std::size_t k = std::min(messages_to_send(options_.pool, *ready), options_.max_per_round);
    if (k == 0) return;

    const store::UniformIndex uniform = [this](std::uint64_t bound) {
        return random_.uniform(bound);
    };
    auto claimed = store_.claim_random_ready(to_unix(start), k, uniform);
    if (!claimed) {
        log_store_failure("claim", claimed.error());
        store_trouble_ = true;
        return;
    }
    send_interleaved(transport, *claimed, report);
}

FlushReport Flusher::send_now(std::span<const store::PoolId> ids, Transport& transport) {
    FlushReport report;
    if (ids.empty()) return report;
    auto claimed = store_.claim(ids, to_unix(clock_.now()));
    if (!claimed) {
        log_store_failure("claim", claimed.error());
        return report;
    }
    for (const store::PoolItem& row : *claimed) send_pooled(transport, row, report);
    return report;
}

store::Result<store::SweepReport> Flusher::sweep(Instant now) {
    // Rows past their maximum age are deleted and counted as failed, in the
    // store's sweep, like any other row that ends.
    MIXTASY_TRY(report, store_.sweep(to_unix(now), to_string(Counter::Failed)));
    if (report->pool + report->replay + report->parts > 0) journal_dirty_ = true;
    return report;
}

void Flusher::truncate_journal_if_due() {
    if (!journal_dirty_) return;
    const Instant now = clock_.now();
    if (journal_truncated_at_ && now - *journal_truncated_at_ < options_.journal_truncate_interval)
        return;
    auto truncated = store_.truncate_journal();
    if (!truncated) {
        log_store_failure("journal truncation", truncated.error());
        return;
    }
    // Busy (a reader elsewhere): stays dirty, the next round tries again.
    if (!*truncated) return;
    journal_dirty_ = false;
    journal_truncated_at_ = now;
}

void Flusher::send_interleaved(Transport& transport, const std::vector<store::PoolItem>& rows,
                               FlushReport& report) {
    // Flush-triggered dummies (seed 000 6.6) leave with this flush, never
    // pooled.  Pooled rows and dummies go out in one random order, so
    // neither the position of a dummy nor the store's row order says
    // anything to an observer of the outgoing SMTP sessions.
    std::vector<store::NewPoolItem> extra;
    const std::size_t wanted = flush_triggered_dummies(options_.dummies, rows.size(), random_);
    for (std::size_t i = 0; i < wanted; ++i) {
        std::optional<store::NewPoolItem> dummy = make_dummy_guarded(dummies_, random_);
        if (!dummy) break;
        extra.push_back(std::move(*dummy));
    }
    std::vector<std::size_t> order(rows.size() + extra.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    for (std::size_t i = order.size(); i > 1; --i)
        std::swap(order[i - 1], order[random_.uniform(i)]);

    for (std::size_t index : order) {
        if (index < rows.size()) {
            if (!send_pooled(transport, rows[index], report)) store_trouble_ = true;
        } else {
            // A dummy that does not get through is not retried: its only
            // job was to leave with this flush.
            const store::NewPoolItem& dummy = extra[index - rows.size()];
            if (send_guarded(transport, to_message(dummy)) == SendResult::Accepted)
                ++report.dummies;
        }
    }
}

void Flusher::add_time_triggered_dummies(Instant now, FlushReport& report) {
    const std::size_t wanted = time_triggered_dummies(options_.dummies, random_);
    for (std::size_t i = 0; i < wanted; ++i) {
        std::optional<store::NewPoolItem> dummy = make_dummy_guarded(dummies_, random_);
        if (!dummy) return;  // no known mixes yet: nothing to hide in
        dummy->kind = store::PoolKind::Dummy;
        schedule(*dummy, now, options_.ages);
        const store::StatDelta counted[] = {count(Counter::Dummy)};
        if (auto id = store_.enqueue(*dummy, counted); !id) {
            log_store_failure("dummy enqueue", id.error());
            return;
        }
        ++report.dummies;
    }
}

store::Result<std::string> Flusher::fixed_delivery_id(const store::PoolItem& row) {
    if (!row.delivery_id.empty()) return row.delivery_id;  // a repeat: same id
    return store_.fix_delivery_id(row.id, stamp_->delivery_id(random_));
}

bool Flusher::send_pooled(Transport& transport, const store::PoolItem& row, FlushReport& report) {
    if (row.kind != store::PoolKind::Exit || stamp_ == nullptr)
        return mark_after(row, send_guarded(transport, to_message(row)), report);
    // The id is durable before the MTA sees the message: if we die after
    // the MTA's yes and before the mark, the repeat has the same Message-ID.
    // (An exception here aborts the round; the row, still "sending", is
    // returned to the pool at the next one.)
    const store::Result<std::string> id = fixed_delivery_id(row);
    if (!id) {
        log_store_failure("delivery-id", id.error());
        return false;  // stays "sending"; returned to the pool next round
    }
    // Date is the time it leaves, not when it arrived (issue 11, High 2).
    const std::optional<Bytes> stamped = stamp_guarded(*stamp_, row.bytes, *id, clock_.now());
    if (!stamped) return mark_after(row, SendResult::TempFail, report);
    const OutgoingMessage message{row.envelope_from, row.next_hop, ByteView(*stamped)};
    return mark_after(row, send_guarded(transport, message), report);
}

bool Flusher::mark_after(const store::PoolItem& row, SendResult result, FlushReport& report) {
    const Instant now = clock_.now();
    // A service reply (keys@, remailer-*) is no mix traffic: its sending,
    // retries and failure count nowhere in the per-day counters.
    const bool mix_traffic = row.kind != store::PoolKind::AdminReply;
    if (result == SendResult::Accepted) {
        ++report.sent;
        // Right after the MTA's yes, alone in its transaction: the window in
        // which a crash resends an accepted row is this one commit.  If the
        // mark fails the row stays "sending" and is remembered as accepted:
        // settle_accepted() marks it before anything is recovered, so the
        // MTA never gets it twice from a running flusher.
        const store::StatDelta counted[] = {count(Counter::Sent)};
        if (auto marked = store_.mark_sent(row.id, to_unix(now), mix_traffic_stats(mix_traffic, counted));
            !marked) {
            log_store_failure("mark-sent", marked.error());
            accepted_unmarked_.push_back({row.id, mix_traffic});
            return false;
        }
        journal_dirty_ = true;
        return true;
    }

    ++report.failed;
    const std::int64_t failures = row.attempts + 1;
    if (result == SendResult::PermFail || should_give_up(options_.retry, failures)) {
        log(LogLevel::Warning, "flush: pool row " + std::to_string(row.id) + " given up after " +
                                   std::to_string(failures) + " attempts (" +
                                   (result == SendResult::PermFail ? "refused" : "timed out") +
                                   ")");
        const store::StatDelta counted[] = {count(Counter::Failed)};
        if (auto marked =
                store_.mark_failed(row.id, to_unix(now), mix_traffic_stats(mix_traffic, counted));
            !marked) {
            log_store_failure("mark-failed", marked.error());
            return false;
        }
        journal_dirty_ = true;
        return true;
    }
    const Instant next = now + retry_delay(options_.retry, failures);
    const store::StatDelta counted[] = {count(Counter::Retry)};
    if (auto marked = store_.mark_retry(row.id, to_unix(next), mix_traffic_stats(mix_traffic, counted));
        !marked) {
        log_store_failure("mark-retry", marked.error());
        return false;
    }
    return true;
}

}  // namespace mixtasy::core
