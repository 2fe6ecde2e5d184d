// reassembly.cpp - parts in, one original out; destroyed sets remembered.
#include "core/node/reassembly.h"

#include <exception>
#include <utility>

#include <botan/hash.h>

#include "core/ports/log.h"
#include "core/stats/counters.h"

namespace mixtasy::core {
namespace {

using store::StoreError;

// The replay entry that stands for a destroyed set (reassembly.h,
// DISCARDED SETS): SHA-256 over a fixed label, a zero byte and the id, a
// name no message hash can take.
Bytes discard_mark(std::string_view mixtasy_id) {
    static constexpr std::string_view label = "mixtasy-discarded-multipart-set";
    auto sha = Botan::HashFunction::create_or_throw("SHA-256");
    sha->update(reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
    sha->update(0);
    sha->update(reinterpret_cast<const std::uint8_t*>(mixtasy_id.data()), mixtasy_id.size());
    const auto digest = sha->final();
    return Bytes(digest.begin(), digest.end());
}

// A well-formed part can only be refused by the store for a total that
// contradicts its set's (or, on an engine with the check in its schema, a
// constraint saying so).
bool contradicts_set(const StoreError& error) {
    return error.code == StoreError::Code::InvalidArgument ||
           error.code == StoreError::Code::Constraint;
}

bool printable_ascii(std::string_view s) {
    for (char c : s) {
        if (c < 0x21 || c > 0x7e) return false;
    }
    return true;
}

}  // namespace

const char* to_string(PartOutcome::Kind kind) noexcept {
    switch (kind) {
        case PartOutcome::Kind::Stored: return "part-stored";
        case PartOutcome::Kind::Duplicate: return "part-duplicate";
        case PartOutcome::Kind::Completed: return "multipart-complete";
        case PartOutcome::Kind::Discarded: return "multipart-conflict";
        case PartOutcome::Kind::Dropped: return "multipart-dropped";
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

store::Result<bool> Reassembler::discarded(std::string_view mixtasy_id) {
    const Bytes mark = discard_mark(mixtasy_id);
    return store_.replay_seen(mark);
}

store::Result<PartOutcome> Reassembler::add(ByteView replay_hash, Instant replay_expires_at,
                                            const IncomingPart& part,
                                            const OriginalBuilder& build) {
    if (!well_formed(part)) return PartOutcome{PartOutcome::Kind::Malformed, 0, {}};

    const Instant now = clock_.now();
    const store::ReplayEntry replay{replay_hash, to_unix(replay_expires_at), to_unix(now)};
    // A set past its deadline must not be completed by a late part.
    MIXTASY_CHECK(store_.sweep_parts(to_unix(now)));
    MIXTASY_TRY(gone, discarded(part.mixtasy_id));
    if (*gone) {
        // Refused, but its hash is burnt: the part cannot come back later.
        MIXTASY_CHECK(store_.record_replay(replay, {}, to_unix(now)));
        return PartOutcome{PartOutcome::Kind::Discarded, 0, {}};
    }

    const store::NewPart row{part.mixtasy_id, part.number, part.total, part.content,
                             to_unix(now + limits_.timeout)};
    const store::StatDelta counted[] = {count(Counter::Part)};
    auto added = store_.add_part_with_replay(replay, row, counted);
    if (!added) {
        if (contradicts_set(added.error())) return discard(replay, part, now);
        return Unexpected{added.error()};
    }
    if (!added->inserted) return PartOutcome{PartOutcome::Kind::Duplicate, added->present, {}};
    if (!added->complete()) return PartOutcome{PartOutcome::Kind::Stored, added->present, {}};
    return complete(part, now, build);
}

store::Result<PartOutcome> Reassembler::discard(const store::ReplayEntry& replay,
                                                const IncomingPart& part, Instant now) {
    const Bytes mark = discard_mark(part.mixtasy_id);
    const store::ReplayEntry until{mark, to_unix(now + limits_.timeout), 0};
    if (auto done = store_.record_replay(until, {}, 0);
        !done && done.error().code != StoreError::Code::Replay)
        return Unexpected{done.error()};
    // The refused part never reached the store: burn its hash too, so the
    // same part cannot be replayed against a later set with that id.
    if (auto burned = store_.record_replay(replay, {}, replay.seen_at);
        !burned && burned.error().code != StoreError::Code::Replay)
        return Unexpected{burned.error()};
    log(LogLevel::Notice, "reassembly: multipart set destroyed: parts disagree on the total");
    return PartOutcome{PartOutcome::Kind::Discarded, 0, {}};
}

store::Result<PartOutcome> Reassembler::complete(const IncomingPart& part, Instant now,
                                                 const OriginalBuilder& build) {
    // nullopt below means: another thread completed and took the set first.
    const PartOutcome taken{PartOutcome::Kind::Stored, part.total, {}};
    MIXTASY_TRY(gone, discarded(part.mixtasy_id));
    if (*gone) return taken;

    bool oversized = false;
    const store::PartsAssembler assemble =
        [&](const std::vector<Bytes>& parts) -> store::Result<std::vector<store::NewPoolItem>> {
        try {
            std::size_t size = 0;
            for (const Bytes& p : parts) size += p.size();
            if (size > limits_.max_message_bytes) {
                oversized = true;
                return std::vector<store::NewPoolItem>{};  // drops the set
            }
            Bytes original;
            original.reserve(size);
            for (const Bytes& p : parts) original.insert(original.end(), p.begin(), p.end());
            MIXTASY_TRY(rows, build(original));
            for (store::NewPoolItem& row : *rows) schedule(row, now, ages_);
            return std::move(*rows);
        } catch (const std::exception&) {
            // The store runs this inside its transaction: nothing may escape.
            return Unexpected{StoreError{StoreError::Code::InvalidArgument, "builder threw"}};
        }
    };
    const store::StatDelta counted[] = {count(Counter::Reassembled)};
    MIXTASY_TRY(ids,
                store_.take_parts_and_enqueue(part.mixtasy_id, to_unix(now), assemble, counted));
    if (!*ids) return taken;
    if (oversized || (*ids)->empty()) {
        if (oversized) log(LogLevel::Notice, "reassembly: multipart set dropped: over size limit");
        return PartOutcome{PartOutcome::Kind::Dropped, part.total, {}};
    }
    return PartOutcome{PartOutcome::Kind::Completed, part.total, std::move(**ids)};
}

}  // namespace mixtasy::core
