// SPDX-License-Identifier: BSD-2-Clause
// checks.h - the StoreLimits checks every engine runs before it touches its
// database, so a request is refused the same way (InvalidArgument, with the
// name of the limit as detail) whatever engine holds the data.
//
// WHAT IT GUARANTEES
//   Each check only reads its arguments; none holds message bytes, hashes or
//   addresses in the error detail.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "common/bytes.h"
#include "store/store.h"

namespace mixtasy::store::detail {

StoreError invalid(std::string detail);
// Texts: at most `limit` bytes, no NUL.  Blobs: at most `limit` bytes.
Result<void> check_text(std::string_view text, std::size_t limit, const char* what);
Result<void> check_blob(ByteView blob, std::size_t limit, const char* what);
// A replay hash: not empty, at most max_hash_bytes.
Result<void> check_replay(const ReplayEntry& replay, const StoreLimits& limits);
// Counter names: not empty, a text within max_text_bytes.
Result<void> check_stats(std::span<const StatDelta> stats, const StoreLimits& limits);
// One pool row: addresses are texts, the message a blob within max_blob_bytes.
Result<void> check_pool_item(const NewPoolItem& item, const StoreLimits& limits);
// At most max_batch rows, each one a valid pool row.
Result<void> check_items(std::span<const NewPoolItem> items, const StoreLimits& limits);
// A part: id a text, 1 <= part <= total <= max_parts, bytes within max_blob_bytes.
Result<void> check_part(const NewPart& part, const StoreLimits& limits);

}  // namespace mixtasy::store::detail
