// sqlite_store.cpp - core's Store over store/: type translation, statistics
// riding in the same transactions, discarded multipart sets.
#include "core/node/sqlite_store.h"

#include <botan/hash.h>

#include <exception>
#include <utility>

#include "core/ports/random.h"

namespace mixtasy::core {
namespace {

using store::StoreError;

StoreFailure failure(const StoreError& error) {
    using C = StoreError::Code;
    StoreFailure out;
    out.detail = error.detail;
    switch (error.code) {
        case C::Replay: out.code = StoreFailure::Code::Replay; break;
        case C::NotFound: out.code = StoreFailure::Code::NotFound; break;
        case C::InvalidArgument:
        case C::Constraint: out.code = StoreFailure::Code::Invalid; break;
        case C::Corrupt:
        case C::Schema: out.code = StoreFailure::Code::Corrupt; break;
        case C::Full:
        case C::Busy:
        case C::ReadOnly:
        case C::Io:
        case C::Misuse: out.code = StoreFailure::Code::Unavailable; break;
    }
    return out;
}

template <typename T>
Unexpected<StoreFailure> fail(const store::Result<T>& result) {
    return Unexpected{failure(result.error())};
}

store::PoolKind to_pool_kind(ItemKind kind) {
    switch (kind) {
        case ItemKind::Mix: return store::PoolKind::Mix;
        case ItemKind::Exit: return store::PoolKind::Exit;
        case ItemKind::Dummy: return store::PoolKind::Dummy;
        case ItemKind::AdminReply: return store::PoolKind::AdminReply;
    }
    return store::PoolKind::Mix;
}

ItemKind to_item_kind(store::PoolKind kind) {
    switch (kind) {
        case store::PoolKind::Mix: return ItemKind::Mix;
        case store::PoolKind::Exit: return ItemKind::Exit;
        case store::PoolKind::Dummy: return ItemKind::Dummy;
        case store::PoolKind::AdminReply: return ItemKind::AdminReply;
    }
    return ItemKind::Mix;
}

PooledItem to_pooled(store::PoolItem&& row) {
    PooledItem out;
    out.id = row.id;
    out.item.kind = to_item_kind(row.kind);
    out.item.recipient = std::move(row.next_hop);
    out.item.envelope_from = std::move(row.envelope_from);
    out.item.message = std::move(row.bytes);
    out.enqueued_at = from_unix(row.enqueued_at);
    out.attempts = row.attempts;
    return out;
}

// A discarded set is remembered as a replay entry under a name no message
// hash can take (a SHA-256 over a fixed label and the id), so the mark
// lives in the same table, is swept the same way, and needs no schema of
// its own.
Bytes discard_mark(std::string_view mixtasy_id) {
    static constexpr std::string_view label = "mixtasy-discarded-multipart-set";
    auto sha = Botan::HashFunction::create_or_throw("SHA-256");
    sha->update(reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
    sha->update(0);
    sha->update(reinterpret_cast<const std::uint8_t*>(mixtasy_id.data()), mixtasy_id.size());
    const auto digest = sha->final();
    return Bytes(digest.begin(), digest.end());
}

constexpr store::StatDelta stat_pooled[] = {{"pooled", 1}};
constexpr store::StatDelta stat_dummy[] = {{"dummy", 1}};
constexpr store::StatDelta stat_part[] = {{"part", 1}};
constexpr store::StatDelta stat_sent[] = {{"sent", 1}};
constexpr store::StatDelta stat_retry[] = {{"retry", 1}};
constexpr store::StatDelta stat_failed[] = {{"failed", 1}};
constexpr store::StatDelta stat_reassembled[] = {{"reassembled", 1}};

}  // namespace

StoreResult<std::unique_ptr<SqliteStore>> SqliteStore::open(const SqliteStoreOptions& options) {
    store::SqliteOptions raw;
    raw.path = options.path;
    raw.durable = options.durable;
    raw.max_database_bytes = options.max_database_bytes;
    raw.busy_timeout = options.busy_timeout;
    raw.max_connections = options.max_connections;
    raw.limits = options.limits;
    auto opened = store::open_sqlite(raw);
    if (!opened) return fail(opened);
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(*opened), options));
}

SqliteStore::SqliteStore(std::unique_ptr<store::Store> store, SqliteStoreOptions options)
    : store_(std::move(store)), options_(std::move(options)) {}

store::NewPoolItem SqliteStore::new_row(const OutgoingItem& item, Instant now) const {
    store::NewPoolItem row;
    row.kind = to_pool_kind(item.kind);
    row.next_hop = item.recipient;
    row.envelope_from = item.envelope_from;
    row.bytes = item.message;
    row.enqueued_at = to_unix(now);
    row.next_attempt_at = to_unix(now);
    row.give_up_at = to_unix(now + options_.max_pool_age);
    return row;
}

StoreResult<bool> SqliteStore::replay_seen(ByteView hash) {
    auto seen = store_->replay_seen(hash);
    if (!seen) return fail(seen);
    return *seen;
}

StoreResult<void> SqliteStore::commit_replay(const ReplayStamp& replay, Instant now) {
    auto done = store_->record_replay({replay.hash, to_unix(replay.expires_at), to_unix(now)}, {},
                                      to_unix(now));
    if (!done) return fail(done);
    return {};
}

StoreResult<PoolId> SqliteStore::commit_pooled(const ReplayStamp& replay, const OutgoingItem& item,
                                               Instant now) {
    auto id = store_->enqueue_with_replay({replay.hash, to_unix(replay.expires_at), to_unix(now)},
                                          new_row(item, now), stat_pooled);
    if (!id) return fail(id);
    return *id;
}

