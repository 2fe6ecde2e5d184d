// SPDX-License-Identifier: BSD-2-Clause
// reassembly.h - multipart messages at the exit (seed 000 6.2.2, 6.4.4):
// collect the parts of one Mixtasy-ID in any order, hand the whole out
// once, and never let parts fill the disk.
//
// WHAT IT DOES
//   Reassembler::add(replay, part, build) stores one part, its replay entry
//   and its "part" counter and, when the part completes its set, hands the
//   set out: the parts concatenated in order 1..total go to build(original)
//   for the outgoing rows (sanitized exit delivery), which replace the parts,
//   counted "reassembled".  All of that is ONE store transaction
//   (Store::add_part_and_complete), so no crash, full disk or busy database
//   can leave a complete set that nothing hands out.  Outcomes:
//     Stored      kept; the set still misses parts
//     Duplicate   this part number was already stored: this copy is
//                 destroyed, the first stays (its replay hash is recorded)
//     Completed   this part completed the set; `pooled` holds the new rows
//     Discarded   the part contradicts its set (another total), or its id
//                 was completed or destroyed before: the set is destroyed
//     Dropped     the set would be over max_message_bytes (refused at the
//                 part that crosses it), its parts do not match their
//                 bound id (format/mixtasy_id.h), or build() returned no rows
//     OverCap     storing the part would break a cap of MultipartCaps: the
//                 set is destroyed
//     Malformed   the part itself breaks a limit (id, numbering, size)
//   refuse(replay, part) destroys a set for a reason found before the
//   store (the exit policy judged part 1), with the same marks.
//   A set that is still incomplete `timeout` after its first part arrived
//   is dropped (before each add and at every store sweep).
//
// ONE SIZE CHAIN
//   reassembly_limits(max_original, caps) derives every limit from the one
//   maximum original size (kMaxOriginalSize by default, NodeOptions may set
//   another): the creator refuses bigger originals (sender/creator.h), the
//   reassembler refuses bigger sets, and store_blob_limit(max_original) is
//   what the store must accept for the exit row the set becomes.
//
// CLOSED IDS
//   A completed or destroyed set is remembered as a replay entry under a
//   name no message hash can take (SHA-256 over a fixed label and the id),
//   so the mark lives in the store's replay table, is swept the same way
//   and needs no schema of its own.  It expires `timeout` after the set was
//   closed, later than any part of it could still have been waiting.  A
//   part of a closed id is refused: a set sent twice is delivered once, and
//   a late genuine part never starts a second set under the same id.
//
// WHAT IT GUARANTEES
//   A complete set is handed out exactly once, even when its last parts
//   arrive on two threads at the same time.  Every part counts against the
//   caps, and what exceeds one is destroyed; the caller's Decision gives
//   the one neutral log line, and a debug line here says which rule (no id,
//   no address).  Memory: at most max_message_bytes while a set is
//   assembled.  Never throws; a store failure is returned as the store's
//   StoreError (Replay: the part was seen before; temporary(): TempFail).
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
#include "core/format/mix_fields.h"
#include "core/format/mix_format.h"
#include "core/pool/outbox.h"
#include "core/ports/clock.h"
#include "store/store.h"

namespace mixtasy::core {

// How much of its disk a node gives to sets still waiting for parts.  The
// defaults keep the buffer under 32 MiB and let one sender fill at most a
// quarter of it an hour, while 32 originals of the maximum size an hour
// still pass.  0 = no cap.
struct MultipartCaps {
    std::size_t max_open_sets = 128;                  // sets waiting at once
    std::size_t max_buffer_bytes = 32 * 1024 * 1024;  // part bytes of all of them
    std::chrono::seconds window{60 * 60};             // for the two caps below
    std::size_t max_window_sets = 64;                 // sets begun within one window
    std::size_t max_window_bytes = 8 * 1024 * 1024;   // part bytes received within one
};

struct ReassemblyLimits {
    std::size_t max_id_bytes = 250;          // RFC 5322 msg-id is short
    std::uint32_t max_parts = kMaxParts;     // also the store's limit
    std::size_t max_part_bytes = 20 * 1024;  // a final message's payload
    std::size_t max_message_bytes = kMaxOriginalSize;
    std::chrono::seconds timeout{3 * 24 * 60 * 60};  // Mixmaster-like patience
    MultipartCaps caps;
};

// The limits of the one chain for a node whose largest original is
// max_original (see ONE SIZE CHAIN).
ReassemblyLimits reassembly_limits(std::size_t max_original, const MultipartCaps& caps = {});
// The blob limit the store needs for the exit row of such an original: the
// exit rewrites the header and makes line ends CRLF, which at worst doubles
// a body of bare LFs.
std::size_t store_blob_limit(std::size_t max_original);
// Why these limits cannot work together (a cap smaller than one original of
// the maximum size would refuse every such original), or empty.
std::string chain_problem(const ReassemblyLimits& limits);

struct IncomingPart {
    std::string mixtasy_id;
    std::uint32_t number = 0;
    std::uint32_t total = 0;
    ByteView content;  // literal data of this part
};

struct PartOutcome {
    enum class Kind { Stored, Duplicate, Completed, Discarded, Dropped, OverCap, Malformed };
    Kind kind = Kind::Stored;
    std::uint32_t present = 0;          // parts of the set stored (Stored, Duplicate)
    std::vector<store::PoolId> pooled;  // rows made from the set (Completed)
};

const char* to_string(PartOutcome::Kind kind) noexcept;

// Makes the outgoing rows from the reassembled original message.  Runs
// inside the store transaction: quick, no I/O, no call into the store.  The
// Reassembler stamps the rows' times.  An empty vector drops the set; an
// error aborts the transaction (the part is not stored; add() returns that
// error, and a retry of the same part may complete the set).
using OriginalBuilder =
    std::function<store::Result<std::vector<store::NewPoolItem>>(ByteView original)>;

class Reassembler {
public:
    Reassembler(store::Store& store, const Clock& clock, ReassemblyLimits limits = {},
                OutboxAges ages = {});

    store::Result<PartOutcome> add(ByteView replay_hash, Instant replay_expires_at,
                                   const IncomingPart& part, const OriginalBuilder& build);
    // Destroys the part's set and closes its id; records the replay hash
    // (Replay if it is present).  `why` is a neutral token for the log.
    store::Result<void> refuse(ByteView replay_hash, Instant replay_expires_at,
                               const IncomingPart& part, std::string_view why);

    const ReassemblyLimits& limits() const noexcept { return limits_; }

private:
    bool well_formed(const IncomingPart& part) const;
    store::PartQuota quota(Instant now) const;
    PartOutcome outcome_of(const store::PartStored& stored, bool dropped) const;

    store::Store& store_;
    const Clock& clock_;
    ReassemblyLimits limits_;
    OutboxAges ages_;
};

}  // namespace mixtasy::core
