// SPDX-License-Identifier: BSD-2-Clause
// parts.cpp - the multipart reassembly buffer of SqliteStore.
//
// A set is all rows with one mixtasy_id.  Its total is fixed by the first
// part stored; a later part announcing a different total is refused, so a
// hostile sender cannot make a set "complete" early or never.  A completed
// set is handed out once: it is read and deleted in the same transaction,
// which add_part_and_complete makes the one that stores its last part.
// The quota's sums are computed over the table on every part: the caps
// keep it small, and length() of a blob reads only its record header.
// Memory: take_parts* holds at most limits.max_parts * limits.max_blob_bytes.
#include <utility>

#include "store/sqlite/impl.h"

namespace mixtasy::store {

using sql::Transaction;

namespace {

Result<std::optional<std::uint32_t>> set_total(sql::Database& db, std::string_view id) {
    MIXTASY_TRY(st, db.prepare("SELECT total FROM parts WHERE mixtasy_id = ?1 LIMIT 1"));
    st->bind(1, id);
    MIXTASY_TRY(row, st->step());
    if (!*row) return std::optional<std::uint32_t>();
    return std::optional<std::uint32_t>(static_cast<std::uint32_t>(st->column_int(0)));
}

Result<std::uint32_t> count_set(sql::Database& db, std::string_view id) {
    MIXTASY_TRY(st, db.prepare("SELECT count(*) FROM parts WHERE mixtasy_id = ?1"));
    st->bind(1, id);
    MIXTASY_TRY(row, st->step());
    return static_cast<std::uint32_t>(st->column_int(0));
}

// Inside the caller's write transaction.
Result<PartAdded> insert_part(sql::Database& db, const NewPart& part) {
    MIXTASY_TRY(total, set_total(db, part.mixtasy_id));
    if (*total && **total != part.total)
        return Unexpected{detail::invalid("part announces a different total than its set")};
    {
        MIXTASY_TRY(st, db.prepare("INSERT INTO parts (mixtasy_id, part, total, bytes, expires_at)"
                                   " VALUES (?1, ?2, ?3, ?4, ?5)"
                                   " ON CONFLICT (mixtasy_id, part) DO NOTHING"));
        st->bind(1, part.mixtasy_id)
            .bind(2, static_cast<std::int64_t>(part.part))
            .bind(3, static_cast<std::int64_t>(part.total))
            .bind(4, part.bytes)
            .bind(5, part.expires_at);
        MIXTASY_CHECK(st->run());
    }
    PartAdded added;
    added.inserted = db.changes() == 1;
    added.total = part.total;
    MIXTASY_TRY(present, count_set(db, part.mixtasy_id));
    added.present = *present;
    return added;
}

// Reads a complete set in order; nullopt if absent or incomplete.
Result<std::optional<std::vector<Bytes>>> read_complete(sql::Database& db, std::string_view id,
                                                        const StoreLimits& limits) {
    using Parts = std::optional<std::vector<Bytes>>;
    MIXTASY_TRY(st, db.prepare("SELECT part, total, bytes FROM parts WHERE mixtasy_id = ?1"
                               " ORDER BY part"));
    st->bind(1, id);
    std::vector<Bytes> parts;
    for (;;) {
        MIXTASY_TRY(row, st->step());
        if (!*row) break;
        std::int64_t number = st->column_int(0);
        std::int64_t total = st->column_int(1);
        // Parts arrive in order 1, 2, ...; any gap or a total that does not
        // match the count means the set is not complete (yet).
        if (number != static_cast<std::int64_t>(parts.size()) + 1 || total < 1 ||
            total > static_cast<std::int64_t>(limits.max_parts))
            return Parts();
        parts.push_back(st->column_blob(2));
        if (static_cast<std::int64_t>(parts.size()) == total) {
            MIXTASY_TRY(more, st->step());
            if (*more) return Parts();  // rows beyond total: not a set we hand out
            return Parts(std::move(parts));
        }
    }
    return Parts();
}

Result<void> delete_set(sql::Database& db, std::string_view id) {
    MIXTASY_TRY(st, db.prepare("DELETE FROM parts WHERE mixtasy_id = ?1"));
    st->bind(1, id);
    return st->run();
}

Result<bool> hash_present(sql::Database& db, ByteView hash) {
    MIXTASY_TRY(st, db.prepare("SELECT 1 FROM replay WHERE hash = ?1"));
    st->bind(1, hash);
    return st->step();
}

// The mark of a closed id; kept as it is when already there.
Result<void> record_mark(sql::Database& db, ByteView mark, UnixTime until) {
    if (mark.empty()) return {};
    MIXTASY_TRY(st, db.prepare("INSERT INTO replay (hash, expires_at) VALUES (?1, ?2)"
                               " ON CONFLICT (hash) DO NOTHING"));
    st->bind(1, mark).bind(2, until);
    return st->run();
}

struct SetState {
    std::uint64_t parts = 0;  // 0: no such set yet
    std::uint32_t total = 0;
    std::uint64_t bytes = 0;
};

Result<SetState> read_set(sql::Database& db, std::string_view id) {
    MIXTASY_TRY(st, db.prepare("SELECT count(*), coalesce(max(total), 0),"
                               " coalesce(sum(length(bytes)), 0)"
                               " FROM parts WHERE mixtasy_id = ?1"));
    st->bind(1, id);
    MIXTASY_CHECK(st->step());
    return SetState{static_cast<std::uint64_t>(st->column_int(0)),
                    static_cast<std::uint32_t>(st->column_int(1)),
                    static_cast<std::uint64_t>(st->column_int(2))};
}

struct BufferState {
    std::uint64_t sets = 0, bytes = 0, recent_sets = 0, recent_bytes = 0;
};

// length() of a blob reads the record header only, not the bytes.
Result<BufferState> read_buffer(sql::Database& db, UnixTime recent_after) {
    BufferState state;
    {
        MIXTASY_TRY(st, db.prepare("SELECT count(DISTINCT mixtasy_id),"
                                   " coalesce(sum(length(bytes)), 0),"
                                   " coalesce(sum(CASE WHEN expires_at > ?1"
                                   " THEN length(bytes) ELSE 0 END), 0) FROM parts"));
        st->bind(1, recent_after);
        MIXTASY_CHECK(st->step());
        state.sets = static_cast<std::uint64_t>(st->column_int(0));
        state.bytes = static_cast<std::uint64_t>(st->column_int(1));
        state.recent_bytes = static_cast<std::uint64_t>(st->column_int(2));
    }
    MIXTASY_TRY(st, db.prepare("SELECT count(*) FROM (SELECT mixtasy_id FROM parts"
                               " GROUP BY mixtasy_id HAVING min(expires_at) > ?1)"));
    st->bind(1, recent_after);
    MIXTASY_CHECK(st->step());
    state.recent_sets = static_cast<std::uint64_t>(st->column_int(0));
    return state;
}

bool over(std::uint64_t value, std::uint64_t cap) { return cap != 0 && value > cap; }

Result<bool> part_present(sql::Database& db, const NewPart& part) {
    MIXTASY_TRY(st, db.prepare("SELECT 1 FROM parts WHERE mixtasy_id = ?1 AND part = ?2"));
    st->bind(1, part.mixtasy_id).bind(2, static_cast<std::int64_t>(part.part));
    return st->step();
}

// Which rule refuses `part`, if any; the part itself counts.  A copy of a
// part number already stored meets no cap: it adds nothing (insert_part
// ignores it), and refusing it would destroy the set it copies.
Result<PartRefusal> refusal_for(sql::Database& db, const NewPart& part, const PartQuota& quota,
                                const PartCompletion& completion) {
    if (!completion.closed_mark.empty()) {
        MIXTASY_TRY(closed, hash_present(db, completion.closed_mark));
        if (*closed) return PartRefusal::Closed;
    }
    MIXTASY_TRY(set, read_set(db, part.mixtasy_id));
    if (set->parts != 0 && set->total != part.total) return PartRefusal::OtherTotal;
    MIXTASY_TRY(copy, part_present(db, part));
    if (*copy) return PartRefusal::None;
    const std::uint64_t size = part.bytes.size();
    const bool is_new = set->parts == 0;
    if (over(set->bytes + size, quota.max_set_bytes)) return PartRefusal::SetTooLarge;
    MIXTASY_TRY(buffer, read_buffer(db, quota.recent_after));
    if (is_new && over(buffer->sets + 1, quota.max_sets)) return PartRefusal::TooManySets;
    if (over(buffer->bytes + size, quota.max_bytes)) return PartRefusal::BufferFull;
    const bool recent = part.expires_at > quota.recent_after;
    if (is_new && recent && over(buffer->recent_sets + 1, quota.max_recent_sets))
        return PartRefusal::RecentSets;
    if (recent && over(buffer->recent_bytes + size, quota.max_recent_bytes))
        return PartRefusal::RecentBytes;
    return PartRefusal::None;
}

// Inside the caller's transaction: the complete set `id` becomes the rows
// assemble builds, and its id is closed.
Result<std::vector<PoolId>> hand_out(sql::Database& db, std::string_view id,
                                     const PartCompletion& completion, const StoreLimits& limits,
                                     std::int64_t day) {
    MIXTASY_TRY(parts, read_complete(db, id, limits));
    if (!*parts)
        return Unexpected{StoreError{StoreError::Code::Corrupt, "complete set unreadable"}};
    MIXTASY_TRY(items, completion.assemble(**parts));
    std::vector<PoolId> ids;
    for (const auto& item : *items) {
        MIXTASY_CHECK(detail::check_pool_item(item, limits));
        MIXTASY_TRY(row, detail::insert_pool_item(db, item));
        ids.push_back(*row);
    }
    MIXTASY_CHECK(delete_set(db, id));
    MIXTASY_CHECK(record_mark(db, completion.closed_mark, completion.closed_until));
    MIXTASY_CHECK(detail::apply_stats(db, day, completion.stats));
    return ids;
}

}  // namespace

Result<PartAdded> SqliteStore::add_part_with_replay(const ReplayEntry& replay, const NewPart& part,
                                                    std::span<const StatDelta> stats) {
    MIXTASY_CHECK(detail::check_replay(replay, impl_->limits()));
    MIXTASY_CHECK(detail::check_part(part, impl_->limits()));
    MIXTASY_CHECK(detail::check_stats(stats, impl_->limits()));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    MIXTASY_CHECK(detail::insert_replay(**db, replay));
    MIXTASY_TRY(added, insert_part(**db, part));
    MIXTASY_CHECK(detail::apply_stats(**db, day_of(replay.seen_at), stats));
    MIXTASY_CHECK(tx->commit());
    return *added;
}

Result<PartAdded> SqliteStore::add_part(const NewPart& part) {
    MIXTASY_CHECK(detail::check_part(part, impl_->limits()));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    MIXTASY_TRY(added, insert_part(**db, part));
    MIXTASY_CHECK(tx->commit());
    return *added;
}

Result<std::uint32_t> SqliteStore::count_parts(std::string_view mixtasy_id) {
    MIXTASY_CHECK(detail::check_text(mixtasy_id, impl_->limits().max_text_bytes, "multipart id"));
    MIXTASY_TRY(db, impl_->connection());
    return count_set(**db, mixtasy_id);
}

Result<std::optional<std::vector<Bytes>>> SqliteStore::take_parts(std::string_view mixtasy_id) {
    using Parts = std::optional<std::vector<Bytes>>;
    MIXTASY_CHECK(detail::check_text(mixtasy_id, impl_->limits().max_text_bytes, "multipart id"));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    MIXTASY_TRY(parts, read_complete(**db, mixtasy_id, impl_->limits()));
    if (!*parts) return Parts();  // the transaction rolls back: nothing was written
    MIXTASY_CHECK(delete_set(**db, mixtasy_id));
    MIXTASY_CHECK(tx->commit());
    return std::move(*parts);
}

Result<std::optional<std::vector<PoolId>>> SqliteStore::take_parts_and_enqueue(
    std::string_view mixtasy_id, UnixTime now, const PartsAssembler& assemble,
    std::span<const StatDelta> stats) {
    using Ids = std::optional<std::vector<PoolId>>;
    MIXTASY_CHECK(detail::check_text(mixtasy_id, impl_->limits().max_text_bytes, "multipart id"));
    MIXTASY_CHECK(detail::check_stats(stats, impl_->limits()));
    if (!assemble) return Unexpected{StoreError{StoreError::Code::Misuse, "no assembler given"}};
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    MIXTASY_TRY(parts, read_complete(**db, mixtasy_id, impl_->limits()));
    if (!*parts) return Ids();
    MIXTASY_TRY(items, assemble(**parts));
    std::vector<PoolId> ids;
    for (const auto& item : *items) {
        MIXTASY_CHECK(detail::check_pool_item(item, impl_->limits()));
        MIXTASY_TRY(id, detail::insert_pool_item(**db, item));
        ids.push_back(*id);
    }
    MIXTASY_CHECK(delete_set(**db, mixtasy_id));
    MIXTASY_CHECK(detail::apply_stats(**db, day_of(now), stats));
    MIXTASY_CHECK(tx->commit());
    return Ids(std::move(ids));
}

Result<PartStored> SqliteStore::add_part_and_complete(const ReplayEntry& replay,
                                                      const NewPart& part, const PartQuota& quota,
                                                      const PartCompletion& completion,
                                                      std::span<const StatDelta> stats) {
    MIXTASY_CHECK(detail::check_replay(replay, impl_->limits()));
    MIXTASY_CHECK(detail::check_part(part, impl_->limits()));
    MIXTASY_CHECK(detail::check_stats(stats, impl_->limits()));
    MIXTASY_CHECK(detail::check_stats(completion.stats, impl_->limits()));
    if (!completion.closed_mark.empty())
        MIXTASY_CHECK(detail::check_replay({completion.closed_mark, 0, 0}, impl_->limits()));
    if (!completion.assemble)
        return Unexpected{StoreError{StoreError::Code::Misuse, "no assembler given"}};
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    const std::int64_t day = day_of(replay.seen_at);
    MIXTASY_CHECK(detail::insert_replay(**db, replay));
    PartStored stored;
    MIXTASY_TRY(refused, refusal_for(**db, part, quota, completion));
    if (*refused != PartRefusal::None) {
        stored.refused = *refused;
        MIXTASY_CHECK(delete_set(**db, part.mixtasy_id));
        MIXTASY_CHECK(record_mark(**db, completion.closed_mark, completion.closed_until));
        MIXTASY_CHECK(tx->commit());
        return stored;
    }
    MIXTASY_TRY(added, insert_part(**db, part));
    MIXTASY_CHECK(detail::apply_stats(**db, day, stats));
    stored.added = *added;
    if (added->inserted && added->complete()) {
        MIXTASY_TRY(ids, hand_out(**db, part.mixtasy_id, completion, impl_->limits(), day));
        stored.handed_out = true;
        stored.pooled = std::move(*ids);
    }
    MIXTASY_CHECK(tx->commit());
    return stored;
}

Result<void> SqliteStore::close_set_with_replay(const ReplayEntry& replay,
                                                std::string_view mixtasy_id,
                                                const ReplayEntry& closed_mark) {
    MIXTASY_CHECK(detail::check_replay(replay, impl_->limits()));
    MIXTASY_CHECK(detail::check_replay(closed_mark, impl_->limits()));
    MIXTASY_CHECK(detail::check_text(mixtasy_id, impl_->limits().max_text_bytes, "multipart id"));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    MIXTASY_CHECK(detail::insert_replay(**db, replay));
    MIXTASY_CHECK(delete_set(**db, mixtasy_id));
    MIXTASY_CHECK(record_mark(**db, closed_mark.hash, closed_mark.expires_at));
    return tx->commit();
}

}  // namespace mixtasy::store
