// parts.cpp - the multipart reassembly buffer of SqliteStore.
//
// A set is all rows with one mixtasy_id.  Its total is fixed by the first
// part stored; a later part announcing a different total is refused, so a
// hostile sender cannot make a set "complete" early or never.  A completed
// set is handed out once: it is read and deleted in the same transaction.
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

}  // namespace mixtasy::store
