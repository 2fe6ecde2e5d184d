// SPDX-License-Identifier: BSD-2-Clause
// store.h - the node's durable memory, for every engine: replay cache,
// pool/outbox, multipart buffer, key metadata and daily statistics.
//
// WHAT IT DOES
//   Store is the one interface core and the tools use; an engine implements
//   it (SQLite today, store/sqlite/, opened with open_sqlite() of
//   store/open.h; PostgreSQL next, for several MX hosts sharing one mix).
//   The records below are the one vocabulary of persistence: core builds
//   NewPoolItems and reads PoolItems itself, no adapter translates them.
//   Every operation is one short transaction; any number of threads may
//   share one Store.
//
// WHAT IT GUARANTEES (every engine)
//   - Atomicity: every call either commits all its rows or none.  In
//     particular enqueue_with_replay() and add_part_with_replay() insert the
//     replay entry and the pool row (or part) in ONE transaction: there is
//     never a replay entry without its row, never a row without its replay
//     entry.  StatDeltas passed to a call commit in that same transaction.
//   - Durability: a call that returned success survives a crash (for
//     SQLite with options.durable, the default: WAL, synchronous=FULL).
//   - Handed out once: claim_*() moves rows to `sending` inside the same
//     transaction that reads them, take_parts*() deletes the set it returns;
//     two threads (or hosts) never get the same row.
//   - Forgets what it passed on: a row that is sent or given up is DELETED
//     in the same transaction as its counter; nothing of it (destination,
//     times, bytes) stays in a table, and truncate_journal() removes the
//     deleted pages from the engine's journal too.
//   - No clock: every time is an int64 of unix seconds passed in by the
//     caller, so tests control time.  Days for statistics are UTC days,
//     day = floor(unix_seconds / 86400).
//   - Never throws; every failure is a StoreError (store/error.h), with one
//     rule for what is temporary.
//
// WHAT IT REFUSES
//   Blobs, hashes, addresses and counter names over the limits in
//   StoreLimits (InvalidArgument, before touching the database); a database
//   whose schema is newer than this program (Schema); a damaged database
//   (Corrupt).
//
// This layer knows nothing of OpenPGP, Mixtasy or milters: a "hash" is opaque
// bytes, a "message" an opaque blob, a "kind" one of four tags for the pool,
// a counter an opaque name.  Which counters exist, how long a row may wait
// and what a discarded multipart set is are core's decisions.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"
#include "store/error.h"

