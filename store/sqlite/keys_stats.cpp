// SPDX-License-Identifier: BSD-2-Clause
// keys_stats.cpp - key metadata and daily counters of SqliteStore.
#include "store/sqlite/impl.h"

namespace mixtasy::store {

namespace {

Result<void> check_key(const KeyRecord& key, const StoreLimits& limits) {
    if (key.fingerprint.empty()) return Unexpected{detail::invalid("key fingerprint empty")};
    MIXTASY_CHECK(detail::check_text(key.fingerprint, limits.max_text_bytes, "key fingerprint"));
    MIXTASY_CHECK(detail::check_text(key.kind, limits.max_text_bytes, "key kind"));
    return detail::check_text(key.secret_path, limits.max_text_bytes, "key secret path");
}

KeyRecord key_from(const sql::Statement& st) {
    KeyRecord key;
    key.fingerprint = st.column_text(0);
    key.kind = st.column_text(1);
    key.created_at = st.column_int(2);
    key.expires_at = st.column_int(3);
    key.secret_path = st.column_text(4);
    return key;
}

}  // namespace

Result<void> SqliteStore::put_key(const KeyRecord& key) {
    MIXTASY_CHECK(check_key(key, impl_->limits()));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(st, (*db)->prepare(
                        "INSERT INTO keys (fingerprint, kind, created_at, expires_at, secret_path)"
                        " VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (fingerprint) DO UPDATE SET"
                        " kind = excluded.kind, created_at = excluded.created_at,"
                        " expires_at = excluded.expires_at, secret_path = excluded.secret_path"));
    st->bind(1, key.fingerprint)
        .bind(2, key.kind)
        .bind(3, key.created_at)
        .bind(4, key.expires_at)
        .bind(5, key.secret_path);
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    MIXTASY_CHECK(st->run());
    return tx->commit();
}

Result<KeyRecord> SqliteStore::get_key(std::string_view fingerprint) {
    MIXTASY_CHECK(
        detail::check_text(fingerprint, impl_->limits().max_text_bytes, "key fingerprint"));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(st, (*db)->prepare("SELECT fingerprint, kind, created_at, expires_at, secret_path"
                                   " FROM keys WHERE fingerprint = ?1"));
    st->bind(1, fingerprint);
    MIXTASY_TRY(row, st->step());
    if (!*row) return Unexpected{StoreError{StoreError::Code::NotFound, "no such key"}};
    return key_from(*st);
}

Result<std::vector<KeyRecord>> SqliteStore::list_keys() {
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(st, (*db)->prepare("SELECT fingerprint, kind, created_at, expires_at, secret_path"
                                   " FROM keys ORDER BY created_at, fingerprint LIMIT ?1"));
    st->bind(1, static_cast<std::int64_t>(impl_->limits().max_batch));
    std::vector<KeyRecord> keys;
    for (;;) {
        MIXTASY_TRY(row, st->step());
        if (!*row) return keys;
        keys.push_back(key_from(*st));
    }
}

Result<void> SqliteStore::delete_key(std::string_view fingerprint) {
    MIXTASY_CHECK(
        detail::check_text(fingerprint, impl_->limits().max_text_bytes, "key fingerprint"));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    {
        MIXTASY_TRY(st, (*db)->prepare("DELETE FROM keys WHERE fingerprint = ?1"));
        st->bind(1, fingerprint);
        MIXTASY_CHECK(st->run());
    }
    if ((*db)->changes() == 0)
        return Unexpected{StoreError{StoreError::Code::NotFound, "no such key"}};
    return tx->commit();
}

Result<void> SqliteStore::add_stats(UnixTime now, std::span<const StatDelta> stats) {
    MIXTASY_CHECK(detail::check_stats(stats, impl_->limits()));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    MIXTASY_CHECK(detail::apply_stats(**db, day_of(now), stats));
    return tx->commit();
}

Result<std::vector<StatRow>> SqliteStore::read_stats(std::int64_t first_day,
                                                     std::int64_t last_day) {
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(st, (*db)->prepare("SELECT day, counter, value FROM stats"
                                   " WHERE day >= ?1 AND day <= ?2"
                                   " ORDER BY day, counter LIMIT ?3"));
    st->bind(1, first_day)
        .bind(2, last_day)
        .bind(3, static_cast<std::int64_t>(impl_->limits().max_batch));
    std::vector<StatRow> rows;
    for (;;) {
        MIXTASY_TRY(row, st->step());
        if (!*row) return rows;
        rows.push_back(StatRow{st->column_int(0), st->column_text(1), st->column_int(2)});
    }
}

}  // namespace mixtasy::store
