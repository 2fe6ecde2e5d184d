// store.h - everything core keeps across messages and restarts, as core
// needs it: replay cache, pool/outbox, multipart buffer, daily counters.
//
// core owns this interface (shared/DESIGN.md section 2); SqliteStore
// (core/node/sqlite_store.h) implements it over store/, tests use that same
// implementation on a temporary file.
//
// WHAT IT GUARANTEES (every implementation)
//   - commit_pooled() checks and inserts the replay hash and inserts the pool
//     row in ONE durable transaction: Replay (and nothing written) if the hash
//     is known, otherwise both rows exist when it returns.  Node returns
//     Decision::pooled() only after this returned a value.
//   - commit_part() is the same for one part of a multipart message.
//   - claim_random() picks min(k, ready) ready rows, every k-subset equally
//     likely given a uniform Random, and moves them to "sending" in the same
//     transaction: two flushers never get the same row.  A row stays
//     "sending" until mark_sent / mark_retry / mark_failed; after a crash,
//     recover_in_flight() returns such rows to the pool (sent at least once).
//   - complete_set() hands a complete multipart set out exactly once: the
//     parts are deleted and the rows built from them inserted in one
//     transaction.
//   - Never throws.  Failures are StoreFailure codes:
//       Replay       the hash was seen before: the protocol says drop.
//       Unavailable  disk full, database locked or unwritable, I/O error:
//                    retry later (the milter answers TempFail).
//       Corrupt      the database is damaged or from a newer program: an
//                    admin must act; also TempFail for the MTA.
//       NotFound     the row or set is gone (already handled elsewhere).
//       Invalid      the caller broke a limit (oversized blob, part number
//                    outside 1..total, a total that contradicts the set's).
//     `detail` is a short diagnostic safe to log: no content, no address.
//
// WHAT IT REFUSES
//   Items and parts beyond the implementation's size limits (Invalid).
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/ports/clock.h"

namespace mixtasy::core {

class Random;

using PoolId = std::int64_t;

enum class ItemKind {
    Mix,         // next layer to the next mix
    Exit,        // original message to its final recipient
    Dummy,       // cover traffic made by this node
    AdminReply,  // answer to remailer-help and friends
};

// One message waiting to leave.  envelope_from is this node's own address
// (mix address or anonymous sender): the incoming sender is never stored.
struct OutgoingItem {
    ItemKind kind = ItemKind::Mix;
    std::string recipient;      // RCPT TO: next mix or final recipient
    std::string envelope_from;  // MAIL FROM of the reinjection
    Bytes message;              // complete RFC 5322 message, CRLF line ends
};

struct PooledItem {
    PoolId id = 0;
    OutgoingItem item;
    Instant enqueued_at{};
    std::int64_t attempts = 0;  // failed attempts so far
};

// The replay entry committed with a row; kept until expires_at (the expiry
// of the subkey that decrypted the message).
struct ReplayStamp {
    ByteView hash;
    Instant expires_at{};
};

struct PartRecord {
    std::string mixtasy_id;    // set identifier (Mixtasy-ID header value)
    std::uint32_t number = 1;  // 1..total
    std::uint32_t total = 1;
    ByteView content;          // literal data of this part
    Instant expires_at{};      // the incomplete set is dropped after this
};

struct PartStatus {
    bool discarded = false;     // the set was destroyed; this part too
    bool inserted = false;      // false: duplicate part number, ignored
    std::uint32_t present = 0;  // distinct parts stored for the set
    std::uint32_t total = 0;    // total the set announces
    bool complete() const noexcept { return total != 0 && present == total; }
};

struct StoreFailure {
    enum class Code { Replay, Unavailable, Corrupt, NotFound, Invalid };
    Code code = Code::Unavailable;
    std::string detail;

    // Worth retrying later: the milter answers TempFail.
    bool temporary() const noexcept { return code == Code::Unavailable || code == Code::Corrupt; }
};

const char* to_string(StoreFailure::Code code) noexcept;

template <typename T>
using StoreResult = Expected<T, StoreFailure>;

// Builds the outgoing rows of a reassembled message from its parts in order
// (part 1 first).  An empty vector drops the set; an error keeps the parts.
using SetAssembler =
    std::function<Expected<std::vector<OutgoingItem>, StoreFailure>(const std::vector<Bytes>& parts)>;

struct SweepCounts {
    std::size_t replay = 0;
    std::size_t parts = 0;
    std::size_t pool = 0;
};

class Store {
public:
    virtual ~Store() = default;

    // -- replay cache
    virtual StoreResult<bool> replay_seen(ByteView hash) = 0;
    // Replay entry alone: a dummy that ends here still burns its hash.
    virtual StoreResult<void> commit_replay(const ReplayStamp& replay, Instant now) = 0;

    // -- pool
    virtual StoreResult<PoolId> commit_pooled(const ReplayStamp& replay, const OutgoingItem& item,
                                              Instant now) = 0;
    // Rows with no replay entry of their own (dummies, admin replies).
    virtual StoreResult<PoolId> enqueue(const OutgoingItem& item, Instant now) = 0;
    // Ready rows: pooled and due (next attempt time reached).
    virtual StoreResult<std::size_t> count_ready(Instant now) = 0;
    virtual StoreResult<std::vector<PooledItem>> claim_random(Instant now, std::size_t k,
                                                              Random& random) = 0;
    virtual StoreResult<void> mark_sent(PoolId id, Instant now) = 0;
    // Back to the pool, attempts + 1, not ready before next_attempt.
    virtual StoreResult<void> mark_retry(PoolId id, Instant next_attempt) = 0;
    virtual StoreResult<void> mark_failed(PoolId id, Instant now) = 0;
    // Every "sending" row back to the pool (call once at startup).
    virtual StoreResult<std::size_t> recover_in_flight() = 0;

    // -- multipart buffer
    virtual StoreResult<PartStatus> commit_part(const ReplayStamp& replay, const PartRecord& part,
                                                Instant now) = 0;
    // nullopt while the set is incomplete, discarded or already handed out.
    virtual StoreResult<std::optional<std::vector<PoolId>>> complete_set(
        std::string_view mixtasy_id, Instant now, const SetAssembler& assemble) = 0;
    // Destroy a set (conflicting parts): it never completes, and parts that
    // still arrive for it before `until` are refused (PartStatus::discarded,
    // replay hash recorded).
    virtual StoreResult<void> discard_set(std::string_view mixtasy_id, Instant until) = 0;

    // -- statistics and housekeeping
    virtual StoreResult<void> count(std::string_view counter, std::int64_t amount, Instant now) = 0;
    virtual StoreResult<SweepCounts> sweep(Instant now) = 0;
};

}  // namespace mixtasy::core
