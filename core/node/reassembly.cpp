// SPDX-License-Identifier: BSD-2-Clause
// reassembly.cpp - parts in, one original out, in one store transaction;
// closed ids remembered; the buffer capped.
#include "core/node/reassembly.h"

#include <algorithm>
#include <exception>
#include <utility>

#include <botan/hash.h>

#include "core/format/mixtasy_id.h"
#include "core/ports/log.h"
#include "core/stats/counters.h"

namespace mixtasy::core {
namespace {

using store::PartRefusal;
using store::StoreError;

// The replay entry that stands for a closed id (reassembly.h, CLOSED IDS):
// SHA-256 over a fixed label, a zero byte and the id, a name no message
// hash can take.  The label predates completed sets being closed too; it
// stays, so marks already in a store keep working.
Bytes closed_mark(std::string_view mixtasy_id) {
    static constexpr std::string_view label = "mixtasy-discarded-multipart-set";
    auto sha = Botan::HashFunction::create_or_throw("SHA-256");
    sha->update(reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
    sha->update(0);
    sha->update(reinterpret_cast<const std::uint8_t*>(mixtasy_id.data()), mixtasy_id.size());
    const auto digest = sha->final();
    return Bytes(digest.begin(), digest.end());
}

bool printable_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x21 && c <= 0x7e; });
}

// Why a set was destroyed, for an admin who turns on debug logging: a
// reason token, never the id, a size or an address.  At the default level
// the destroyed message leaves one line, the milter's with the Decision's
// neutral reason ("multipart-cap", "dropped-set", ...), not a second here.
void log_destroyed(std::string_view why) {
    log(LogLevel::Debug, "reassembly: multipart set destroyed: " + std::string(why));
}

}  // namespace

ReassemblyLimits reassembly_limits(std::size_t max_original, const MultipartCaps& caps) {
    ReassemblyLimits limits;
    limits.max_message_bytes = max_original;
    limits.caps = caps;
    return limits;
}

std::size_t store_blob_limit(std::size_t max_original) {
    constexpr std::size_t kHeaderRewrite = 64 * 1024;  // fields the exit adds, at most
    return std::max(store::StoreLimits{}.max_blob_bytes, 2 * max_original + kHeaderRewrite);
}

std::string chain_problem(const ReassemblyLimits& limits) {
    const MultipartCaps& caps = limits.caps;
    const auto below = [&](std::size_t cap) {
        return cap != 0 && cap < limits.max_message_bytes;
    };
    if (limits.max_message_bytes == 0) return "the maximum original size is 0";
    if (below(caps.max_buffer_bytes))
        return "the multipart buffer is smaller than one original of the maximum size";
    if (below(caps.max_window_bytes))
        return "the multipart window bytes are fewer than one original of the maximum size";
    if (caps.max_window_bytes != 0 && caps.window.count() <= 0)
        return "the multipart window is not positive";
    return {};
}

const char* to_string(PartOutcome::Kind kind) noexcept {
    switch (kind) {
        case PartOutcome::Kind::Stored: return "part-stored";
        case PartOutcome::Kind::Duplicate: return "part-duplicate";
        case PartOutcome::Kind::Completed: return "multipart-complete";
        case PartOutcome::Kind::Discarded: return "multipart-conflict";
        case PartOutcome::Kind::Dropped: return "multipart-dropped";
        case PartOutcome::Kind::OverCap: return "multipart-over-cap";
        case PartOutcome::Kind::Malformed: return "malformed";
    }
    return "unknown";
}

Reassembler::Reassembler(store::Store& store, const Clock& clock, ReassemblyLimits limits,
                         OutboxAges ages)
    : store_(store), clock_(clock), limits_(limits), ages_(ages) {}

bool Reassembler::well_formed(const IncomingPart& part) const {
    if (part.mixtasy_id.empty() || part.mixtasy_id.size() > limits_.max_id_bytes) return false;
    if (!printable_ascii(part.mixtasy_id)) return false;
    if (part.total < 1 || part.total > limits_.max_parts) return false;
    if (part.number < 1 || part.number > part.total) return false;
    return part.content.size() <= limits_.max_part_bytes;
}

