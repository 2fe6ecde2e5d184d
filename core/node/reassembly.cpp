// reassembly.cpp - parts in, one original out.
#include "core/node/reassembly.h"

#include <exception>

#include "core/ports/log.h"

namespace mixtasy::core {
namespace {

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

Reassembler::Reassembler(Store& store, const Clock& clock, ReassemblyLimits limits)
    : store_(store), clock_(clock), limits_(limits) {}

bool Reassembler::well_formed(const IncomingPart& part) const {
    if (part.mixtasy_id.empty() || part.mixtasy_id.size() > limits_.max_id_bytes) return false;
    if (!printable_ascii(part.mixtasy_id)) return false;
    if (part.total < 1 || part.total > limits_.max_parts) return false;
    if (part.number < 1 || part.number > part.total) return false;
    return part.content.size() <= limits_.max_part_bytes;
}

StoreResult<PartOutcome> Reassembler::add(ByteView replay_hash, Instant replay_expires_at,
                                          const IncomingPart& part, const OriginalBuilder& build) {
    if (!well_formed(part)) return PartOutcome{PartOutcome::Kind::Malformed, 0, {}};

    const Instant now = clock_.now();
    const ReplayStamp replay{replay_hash, replay_expires_at};
    const PartRecord record{part.mixtasy_id, part.number, part.total, part.content,
                            now + limits_.timeout};
    auto status = store_.commit_part(replay, record, now);
    if (!status) {
        // The part is well formed, so the store's only objection left is a
        // total that contradicts the set's: destroy the set.
        if (status.error().code == StoreFailure::Code::Invalid) return discard(replay, part, now);
        return Unexpected{status.error()};
    }
    if (status->discarded) return PartOutcome{PartOutcome::Kind::Discarded, 0, {}};
    if (!status->inserted) return PartOutcome{PartOutcome::Kind::Duplicate, status->present, {}};
    if (!status->complete()) return PartOutcome{PartOutcome::Kind::Stored, status->present, {}};
    return complete(part, now, build);
}

StoreResult<PartOutcome> Reassembler::discard(const ReplayStamp& replay, const IncomingPart& part,
                                              Instant now) {
    if (auto done = store_.discard_set(part.mixtasy_id, now + limits_.timeout); !done)
        return Unexpected{done.error()};
    // The refused part never reached the store: burn its hash too, so the
    // same part cannot be replayed against a later set with that id.
    if (auto burned = store_.commit_replay(replay, now);
        !burned && burned.error().code != StoreFailure::Code::Replay)
        return Unexpected{burned.error()};
    log(LogLevel::Notice, "reassembly: multipart set destroyed: parts disagree on the total");
    return PartOutcome{PartOutcome::Kind::Discarded, 0, {}};
}

StoreResult<PartOutcome> Reassembler::complete(const IncomingPart& part, Instant now,
                                               const OriginalBuilder& build) {
    bool oversized = false;
    const SetAssembler assemble =
        [&](const std::vector<Bytes>& parts) -> Expected<std::vector<OutgoingItem>, StoreFailure> {
        std::size_t size = 0;
        for (const Bytes& p : parts) size += p.size();
        if (size > limits_.max_message_bytes) {
            oversized = true;
            return std::vector<OutgoingItem>{};  // drops the set
        }
        Bytes original;
        original.reserve(size);
        for (const Bytes& p : parts) original.insert(original.end(), p.begin(), p.end());
        try {
            return build(original);
        } catch (const std::exception&) {
            return Unexpected{StoreFailure{StoreFailure::Code::Invalid, "builder threw"}};
        }
    };
    auto ids = store_.complete_set(part.mixtasy_id, now, assemble);
    if (!ids) return Unexpected{ids.error()};
    // nullopt: another thread completed and took the set first.
    if (!*ids) return PartOutcome{PartOutcome::Kind::Stored, part.total, {}};
    if (oversized || (*ids)->empty()) {
        if (oversized) log(LogLevel::Notice, "reassembly: multipart set dropped: over size limit");
        return PartOutcome{PartOutcome::Kind::Dropped, part.total, {}};
    }
    return PartOutcome{PartOutcome::Kind::Completed, part.total, std::move(**ids)};
}

}  // namespace mixtasy::core
