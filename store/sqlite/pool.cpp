// SPDX-License-Identifier: BSD-2-Clause
// pool.cpp - replay cache and pool/outbox operations of SqliteStore.
//
// Every write runs in one BEGIN IMMEDIATE transaction; a row's state moves
// only along pooled -> sending -> (sent | failed | pooled again), and each
// UPDATE names the state it expects, so a row is never handed out twice and
// a late or repeated call fails with NotFound instead of corrupting state.
// A row that is sent or given up is deleted at once, in the transaction of
// its counter: a remailer must not keep what it has passed on, nor where
// and when (secure_delete zeroes the freed pages; truncate_journal() takes
// them out of the WAL).
#include <limits>
#include <utility>

#include "store/sqlite/impl.h"

namespace mixtasy::store {

using sql::Transaction;

namespace detail {

Result<PoolId> insert_pool_item(sql::Database& db, const NewPoolItem& item) {
    MIXTASY_TRY(st,
                db.prepare("INSERT INTO pool (kind, state, next_hop, envelope_from, bytes,"
                           " enqueued_at, next_attempt_at, give_up_at, attempts, changed_at)"
                           " VALUES (?1, 'pooled', ?2, ?3, ?4, ?5, ?6, ?7, 0, ?5) RETURNING id"));
    st->bind(1, std::string_view(sql_name(item.kind)))
        .bind(2, item.next_hop)
        .bind(3, item.envelope_from)
        .bind(4, item.bytes)
        .bind(5, item.enqueued_at)
        .bind(6, item.next_attempt_at)
        .bind(7, item.give_up_at);
    MIXTASY_TRY(row, st->step());
    if (!*row) return Unexpected{StoreError{StoreError::Code::Misuse, "insert returned no id"}};
    PoolId id = st->column_int(0);
    MIXTASY_CHECK(st->run());  // finish the statement so COMMIT is not blocked
    return id;
}

}  // namespace detail

namespace {

constexpr std::string_view kItemColumns =
    "id, kind, state, next_hop, envelope_from, bytes, enqueued_at, next_attempt_at,"
    " give_up_at, attempts, delivery_id";

PoolKind kind_from(std::string_view name) {
    if (name == "exit") return PoolKind::Exit;
    if (name == "dummy") return PoolKind::Dummy;
    if (name == "admin-reply") return PoolKind::AdminReply;
    return PoolKind::Mix;
}

PoolState state_from(std::string_view name) {
    if (name == "sending") return PoolState::Sending;
    if (name == "sent") return PoolState::Sent;
    if (name == "failed") return PoolState::Failed;
    return PoolState::Pooled;
}

PoolItem item_from(const sql::Statement& st) {
    PoolItem item;
    item.id = st.column_int(0);
    item.kind = kind_from(st.column_text(1));
    item.state = state_from(st.column_text(2));
    item.next_hop = st.column_text(3);
    item.envelope_from = st.column_text(4);
    item.bytes = st.column_blob(5);
    item.enqueued_at = st.column_int(6);
    item.next_attempt_at = st.column_int(7);
    item.give_up_at = st.column_int(8);
    item.attempts = st.column_int(9);
    item.delivery_id = st.column_text(10);
    return item;
}

Result<std::vector<PoolId>> insert_items(sql::Database& db, std::span<const NewPoolItem> items) {
    std::vector<PoolId> ids;
    ids.reserve(items.size());
    for (const auto& item : items) {
        MIXTASY_TRY(id, detail::insert_pool_item(db, item));
        ids.push_back(*id);
    }
    return ids;
}

// Moves one ready row to sending and reads it back; nullopt if it was not
// ready (claimed meanwhile, or not due).
Result<std::optional<PoolItem>> claim_one(sql::Database& db, PoolId id, UnixTime now) {
    static const std::string sql =
        "UPDATE pool SET state = 'sending', changed_at = ?3"
        " WHERE id = ?1 AND state = 'pooled' AND next_attempt_at <= ?2 RETURNING " +
        std::string(kItemColumns);
    MIXTASY_TRY(st, db.prepare(sql));
    st->bind(1, id).bind(2, now).bind(3, now);
    MIXTASY_TRY(row, st->step());
    if (!*row) return std::optional<PoolItem>();
    PoolItem item = item_from(*st);
    MIXTASY_CHECK(st->run());
    return std::optional<PoolItem>(std::move(item));
}

Result<std::vector<PoolId>> select_ready_ids(sql::Database& db, UnixTime now, std::size_t max) {
    MIXTASY_TRY(st,
                db.prepare("SELECT id FROM pool WHERE state = 'pooled' AND next_attempt_at <= ?1"
                           " ORDER BY id LIMIT ?2"));
    st->bind(1, now).bind(2, static_cast<std::int64_t>(max));
    std::vector<PoolId> ids;
    for (;;) {
        MIXTASY_TRY(row, st->step());
        if (!*row) return ids;
        ids.push_back(st->column_int(0));
    }
}

// One statement on a row in state sending (?1 = id, ?2 = value if the
// statement has it) and its stats, in one transaction; NotFound if the row
// was not sending.
Result<void> change_sending(SqliteStore::Impl& impl, std::string_view sql, PoolId id,
                            std::int64_t value, std::int64_t day,
                            std::span<const StatDelta> stats) {
    MIXTASY_CHECK(detail::check_stats(stats, impl.limits()));
    MIXTASY_TRY(db, impl.connection());
    MIXTASY_TRY(tx, impl.begin_write(**db));
    {
        MIXTASY_TRY(st, (*db)->prepare(sql));
        st->bind(1, id);
        if (st->parameter_count() >= 2) st->bind(2, value);
        MIXTASY_CHECK(st->run());
    }
    if ((*db)->changes() == 0)
        return Unexpected{StoreError{StoreError::Code::NotFound, "pool row not in state sending"}};
    MIXTASY_CHECK(detail::apply_stats(**db, day, stats));
    return tx->commit();
}

// One batch of the group commit: one connection, one write transaction.
void run_enqueue_batch(SqliteStore::Impl& impl, std::vector<GroupCommit::Request*>& batch) {
    auto fail = [&](const StoreError& error) {
        for (auto* request : batch) request->outcome = Unexpected{error};
    };
    auto db = impl.connection();
    if (!db) return fail(db.error());
    auto tx = impl.begin_write(**db);
    if (!tx) return fail(tx.error());
    GroupCommit::run_in_transaction(**db, batch, [&] { return tx->commit(); });
}

// Replay entry (if any) + pool rows + stats as one request of the group
// commit (store/sqlite/group_commit.h): atomic on its own, durable when this
// returns, sharing the fsync with whatever other threads enqueue meanwhile.
constexpr std::size_t kMaxGroupCommit = 64;

Result<std::vector<PoolId>> enqueue_grouped(SqliteStore::Impl& impl, const ReplayEntry* replay,
                                            std::span<const NewPoolItem> items,
                                            std::span<const StatDelta> stats, std::int64_t day) {
    std::vector<PoolId> ids;
    GroupCommit::Request request;
    request.work = [&](sql::Database& db) -> Result<void> {
        if (replay != nullptr) MIXTASY_CHECK(detail::insert_replay(db, *replay));
        MIXTASY_TRY(inserted, insert_items(db, items));
        ids = std::move(*inserted);
        return detail::apply_stats(db, day, stats);
    };
    impl.group_commit.submit(
        request,
        [&impl](std::vector<GroupCommit::Request*>& batch) { run_enqueue_batch(impl, batch); },
        kMaxGroupCommit);
    if (!request.outcome) return Unexpected{request.outcome.error()};
    return ids;
}

}  // namespace

// ---- replay ---------------------------------------------------------------

Result<bool> SqliteStore::replay_seen(ByteView hash) {
    MIXTASY_CHECK(detail::check_replay(ReplayEntry{hash, 0, 0}, impl_->limits()));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(st, (*db)->prepare("SELECT 1 FROM replay WHERE hash = ?1"));
    st->bind(1, hash);
    return st->step();
}

Result<void> SqliteStore::record_replay(const ReplayEntry& replay, std::span<const StatDelta> stats,
                                        UnixTime now) {
    MIXTASY_CHECK(detail::check_replay(replay, impl_->limits()));
    MIXTASY_CHECK(detail::check_stats(stats, impl_->limits()));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    MIXTASY_CHECK(detail::insert_replay(**db, replay));
    MIXTASY_CHECK(detail::apply_stats(**db, day_of(now != 0 ? now : replay.seen_at), stats));
    return tx->commit();
}

// ---- enqueue --------------------------------------------------------------

Result<std::vector<PoolId>> SqliteStore::enqueue_with_replay(const ReplayEntry& replay,
                                                             std::span<const NewPoolItem> items,
                                                             std::span<const StatDelta> stats) {
    MIXTASY_CHECK(detail::check_replay(replay, impl_->limits()));
    MIXTASY_CHECK(detail::check_items(items, impl_->limits()));
    MIXTASY_CHECK(detail::check_stats(stats, impl_->limits()));
    UnixTime when =
        replay.seen_at != 0 ? replay.seen_at : (items.empty() ? 0 : items.front().enqueued_at);
    return enqueue_grouped(*impl_, &replay, items, stats, day_of(when));
}

Result<std::vector<PoolId>> SqliteStore::enqueue(std::span<const NewPoolItem> items,
                                                 std::span<const StatDelta> stats) {
    MIXTASY_CHECK(detail::check_items(items, impl_->limits()));
    MIXTASY_CHECK(detail::check_stats(stats, impl_->limits()));
    return enqueue_grouped(*impl_, nullptr, items, stats,
                           day_of(items.empty() ? 0 : items.front().enqueued_at));
}

// ---- reading and claiming -------------------------------------------------

Result<std::size_t> SqliteStore::count_ready(UnixTime now) {
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(st, (*db)->prepare("SELECT count(*) FROM pool"
                                   " WHERE state = 'pooled' AND next_attempt_at <= ?1"));
    st->bind(1, now);
    MIXTASY_TRY(row, st->step());
    return static_cast<std::size_t>(st->column_int(0));
}

Result<std::size_t> SqliteStore::count_in_state(PoolState state) {
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(st, (*db)->prepare("SELECT count(*) FROM pool WHERE state = ?1"));
    st->bind(1, std::string_view(detail::sql_name(state)));
    MIXTASY_TRY(row, st->step());
    return static_cast<std::size_t>(st->column_int(0));
}

Result<std::vector<PoolId>> SqliteStore::ready_ids(UnixTime now) {
    MIXTASY_TRY(db, impl_->connection());
    return select_ready_ids(**db, now, impl_->limits().max_batch);
}

Result<PoolItem> SqliteStore::get(PoolId id) {
    static const std::string sql =
        "SELECT " + std::string(kItemColumns) + " FROM pool WHERE id = ?1";
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(st, (*db)->prepare(sql));
    st->bind(1, id);
    MIXTASY_TRY(row, st->step());
    if (!*row) return Unexpected{StoreError{StoreError::Code::NotFound, "no such pool row"}};
    return item_from(*st);
}

Result<std::vector<PoolItem>> SqliteStore::claim_random_ready(UnixTime now, std::size_t k,
                                                              const UniformIndex& uniform) {
    if (!uniform)  // a pool without randomness would leak arrival order
        return Unexpected{StoreError{StoreError::Code::Misuse, "no random source given"}};
    if (k > impl_->limits().max_batch) k = impl_->limits().max_batch;
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    MIXTASY_TRY(ids, select_ready_ids(**db, now, impl_->limits().max_batch));
    std::vector<PoolId>& ready = *ids;
    if (k > ready.size()) k = ready.size();
    // Partial Fisher-Yates: after step i, ready[0..i] is a uniform random
    // i+1-subset, in random order.
    for (std::size_t i = 0; i < k; ++i) {
        std::uint64_t bound = ready.size() - i;
        std::uint64_t pick = uniform(bound);
        if (pick >= bound)
            return Unexpected{StoreError{StoreError::Code::Misuse,
                                         "random source returned a value out of range"}};
        std::swap(ready[i], ready[i + static_cast<std::size_t>(pick)]);
    }
    std::vector<PoolItem> claimed;
    claimed.reserve(k);
    for (std::size_t i = 0; i < k; ++i) {
        MIXTASY_TRY(item, claim_one(**db, ready[i], now));
        if (*item) claimed.push_back(std::move(**item));
    }
    MIXTASY_CHECK(tx->commit());
    return claimed;
}

Result<std::vector<PoolItem>> SqliteStore::claim(std::span<const PoolId> ids, UnixTime now) {
    if (ids.size() > impl_->limits().max_batch)
        return Unexpected{detail::invalid("too many ids in one claim")};
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    std::vector<PoolItem> claimed;
    for (PoolId id : ids) {
        MIXTASY_TRY(item, claim_one(**db, id, now));
        if (*item) claimed.push_back(std::move(**item));
    }
    MIXTASY_CHECK(tx->commit());
    return claimed;
}

// ---- state changes after sending ----------------------------------------------

Result<std::string> SqliteStore::fix_delivery_id(PoolId id, std::string_view candidate) {
    if (candidate.empty()) return Unexpected{detail::invalid("empty delivery id")};
    MIXTASY_CHECK(detail::check_text(candidate, impl_->limits().max_text_bytes, "delivery id"));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    std::string fixed;
    {
        // COALESCE keeps the id of an earlier attempt: a repeat after a
        // crash goes out under the identifier of the first.
        MIXTASY_TRY(st, (*db)->prepare("UPDATE pool SET delivery_id = COALESCE(delivery_id, ?2)"
                                       " WHERE id = ?1 AND state = 'sending'"
                                       " RETURNING delivery_id"));
        st->bind(1, id).bind(2, candidate);
        MIXTASY_TRY(row, st->step());
        if (!*row)
            return Unexpected{
                StoreError{StoreError::Code::NotFound, "pool row not in state sending"}};
        fixed = st->column_text(0);
        MIXTASY_CHECK(st->run());
    }
    MIXTASY_CHECK(tx->commit());
    return fixed;
}

Result<void> SqliteStore::mark_sent(PoolId id, UnixTime now, std::span<const StatDelta> stats) {
    return change_sending(*impl_, "DELETE FROM pool WHERE id = ?1 AND state = 'sending'", id, 0,
                          day_of(now), stats);
}

Result<void> SqliteStore::mark_failed(PoolId id, UnixTime now, std::span<const StatDelta> stats) {
    return change_sending(*impl_, "DELETE FROM pool WHERE id = ?1 AND state = 'sending'", id, 0,
                          day_of(now), stats);
}

Result<void> SqliteStore::mark_retry(PoolId id, UnixTime next_attempt_at,
                                     std::span<const StatDelta> stats) {
    return change_sending(*impl_,
                          "UPDATE pool SET state = 'pooled', attempts = attempts + 1,"
                          " next_attempt_at = ?2, changed_at = ?2"
                          " WHERE id = ?1 AND state = 'sending'",
                          id, next_attempt_at, day_of(next_attempt_at), stats);
}

Result<std::size_t> SqliteStore::give_up_expired(UnixTime now, std::string_view counted_as) {
    MIXTASY_CHECK(detail::check_text(counted_as, impl_->limits().max_text_bytes, "counter name"));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    {
        MIXTASY_TRY(st,
                    (*db)->prepare("DELETE FROM pool WHERE state = 'pooled' AND give_up_at <= ?1"));
        st->bind(1, now);
        MIXTASY_CHECK(st->run());
    }
    auto changed = static_cast<std::size_t>((*db)->changes());
    if (changed > 0 && !counted_as.empty()) {
        const StatDelta given_up[] = {{counted_as, static_cast<std::int64_t>(changed)}};
        MIXTASY_CHECK(detail::apply_stats(**db, day_of(now), given_up));
    }
    MIXTASY_CHECK(tx->commit());
    return changed;
}

Result<std::size_t> SqliteStore::recover_sending(UnixTime claimed_before) {
    // claim sets changed_at to the claim time, and nothing else touches a
    // sending row until mark_*, so changed_at is when it was claimed.
    MIXTASY_TRY(db, impl_->connection());
    {
        // Usually there is nothing to recover: then take no write lock.
        MIXTASY_TRY(st, (*db)->prepare("SELECT count(*) FROM pool"
                                       " WHERE state = 'sending' AND changed_at < ?1"));
        st->bind(1, claimed_before);
        MIXTASY_TRY(row, st->step());
        if (*row && st->column_int(0) == 0) return std::size_t{0};
    }
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    {
        MIXTASY_TRY(st, (*db)->prepare("UPDATE pool SET state = 'pooled'"
                                       " WHERE state = 'sending' AND changed_at < ?1"));
        st->bind(1, claimed_before);
        MIXTASY_CHECK(st->run());
    }
    auto changed = static_cast<std::size_t>((*db)->changes());
    MIXTASY_CHECK(tx->commit());
    return changed;
}

}  // namespace mixtasy::store