// Every part is stored with expires_at = arrival + timeout, so the parts of
// the last window are those expiring after now + timeout - window.
store::PartQuota Reassembler::quota(Instant now) const {
    const MultipartCaps& caps = limits_.caps;
    store::PartQuota q;
    q.max_set_bytes = limits_.max_message_bytes;
    q.max_sets = caps.max_open_sets;
    q.max_bytes = caps.max_buffer_bytes;
    q.recent_after = to_unix(now + limits_.timeout - caps.window);
    q.max_recent_sets = caps.max_window_sets;
    q.max_recent_bytes = caps.max_window_bytes;
    return q;
}

store::Result<PartOutcome> Reassembler::add(ByteView replay_hash, Instant replay_expires_at,
                                            const IncomingPart& part,
                                            const OriginalBuilder& build) {
    if (!well_formed(part)) return PartOutcome{PartOutcome::Kind::Malformed, 0, {}};

    const Instant now = clock_.now();
    const store::ReplayEntry replay{replay_hash, to_unix(replay_expires_at), to_unix(now)};
    // A set past its deadline must not be completed by a late part.
    MIXTASY_CHECK(store_.sweep_parts(to_unix(now)));

    bool dropped = false;  // the set is handed out, but as nothing
    const store::PartsAssembler assemble =
        [&](const std::vector<Bytes>& parts) -> store::Result<std::vector<store::NewPoolItem>> {
        try {
            Bytes original;
            for (const Bytes& p : parts) original.insert(original.end(), p.begin(), p.end());
            if (check_id_binding(part.mixtasy_id, original) == IdBinding::Mismatch) {
                dropped = true;
                log_destroyed("parts do not match their id");
                return std::vector<store::NewPoolItem>{};
            }
            MIXTASY_TRY(rows, build(original));
            for (store::NewPoolItem& row : *rows) schedule(row, now, ages_);
            dropped = rows->empty();
            return std::move(*rows);
        } catch (const std::exception&) {
            // The store runs this inside its transaction: nothing may escape.
            return Unexpected{StoreError{StoreError::Code::InvalidArgument, "builder threw"}};
        }
    };
    const Bytes mark = closed_mark(part.mixtasy_id);
    const store::StatDelta reassembled[] = {count(Counter::Reassembled)};
    const store::PartCompletion completion{assemble, mark, to_unix(now + limits_.timeout),
                                           reassembled};
    const store::NewPart row{part.mixtasy_id, part.number, part.total, part.content,
                             to_unix(now + limits_.timeout)};
    const store::StatDelta counted[] = {count(Counter::Part)};
    MIXTASY_TRY(stored, store_.add_part_and_complete(replay, row, quota(now), completion, counted));
    return outcome_of(*stored, dropped);
}

PartOutcome Reassembler::outcome_of(const store::PartStored& stored, bool dropped) const {
    using Kind = PartOutcome::Kind;
    switch (stored.refused) {
        case PartRefusal::None: break;
        case PartRefusal::Closed: return {Kind::Discarded, 0, {}};
        case PartRefusal::OtherTotal:
            log_destroyed("parts disagree on the total");
            return {Kind::Discarded, 0, {}};
        case PartRefusal::SetTooLarge:
            log_destroyed("over the size limit");
            return {Kind::Dropped, 0, {}};
        case PartRefusal::TooManySets:
        case PartRefusal::BufferFull:
        case PartRefusal::RecentSets:
        case PartRefusal::RecentBytes:
            log_destroyed("over a buffer cap");
            return {Kind::OverCap, 0, {}};
    }
    const store::PartAdded& added = stored.added;
    if (!added.inserted) return {Kind::Duplicate, added.present, {}};
    if (!stored.handed_out) return {Kind::Stored, added.present, {}};
    if (dropped || stored.pooled.empty()) return {Kind::Dropped, added.total, {}};
    return {Kind::Completed, added.total, stored.pooled};
}

store::Result<void> Reassembler::refuse(ByteView replay_hash, Instant replay_expires_at,
                                        const IncomingPart& part, std::string_view why) {
    const Instant now = clock_.now();
    const Bytes mark = closed_mark(part.mixtasy_id);
    const store::ReplayEntry replay{replay_hash, to_unix(replay_expires_at), to_unix(now)};
    const store::ReplayEntry until{mark, to_unix(now + limits_.timeout), 0};
    MIXTASY_CHECK(store_.close_set_with_replay(replay, part.mixtasy_id, until));
    log_destroyed(why);
    return {};
}

}  // namespace mixtasy::core
