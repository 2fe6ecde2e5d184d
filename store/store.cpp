// SPDX-License-Identifier: BSD-2-Clause
// store.cpp - what every engine shares: the names of pool kinds and states,
// and the operations written once over the engine's pure virtual ones.
#include "store/store.h"

#include <limits>

namespace mixtasy::store {

// The same tokens are the SQL values of the pool's kind and state columns.
const char* to_string(PoolKind kind) noexcept {
    switch (kind) {
        case PoolKind::Mix: return "mix";
        case PoolKind::Exit: return "exit";
        case PoolKind::Dummy: return "dummy";
        case PoolKind::AdminReply: return "admin-reply";
    }
    return "mix";
}

const char* to_string(PoolState state) noexcept {
    switch (state) {
        case PoolState::Pooled: return "pooled";
        case PoolState::Sending: return "sending";
        case PoolState::Sent: return "sent";
        case PoolState::Failed: return "failed";
    }
    return "pooled";
}

const char* to_string(PartRefusal refusal) noexcept {
    switch (refusal) {
        case PartRefusal::None: return "none";
        case PartRefusal::Closed: return "closed-set";
        case PartRefusal::OtherTotal: return "other-total";
        case PartRefusal::SetTooLarge: return "set-too-large";
        case PartRefusal::TooManySets: return "too-many-sets";
        case PartRefusal::BufferFull: return "buffer-full";
        case PartRefusal::RecentSets: return "too-many-recent-sets";
        case PartRefusal::RecentBytes: return "too-many-recent-bytes";
    }
    return "none";
}

Result<PoolId> Store::enqueue_with_replay(const ReplayEntry& replay, const NewPoolItem& item,
                                          std::span<const StatDelta> stats) {
    MIXTASY_TRY(ids, enqueue_with_replay(replay, std::span<const NewPoolItem>(&item, 1), stats));
    return ids->front();
}

Result<PoolId> Store::enqueue(const NewPoolItem& item, std::span<const StatDelta> stats) {
    MIXTASY_TRY(ids, enqueue(std::span<const NewPoolItem>(&item, 1), stats));
    return ids->front();
}

Result<std::size_t> Store::recover_sending() {
    return recover_sending(std::numeric_limits<UnixTime>::max());
}

Result<SweepReport> Store::sweep(UnixTime now, std::string_view given_up_counter) {
    SweepReport report;
    MIXTASY_TRY(pool, give_up_expired(now, given_up_counter));
    report.pool = *pool;
    MIXTASY_TRY(replay, sweep_replay(now));
    report.replay = *replay;
    MIXTASY_TRY(parts, sweep_parts(now));
    report.parts = *parts;
    return report;
}

}  // namespace mixtasy::store
