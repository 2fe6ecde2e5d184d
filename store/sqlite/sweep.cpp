// SPDX-License-Identifier: BSD-2-Clause
// sweep.cpp - forgetting what has expired.  Each sweep is one DELETE in its
// own write transaction, so it holds the write lock only for that statement.
#include "store/sqlite/impl.h"

namespace mixtasy::store {

namespace {

Result<std::size_t> delete_where(SqliteStore::Impl& impl, std::string_view sql,
                                 std::int64_t value) {
    MIXTASY_TRY(db, impl.connection());
    MIXTASY_TRY(tx, impl.begin_write(**db));
    {
        MIXTASY_TRY(st, (*db)->prepare(sql));
        st->bind(1, value);
        MIXTASY_CHECK(st->run());
    }
    auto changed = static_cast<std::size_t>((*db)->changes());
    MIXTASY_CHECK(tx->commit());
    return changed;
}

}  // namespace

Result<std::size_t> SqliteStore::sweep_replay(UnixTime now) {
    return delete_where(*impl_, "DELETE FROM replay WHERE expires_at < ?1", now);
}

Result<std::size_t> SqliteStore::sweep_parts(UnixTime now) {
    // A set goes as a whole once any of its parts has expired: a partial set
    // can never be completed after its first deadline.
    return delete_where(*impl_,
                        "DELETE FROM parts WHERE mixtasy_id IN"
                        " (SELECT mixtasy_id FROM parts WHERE expires_at < ?1)",
                        now);
}

Result<bool> SqliteStore::truncate_journal() {
    // Deleted rows are zeroed in the pages secure_delete rewrites, but the
    // WAL still holds the frames written before the delete (the row as it
    // was inserted) until a checkpoint copies the newest frames home.
    // TRUNCATE then cuts the WAL file to zero bytes.  Our own writers wait
    // on the writer lock meanwhile; a reader or writer of another process
    // makes SQLite report busy (first column 1) after its busy_timeout.
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(lock, impl_->lock_writer());
    MIXTASY_TRY(busy, (*db)->query_int("PRAGMA wal_checkpoint(TRUNCATE)"));
    return *busy == 0;
}

}  // namespace mixtasy::store
