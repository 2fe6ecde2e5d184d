// reassembly.h - multipart messages at the exit (seed 000 6.4.4): collect
// the parts of one Mixtasy-ID in any order, hand the whole out once.
//
// WHAT IT DOES
//   Reassembler::add(replay, part, build) stores one part together with its
//   replay entry and its "part" counter (one transaction, store/store.h)
//   and, when the part completes its set, concatenates the parts in order
//   1..total and calls build(original) to make the outgoing rows (sanitized
//   exit delivery); those rows, scheduled by core/pool/outbox.h, replace
//   the parts in one transaction, counted "reassembled".  Outcomes:
//     Stored      kept; the set still misses parts
//     Duplicate   this part number was already stored: ignored (its replay
//                 hash is still recorded)
//     Completed   this part completed the set; `pooled` holds the new rows
//     Discarded   the part contradicts its set (another total): the whole
//                 set is destroyed, and later parts of it are refused until
//                 the set's deadline; also for parts of an already
//                 destroyed set
//     Dropped     the set completed but the reassembled message is over
//                 max_message_bytes, or build() returned no rows
//     Malformed   the part itself breaks a limit (id, numbering, size)
//   A set that is still incomplete `timeout` after its first part arrived
//   is dropped (before each add and at every store sweep).
//
// DISCARDED SETS
//   A destroyed set is remembered as a replay entry under a name no message
//   hash can take (SHA-256 over a fixed label and the id), so the mark
//   lives in the store's replay table, is swept the same way, needs no
//   schema of its own and works on every engine.  It expires at the set's
//   deadline.
//
// WHAT IT GUARANTEES
//   A complete set is handed out exactly once, even when its last parts
//   arrive on two threads at the same time: the loser sees Stored.
//   A discarded set stays discarded: its remaining parts are refused (their
//   replay hashes still recorded) until the set's deadline, and it never
//   completes.  Expired sets are swept before each new part is added, so a
//   part arriving after the deadline starts a new set instead of completing
//   the old one.
//   Memory: at most max_parts * max_part_bytes, capped by
//   max_message_bytes, while a set is assembled.  Never throws; a store
//   failure is returned as the store's StoreError (Replay: the part was
//   seen before; temporary(): TempFail).
//
// WHAT IT REFUSES
//   Ids that are empty, longer than max_id_bytes or not printable ASCII;
//   total outside 1..max_parts; number outside 1..total; a part over
//   max_part_bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/pool/outbox.h"
#include "core/ports/clock.h"
#include "store/store.h"

namespace mixtasy::core {

struct ReassemblyLimits {
    std::size_t max_id_bytes = 250;          // RFC 5322 msg-id is short
    std::uint32_t max_parts = 256;           // also the store's limit
    std::size_t max_part_bytes = 20 * 1024;  // a final message's payload
    std::size_t max_message_bytes = 4 * 1024 * 1024;
    std::chrono::seconds timeout{3 * 24 * 60 * 60};  // Mixmaster-like patience
};

struct IncomingPart {
    std::string mixtasy_id;
    std::uint32_t number = 0;
    std::uint32_t total = 0;
    ByteView content;  // literal data of this part
};

struct PartOutcome {
    enum class Kind { Stored, Duplicate, Completed, Discarded, Dropped, Malformed };
    Kind kind = Kind::Stored;
    std::uint32_t present = 0;          // parts of the set stored (Stored, Duplicate)
    std::vector<store::PoolId> pooled;  // rows made from the set (Completed)
};

const char* to_string(PartOutcome::Kind kind) noexcept;

// Makes the outgoing rows from the reassembled original message.  Runs
// inside the store transaction: quick, no I/O, no call into the store.  The
// Reassembler stamps the rows' times.  An empty vector drops the set; an
// error keeps the parts (and add() returns that error).
using OriginalBuilder =
    std::function<store::Result<std::vector<store::NewPoolItem>>(ByteView original)>;

class Reassembler {
public:
    Reassembler(store::Store& store, const Clock& clock, ReassemblyLimits limits = {},
                OutboxAges ages = {});

    store::Result<PartOutcome> add(ByteView replay_hash, Instant replay_expires_at,
                                   const IncomingPart& part, const OriginalBuilder& build);

    const ReassemblyLimits& limits() const noexcept { return limits_; }

private:
    bool well_formed(const IncomingPart& part) const;
    store::Result<bool> discarded(std::string_view mixtasy_id);
    store::Result<PartOutcome> discard(const store::ReplayEntry& replay, const IncomingPart& part,
                                       Instant now);
    store::Result<PartOutcome> complete(const IncomingPart& part, Instant now,
                                        const OriginalBuilder& build);

    store::Store& store_;
    const Clock& clock_;
    ReassemblyLimits limits_;
    OutboxAges ages_;
};

}  // namespace mixtasy::core
