// SPDX-License-Identifier: BSD-2-Clause
// published_keys.cpp - the keys of seed 004's key service in SqliteStore
// (store.h, "published keys"; table published_keys of schema v3).
#include "store/sqlite/impl.h"

namespace mixtasy::store {

Result<void> SqliteStore::put_published_key(std::string_view address, ByteView key, UnixTime now) {
    if (address.empty()) return Unexpected{detail::invalid("published key address empty")};
    MIXTASY_CHECK(detail::check_text(address, impl_->limits().max_text_bytes, "address"));
    MIXTASY_CHECK(detail::check_blob(key, impl_->limits().max_blob_bytes, "published key"));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(st, (*db)->prepare("INSERT INTO published_keys (address, key_bytes, published_at)"
                                   " VALUES (?1, ?2, ?3) ON CONFLICT (address) DO UPDATE SET"
                                   " key_bytes = excluded.key_bytes,"
                                   " published_at = excluded.published_at"));
    st->bind(1, address).bind(2, key).bind(3, now);
    MIXTASY_TRY(tx, impl_->begin_write(**db));
    MIXTASY_CHECK(st->run());
    return tx->commit();
}

Result<Bytes> SqliteStore::get_published_key(std::string_view address) {
    MIXTASY_CHECK(detail::check_text(address, impl_->limits().max_text_bytes, "address"));
    MIXTASY_TRY(db, impl_->connection());
    MIXTASY_TRY(st, (*db)->prepare("SELECT key_bytes FROM published_keys WHERE address = ?1"));
    st->bind(1, address);
    MIXTASY_TRY(row, st->step());
    if (!*row) return Unexpected{StoreError{StoreError::Code::NotFound, "no key published"}};
    return st->column_blob(0);
}

}  // namespace mixtasy::store