StoreResult<PoolId> SqliteStore::enqueue(const OutgoingItem& item, Instant now) {
    auto id = store_->enqueue(new_row(item, now),
                              item.kind == ItemKind::Dummy ? std::span(stat_dummy)
                                                           : std::span(stat_pooled));
    if (!id) return fail(id);
    return *id;
}

StoreResult<std::size_t> SqliteStore::count_ready(Instant now) {
    auto n = store_->count_ready(to_unix(now));
    if (!n) return fail(n);
    return *n;
}

StoreResult<std::vector<PooledItem>> SqliteStore::claim_random(Instant now, std::size_t k,
                                                               Random& random) {
    const store::UniformIndex uniform = [&random](std::uint64_t bound) {
        return random.uniform(bound);
    };
    auto rows = store_->claim_random_ready(to_unix(now), k, uniform);
    if (!rows) return fail(rows);
    std::vector<PooledItem> out;
    out.reserve(rows->size());
    for (auto& row : *rows) out.push_back(to_pooled(std::move(row)));
    return out;
}

StoreResult<void> SqliteStore::mark_sent(PoolId id, Instant now) {
    auto done = store_->mark_sent(id, to_unix(now), stat_sent);
    if (!done) return fail(done);
    return {};
}

StoreResult<void> SqliteStore::mark_retry(PoolId id, Instant next_attempt) {
    auto done = store_->mark_retry(id, to_unix(next_attempt), stat_retry);
    if (!done) return fail(done);
    return {};
}

StoreResult<void> SqliteStore::mark_failed(PoolId id, Instant now) {
    auto done = store_->mark_failed(id, to_unix(now), stat_failed);
    if (!done) return fail(done);
    return {};
}

StoreResult<std::size_t> SqliteStore::recover_in_flight() {
    auto n = store_->recover_sending();
    if (!n) return fail(n);
    return *n;
}

StoreResult<bool> SqliteStore::set_discarded(std::string_view mixtasy_id) {
    const Bytes mark = discard_mark(mixtasy_id);
    auto seen = store_->replay_seen(mark);
    if (!seen) return fail(seen);
    return *seen;
}

StoreResult<PartStatus> SqliteStore::commit_part(const ReplayStamp& replay, const PartRecord& part,
                                                 Instant now) {
    // A set past its deadline must not be completed by a late part.
    if (auto swept = store_->sweep_parts(to_unix(now)); !swept) return fail(swept);

    auto discarded = set_discarded(part.mixtasy_id);
    if (!discarded) return Unexpected{discarded.error()};
    if (*discarded) {
        if (auto burned = commit_replay(replay, now); !burned) return Unexpected{burned.error()};
        PartStatus status;
        status.discarded = true;
        return status;
    }

    store::NewPart row;
    row.mixtasy_id = part.mixtasy_id;
    row.part = part.number;
    row.total = part.total;
    row.bytes = part.content;
    row.expires_at = to_unix(part.expires_at);
    auto added = store_->add_part_with_replay({replay.hash, to_unix(replay.expires_at), to_unix(now)},
                                              row, stat_part);
    if (!added) return fail(added);
    PartStatus status;
    status.inserted = added->inserted;
    status.present = added->present;
    status.total = added->total;
    return status;
}

StoreResult<std::optional<std::vector<PoolId>>> SqliteStore::complete_set(
    std::string_view mixtasy_id, Instant now, const SetAssembler& assemble) {
    auto discarded = set_discarded(mixtasy_id);
    if (!discarded) return Unexpected{discarded.error()};
    if (*discarded) return std::optional<std::vector<PoolId>>{};

    // The rows the store inserts point into `items`, which must outlive the
    // store's transaction: it lives here, not in the callback.
    std::vector<OutgoingItem> items;
    const store::PartsAssembler adapter =
        [&](const std::vector<Bytes>& parts) -> store::Result<std::vector<store::NewPoolItem>> {
        Expected<std::vector<OutgoingItem>, StoreFailure> built = [&]() {
            try {
                return assemble(parts);
            } catch (const std::exception&) {
                return Expected<std::vector<OutgoingItem>, StoreFailure>(
                    Unexpected{StoreFailure{StoreFailure::Code::Invalid, "assembler threw"}});
            }
        }();
        if (!built) {
            return Unexpected{StoreError{StoreError::Code::InvalidArgument, built.error().detail}};
        }
        items = std::move(*built);
        std::vector<store::NewPoolItem> rows;
        rows.reserve(items.size());
        for (const OutgoingItem& item : items) rows.push_back(new_row(item, now));
        return rows;
    };
    auto ids = store_->take_parts_and_enqueue(mixtasy_id, to_unix(now), adapter, stat_reassembled);
    if (!ids) return fail(ids);
    return std::move(*ids);
}

StoreResult<void> SqliteStore::discard_set(std::string_view mixtasy_id, Instant until) {
    const Bytes mark = discard_mark(mixtasy_id);
    auto done = store_->record_replay({mark, to_unix(until), 0}, {}, 0);
    if (!done && done.error().code != StoreError::Code::Replay) return fail(done);
    return {};
}

StoreResult<void> SqliteStore::count(std::string_view counter, std::int64_t amount, Instant now) {
    const store::StatDelta delta[] = {{counter, amount}};
    auto done = store_->add_stats(to_unix(now), delta);
    if (!done) return fail(done);
    return {};
}

StoreResult<SweepCounts> SqliteStore::sweep(Instant now) {
    auto given_up = store_->give_up_expired(to_unix(now));
    if (!given_up) return fail(given_up);
    auto swept = store_->sweep(to_unix(now), options_.pool_retention.count());
    if (!swept) return fail(swept);
    return SweepCounts{swept->replay, swept->parts, swept->pool};
}

}  // namespace mixtasy::core