namespace mixtasy::store {

using UnixTime = std::int64_t;  // seconds since 1970-01-01 UTC
using PoolId = std::int64_t;

// Named limits, checked before any SQL runs (store/checks.h).
struct StoreLimits {
    std::size_t max_blob_bytes = 1024 * 1024;  // pool message or part bytes
    std::size_t max_hash_bytes = 128;          // replay hash (raw or hex)
    std::size_t max_text_bytes = 1024;         // addresses, ids, paths, names
    std::uint32_t max_parts = 256;             // total parts of one multipart set
    std::size_t max_batch = 100000;            // rows one claim/read may return
};

// ---- pool / outbox -------------------------------------------------------

enum class PoolKind {
    Mix,         // next layer to the next mix
    Exit,        // original message to its final recipient
    Dummy,       // cover traffic made by this node
    AdminReply,  // answer to remailer-help and friends
};
// Sent and Failed name states of schema v1 only: since v2 a row that ends
// is deleted, so no row is ever read back in them (the migration purged the
// old ones); the names stay because the column's CHECK still allows them.
enum class PoolState { Pooled, Sending, Sent, Failed };

const char* to_string(PoolKind kind) noexcept;
const char* to_string(PoolState state) noexcept;

// A message to be sent later; it owns its bytes, so it can be built, handed
// around (dummy factory, reassembly) and committed later.  envelope_from is
// the node's own address: the incoming sender is never stored.  Ready once
// next_attempt_at <= now; given up (state Failed) by give_up_expired() once
// give_up_at <= now.
struct NewPoolItem {
    PoolKind kind = PoolKind::Mix;
    std::string next_hop;       // RCPT TO of the outgoing message
    std::string envelope_from;  // MAIL FROM of the outgoing message
    Bytes bytes;                // the complete outgoing message
    UnixTime enqueued_at = 0;
    UnixTime next_attempt_at = 0;  // usually == enqueued_at
    UnixTime give_up_at = 0;
};

struct PoolItem {
    PoolId id = 0;
    PoolKind kind = PoolKind::Mix;
    PoolState state = PoolState::Pooled;
    std::string next_hop;
    std::string envelope_from;
    Bytes bytes;
    UnixTime enqueued_at = 0;
    UnixTime next_attempt_at = 0;
    UnixTime give_up_at = 0;
    std::int64_t attempts = 0;  // failed attempts so far
    // Empty until the caller fixes it with fix_delivery_id() at the first
    // send; every later claim returns it, so a repeat after a crash carries
    // the same identifier (core: an exit delivery's Message-ID).
    std::string delivery_id;
};

// The replay entry committed together with a pool row or a part.
struct ReplayEntry {
    ByteView hash;            // opaque; compared byte for byte
    UnixTime expires_at = 0;  // swept after this time
    UnixTime seen_at = 0;     // day for the stats of the same call; when 0
                              // the first item's enqueued_at is used (and
                              // for a part, with no items, day 0)
};

// Daily counter increments that ride in the same transaction as the data
// they count.  The day is taken from the operation's own time (enqueued_at,
// now, ...).  The names are the caller's (core/stats/counters.h).
struct StatDelta {
    std::string_view counter;
    std::int64_t amount = 1;
};

// Uniform random integer in [0, bound), bound > 0.  Supplied by the caller
// (core's Random) so that the store reads no randomness of its own and tests
// are reproducible.
using UniformIndex = std::function<std::uint64_t(std::uint64_t bound)>;

// ---- multipart buffer ----------------------------------------------------

struct NewPart {
    std::string mixtasy_id;  // opaque set identifier
    std::uint32_t part = 1;  // 1..total
    std::uint32_t total = 1;
    ByteView bytes;
    UnixTime expires_at = 0;  // the set is swept after this time
};

struct PartAdded {
    bool inserted = false;      // false: this part number was already there
    std::uint32_t present = 0;  // distinct parts of the set now stored
    std::uint32_t total = 0;    // total parts the set announces
    bool complete() const noexcept { return present == total; }
};

// Given the parts of a complete set in order (part 1 first), build the pool
// rows of the reassembled message.  Returning an empty vector drops the set;
// returning an error aborts the transaction and keeps the parts.  Runs
// inside the store's write transaction: quick, no I/O, no call back into
// the Store.
using PartsAssembler =
    std::function<Result<std::vector<NewPoolItem>>(const std::vector<Bytes>& parts)>;

// Caps on the multipart buffer, checked by add_part_and_complete() inside
// its transaction against what is stored, this part included (0 = no cap).
// "Recent" parts are those with expires_at > recent_after: callers that
// give every part expires_at = arrival + timeout pass
// now + timeout - window and get the parts of the last `window`.
struct PartQuota {
    std::uint64_t max_set_bytes = 0;     // part bytes of the part's own set
    std::uint64_t max_sets = 0;          // sets stored (checked for a new set)
    std::uint64_t max_bytes = 0;         // part bytes of all sets
    UnixTime recent_after = 0;           // see above
    std::uint64_t max_recent_sets = 0;   // sets whose first part is recent (new set)
    std::uint64_t max_recent_bytes = 0;  // part bytes of recent parts
};

// Why add_part_and_complete() refused a part (and destroyed its set).
enum class PartRefusal {
    None,
    Closed,       // the id was completed or destroyed before (its mark is present)
    OtherTotal,   // the part announces another total than its set
    SetTooLarge,  // quota.max_set_bytes
    TooManySets,  // quota.max_sets
    BufferFull,   // quota.max_bytes
    RecentSets,   // quota.max_recent_sets
    RecentBytes,  // quota.max_recent_bytes
};
const char* to_string(PartRefusal refusal) noexcept;

// What happens when a part completes its set, and how an id is closed.
// closed_mark is an opaque replay hash (may be empty: no mark) recorded,
// expiring at closed_until, when the set is handed out or destroyed; a
// later part whose closed_mark is present is refused (Closed).
struct PartCompletion {
    PartsAssembler assemble;
    ByteView closed_mark;
    UnixTime closed_until = 0;
    std::span<const StatDelta> stats;  // count the hand-out, in the same transaction
};

struct PartStored {
    PartRefusal refused = PartRefusal::None;  // not None: part not stored, set destroyed
    PartAdded added;                          // when not refused
    bool handed_out = false;                  // this part completed the set, now gone
    std::vector<PoolId> pooled;               // the rows assemble built (when handed_out)
};

// ---- keys and stats ------------------------------------------------------

struct KeyRecord {
    std::string fingerprint;  // opaque text, the primary key
    std::string kind;         // e.g. "primary", "subkey" (free text to store)
    UnixTime created_at = 0;
    UnixTime expires_at = 0;  // 0 = never
    std::string secret_path;  // where the secret lives; may be empty
};

struct StatRow {
    std::int64_t day = 0;  // UTC day number
    std::string counter;
    std::int64_t value = 0;
};

struct SweepReport {
    std::size_t replay = 0;  // expired replay entries deleted
    std::size_t parts = 0;   // expired part rows deleted
    std::size_t pool = 0;    // pooled rows past give_up_at, deleted
};

inline std::int64_t day_of(UnixTime t) noexcept {
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

// ---- the store ------------------------------------------------------------

// The pure virtual methods are what an engine implements; the plain ones
// are written once here over them.  Default arguments live only here:
// callers hold a Store&, never an engine's type.
class Store {
public:
    virtual ~Store() = default;
    Store() = default;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // The schema version of the open database.
    virtual Result<int> schema_version() = 0;

    // -- replay cache
    // True if hash is present (regardless of expiry: expired rows are only
    // forgotten by sweep, so a late replay is still caught until then).
    virtual Result<bool> replay_seen(ByteView hash) = 0;
    // Insert a replay entry alone (e.g. a dummy that ends here).  Replay if
    // it is already present.  Stats count on the day of `now` (when 0, of
    // replay.seen_at).
    virtual Result<void> record_replay(const ReplayEntry& replay,
                                       std::span<const StatDelta> stats = {}, UnixTime now = 0) = 0;

    // -- pool / outbox
    // Replay check + insert, pool rows, stat increments: one transaction.
    // Replay (nothing written) if the hash is present.  Returns one id per
    // item, in order.  An empty item list records the replay entry alone.
    virtual Result<std::vector<PoolId>> enqueue_with_replay(
        const ReplayEntry& replay, std::span<const NewPoolItem> items,
        std::span<const StatDelta> stats = {}) = 0;
    Result<PoolId> enqueue_with_replay(const ReplayEntry& replay, const NewPoolItem& item,
                                       std::span<const StatDelta> stats = {});
    // Rows with no replay entry of their own (dummies, admin replies).
    virtual Result<std::vector<PoolId>> enqueue(std::span<const NewPoolItem> items,
                                                std::span<const StatDelta> stats = {}) = 0;
    Result<PoolId> enqueue(const NewPoolItem& item, std::span<const StatDelta> stats = {});

    // Rows in state Pooled with next_attempt_at <= now.
    virtual Result<std::size_t> count_ready(UnixTime now) = 0;
    // Rows per state (for `mixtasy pool` and logs).
    virtual Result<std::size_t> count_in_state(PoolState state) = 0;

    // Pick min(k, ready) ready rows uniformly at random (every k-subset
    // equally likely, given a uniform `uniform`), move them to Sending and
    // return them with their bytes; one transaction.  Misuse without a
    // random source or when it returns a value out of range.
    virtual Result<std::vector<PoolItem>> claim_random_ready(UnixTime now, std::size_t k,
                                                             const UniformIndex& uniform) = 0;
    // Claim exactly these ids if they are still ready; returns those claimed.
    virtual Result<std::vector<PoolItem>> claim(std::span<const PoolId> ids, UnixTime now) = 0;
    // Ids of all ready rows, oldest first, at most limits.max_batch.
    virtual Result<std::vector<PoolId>> ready_ids(UnixTime now) = 0;
    // Read one row (any state).  NotFound if absent.
    virtual Result<PoolItem> get(PoolId id) = 0;

    // Fixes the delivery id of a Sending row the first time it is sent:
    // stores `candidate` unless the row already holds one, and returns the
    // one the row holds, durably, before the caller hands the row out.
    // NotFound unless Sending; InvalidArgument for an empty or over-long id.
    virtual Result<std::string> fix_delivery_id(PoolId id, std::string_view candidate) = 0;
    // Deletes a Sending row after the MTA accepted it, with `stats`, in ONE
    // transaction of its own (never batched with another row's, so the
    // window between the MTA's yes and this commit is one commit long).
    // NotFound unless Sending.
    virtual Result<void> mark_sent(PoolId id, UnixTime now,
                                   std::span<const StatDelta> stats = {}) = 0;
    // Sending -> Pooled with attempts+1 and the given next attempt time.
    virtual Result<void> mark_retry(PoolId id, UnixTime next_attempt_at,
                                    std::span<const StatDelta> stats = {}) = 0;
    // Deletes a Sending row the MTA refused for good, with `stats`.
    virtual Result<void> mark_failed(PoolId id, UnixTime now,
                                     std::span<const StatDelta> stats = {}) = 0;
    // Deletes the Pooled rows with give_up_at <= now and, when `counted_as`
    // is not empty, adds their number to that counter on the day of `now`,
    // in one transaction; returns how many.
    virtual Result<std::size_t> give_up_expired(UnixTime now, std::string_view counted_as = {}) = 0;
    // Every Sending row back to Pooled (startup after a crash: at least
    // once); returns how many.  Call before the flush thread starts, and
    // only when no other process is sending from the same database.
    Result<std::size_t> recover_sending();
    // Only Sending rows claimed before `claimed_before`: for several
    // processes sharing one database, where a row claimed a moment ago may
    // be in the middle of its SMTP transaction in another process.  Pass
    // now minus a time longer than any send can take.
    virtual Result<std::size_t> recover_sending(UnixTime claimed_before) = 0;

    // -- multipart buffer
    // Replay entry + part in one transaction.  Replay if the hash is present.
    // A part number already stored is ignored (inserted=false), the replay
    // entry is still recorded.  InvalidArgument if part is outside 1..total,
    // total exceeds limits.max_parts, or total differs from the set's.
    virtual Result<PartAdded> add_part_with_replay(const ReplayEntry& replay, const NewPart& part,
                                                   std::span<const StatDelta> stats = {}) = 0;
    virtual Result<PartAdded> add_part(const NewPart& part) = 0;
    virtual Result<std::uint32_t> count_parts(std::string_view mixtasy_id) = 0;
    // If the set is complete: return its parts in order and delete them, in
    // one transaction (handed out once).  nullopt if absent or incomplete.
    virtual Result<std::optional<std::vector<Bytes>>> take_parts(std::string_view mixtasy_id) = 0;
    // Like take_parts, but the pool rows `assemble` builds from the parts are
    // inserted in the same transaction as the delete: a crash can never lose
    // a completed set.  Returns the new ids, nullopt if incomplete.
    virtual Result<std::optional<std::vector<PoolId>>> take_parts_and_enqueue(
        std::string_view mixtasy_id, UnixTime now, const PartsAssembler& assemble,
        std::span<const StatDelta> stats = {}) = 0;
    // The whole life of a part in ONE transaction, so that no crash or
    // failure between two steps can leave a complete set that nothing
    // hands out:
    //   1. the replay entry (Replay, nothing written, if it is present);
    //   2. if the id is closed, the part breaks `quota` or announces another
    //      total than its set: refused, the set's stored parts deleted, the
    //      closed mark recorded (with the replay entry and `stats`);
    //   3. else the part and `stats` (a part number already stored:
    //      inserted=false, the first copy stays);
    //   4. if it completed the set: the parts in order go to
    //      completion.assemble, its rows are inserted, the set is deleted,
    //      the closed mark and completion.stats recorded.  An empty vector
    //      drops the set the same way; an error aborts the whole call.
    // InvalidArgument (nothing written) as for add_part_with_replay, for
    // the other limits; Misuse without an assembler.
    virtual Result<PartStored> add_part_and_complete(const ReplayEntry& replay, const NewPart& part,
                                                     const PartQuota& quota,
                                                     const PartCompletion& completion,
                                                     std::span<const StatDelta> stats = {}) = 0;
    // Destroys a set: its parts deleted, `replay` (unless Replay: then
    // nothing is written) and `closed_mark` (if absent) recorded, in one
    // transaction.  For a part refused before it reached the store.
    virtual Result<void> close_set_with_replay(const ReplayEntry& replay,
                                               std::string_view mixtasy_id,
                                               const ReplayEntry& closed_mark) = 0;

    // -- key metadata
    virtual Result<void> put_key(const KeyRecord& key) = 0;               // insert or replace
    virtual Result<KeyRecord> get_key(std::string_view fingerprint) = 0;  // NotFound
    virtual Result<std::vector<KeyRecord>> list_keys() = 0;               // ordered by created_at
    virtual Result<void> delete_key(std::string_view fingerprint) = 0;    // NotFound

    // -- statistics
    virtual Result<void> add_stats(UnixTime now, std::span<const StatDelta> stats) = 0;
    // All counters of days first_day..last_day inclusive, by day then name.
    virtual Result<std::vector<StatRow>> read_stats(std::int64_t first_day,
                                                    std::int64_t last_day) = 0;

    // -- housekeeping
    virtual Result<std::size_t> sweep_replay(UnixTime now) = 0;  // expires_at < now
    virtual Result<std::size_t> sweep_parts(UnixTime now) = 0;   // whole sets, expires_at < now
    // give_up_expired(now, given_up_counter), sweep_replay, sweep_parts, in
    // that order; stops at the first failure.
    Result<SweepReport> sweep(UnixTime now, std::string_view given_up_counter = {});
    // Makes deleted rows unrecoverable from the engine's files: SQLite
    // copies its write-ahead log into the database file (whose freed pages
    // secure_delete has zeroed) and truncates the log to zero bytes.  false
    // when a reader of another process kept it from finishing: call again
    // later.  Costs a checkpoint and an fsync: callers bound how often.
    virtual Result<bool> truncate_journal() = 0;

    // The engine's full consistency check; Corrupt with the first complaint.
    virtual Result<void> integrity_check() = 0;

    // -- published keys (seed 004's key service at keys@domain; schema v3)
    // One binary OpenPGP key per address, as its MTA-authenticated owner
    // published it; the caller lower-cases the address.  Insert or replace.
    // InvalidArgument: empty or over-long address, key above max_blob_bytes.
    virtual Result<void> put_published_key(std::string_view address, ByteView key,
                                           UnixTime now) = 0;
    virtual Result<Bytes> get_published_key(std::string_view address) = 0;  // NotFound
};

}  // namespace mixtasy::store
