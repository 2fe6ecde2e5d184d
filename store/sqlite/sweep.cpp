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

Result<std::size_t> SqliteStore::sweep_pool(UnixTime now, std::int64_t retention_seconds) {
    if (retention_seconds < 0) return Unexpected{detail::invalid("negative pool retention")};
    return delete_where(*impl_,
                        "DELETE FROM pool WHERE state IN ('sent', 'failed') AND changed_at < ?1",
                        now - retention_seconds);
}

}  // namespace mixtasy::store
