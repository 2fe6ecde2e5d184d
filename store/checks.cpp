// SPDX-License-Identifier: BSD-2-Clause
// checks.cpp - the StoreLimits checks of store/checks.h.
#include "store/checks.h"

namespace mixtasy::store::detail {

StoreError invalid(std::string detail) {
    return StoreError{StoreError::Code::InvalidArgument, std::move(detail)};
}

Result<void> check_text(std::string_view text, std::size_t limit, const char* what) {
    if (text.size() > limit)
        return Unexpected{invalid(std::string(what) + " longer than its limit")};
    if (text.find('\0') != std::string_view::npos)
        return Unexpected{invalid(std::string(what) + " contains NUL")};
    return {};
}

Result<void> check_blob(ByteView blob, std::size_t limit, const char* what) {
    if (blob.size() > limit)
        return Unexpected{invalid(std::string(what) + " larger than its limit")};
    return {};
}

Result<void> check_replay(const ReplayEntry& replay, const StoreLimits& limits) {
    if (replay.hash.empty()) return Unexpected{invalid("replay hash empty")};
    return check_blob(replay.hash, limits.max_hash_bytes, "replay hash");
}

Result<void> check_stats(std::span<const StatDelta> stats, const StoreLimits& limits) {
    for (const auto& delta : stats) {
        if (delta.counter.empty()) return Unexpected{invalid("stat counter name empty")};
        MIXTASY_CHECK(check_text(delta.counter, limits.max_text_bytes, "stat counter name"));
    }
    return {};
}

Result<void> check_pool_item(const NewPoolItem& item, const StoreLimits& limits) {
    MIXTASY_CHECK(check_text(item.next_hop, limits.max_text_bytes, "next hop"));
    MIXTASY_CHECK(check_text(item.envelope_from, limits.max_text_bytes, "envelope sender"));
    return check_blob(item.bytes, limits.max_blob_bytes, "pool message");
}

Result<void> check_items(std::span<const NewPoolItem> items, const StoreLimits& limits) {
    if (items.size() > limits.max_batch)
        return Unexpected{invalid("too many pool items in one call")};
    for (const auto& item : items) MIXTASY_CHECK(check_pool_item(item, limits));
    return {};
}

Result<void> check_part(const NewPart& part, const StoreLimits& limits) {
    if (part.mixtasy_id.empty()) return Unexpected{invalid("multipart id empty")};
    MIXTASY_CHECK(check_text(part.mixtasy_id, limits.max_text_bytes, "multipart id"));
    if (part.total < 1 || part.total > limits.max_parts)
        return Unexpected{invalid("multipart total outside 1..max_parts")};
    if (part.part < 1 || part.part > part.total)
        return Unexpected{invalid("part number outside 1..total")};
    return check_blob(part.bytes, limits.max_blob_bytes, "part");
}

}  // namespace mixtasy::store::detail
