// store.h - the node's durable memory: replay cache, pool/outbox, multipart
// buffer, key metadata and daily statistics in one SQLite database.
//
// WHAT IT DOES
//   Store::open(options) opens (creating if needed) one database file, checks
//   it (PRAGMA quick_check), brings its schema forward to the current version
//   and returns a Store that any number of threads may share.  Every other
//   call is one short transaction on a pooled connection (store/README.md).
//
// WHAT IT GUARANTEES
//   - Atomicity: every call either commits all its rows or none.  In
//     particular enqueue_with_replay() and add_part_with_replay() insert the
//     replay entry and the pool row (or part) in ONE transaction: there is
//     never a replay entry without its row, never a row without its replay
//     entry.
//   - Durability: with options.durable (the default) a call that returned
//     success survives a crash or power loss (WAL, synchronous=FULL).
//   - Handed out once: claim_*() moves rows to `sending` inside the same
//     transaction that reads them, take_parts*() deletes the set it returns;
//     two threads never get the same row.
//   - No clock: every time is an int64 of unix seconds passed in by the
//     caller, so tests control time.  Days for statistics are UTC days,
//     day = floor(unix_seconds / 86400).
//   - Never throws; every failure is a StoreError (store/error.h).
//
// WHAT IT REFUSES
//   Blobs, hashes, addresses and counter names over the limits in
//   StoreLimits (InvalidArgument, before touching the database); a database
//   whose schema is newer than this program (Schema); a file that fails
//   quick_check (Corrupt).
//
// This layer knows nothing of OpenPGP, Mixtasy or milters: a "hash" is opaque
// bytes, a "message" an opaque blob, a "kind" one of four tags for the pool.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
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

template <typename T>
using Result = Expected<T, StoreError>;

// Named limits, checked before any SQL runs.
struct StoreLimits {
    std::size_t max_blob_bytes = 1024 * 1024;  // pool message or part bytes
    std::size_t max_hash_bytes = 128;          // replay hash (raw or hex)
    std::size_t max_text_bytes = 1024;         // addresses, ids, paths, names
    std::uint32_t max_parts = 256;             // total parts of one multipart set
    std::size_t max_batch = 100000;            // rows one claim/read may return
};

struct StoreOptions {
    std::string path;  // database file; created with mode 0600 if missing
    std::chrono::milliseconds busy_timeout{5000};
    std::size_t max_connections = 8;  // callers beyond this wait for a free one
    bool durable = true;              // synchronous=FULL (else NORMAL)
    bool check_on_open = true;        // PRAGMA quick_check in open()
    // Refuse to grow the file beyond this many bytes (0: no limit); writes
    // past it fail with Full, like a full disk.  PRAGMA max_page_count.
    std::int64_t max_database_bytes = 0;
    StoreLimits limits;
};

// ---- pool / outbox -------------------------------------------------------

enum class PoolKind { Mix, Exit, Dummy, AdminReply };
enum class PoolState { Pooled, Sending, Sent, Failed };

const char* to_string(PoolKind kind) noexcept;
const char* to_string(PoolState state) noexcept;

// A message to be sent later.  Ready once next_attempt_at <= now; given up
// (state Failed) by give_up_expired() once give_up_at <= now.
struct NewPoolItem {
    PoolKind kind = PoolKind::Mix;
    std::string next_hop;       // RCPT TO of the outgoing message
    std::string envelope_from;  // MAIL FROM of the outgoing message
    ByteView bytes;             // the complete outgoing message
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
    std::int64_t attempts = 0;
};

// The replay entry committed together with a pool row or a part.
struct ReplayEntry {
    ByteView hash;             // opaque; compared byte for byte
    UnixTime expires_at = 0;   // swept after this time
    UnixTime seen_at = 0;      // day for the stats of the same call; when 0
                               // the first item's enqueued_at is used (and
                               // for a part, with no items, day 0)
};

// Daily counter increments that ride in the same transaction as the data
// they count (e.g. "received", "pooled").  The day is taken from the
// operation's own time (enqueued_at, now, ...).
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
    bool inserted = false;       // false: this part number was already there
    std::uint32_t present = 0;   // distinct parts of the set now stored
    std::uint32_t total = 0;     // total parts the set announces
    bool complete() const noexcept { return present == total; }
};

// Given the parts of a complete set in order (part 1 first), build the pool
// rows of the reassembled message.  Returning an empty vector drops the set;
// returning an error aborts the transaction and keeps the parts.
using PartsAssembler = std::function<Expected<std::vector<NewPoolItem>, StoreError>(
    const std::vector<Bytes>& parts)>;

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
    std::size_t pool = 0;    // sent/failed pool rows older than the retention
};

inline std::int64_t day_of(UnixTime t) noexcept {
    return t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
}

// ---- the store ------------------------------------------------------------

class Store {
public:
    static Result<std::unique_ptr<Store>> open(const StoreOptions& options);
    ~Store();
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;

    // The schema version this program writes, and the one of the open file.
    static int current_schema_version() noexcept;
    Result<int> schema_version();

    // -- replay cache
    // True if hash is present (regardless of expiry: expired rows are only
    // forgotten by sweep, so a late replay is still caught until then).
    Result<bool> replay_seen(ByteView hash);
    // Insert a replay entry alone (e.g. a dummy that ends here).  Replay if
    // it is already present.
    Result<void> record_replay(const ReplayEntry& replay, std::span<const StatDelta> stats = {},
                               UnixTime now = 0);

    // -- pool / outbox
    // Replay check + insert, pool rows, stat increments: one transaction.
    // Replay (nothing written) if the hash is present.  Returns one id per
    // item, in order.  An empty item list records the replay entry alone.
    Result<std::vector<PoolId>> enqueue_with_replay(const ReplayEntry& replay,
                                                    std::span<const NewPoolItem> items,
                                                    std::span<const StatDelta> stats = {});
    Result<PoolId> enqueue_with_replay(const ReplayEntry& replay, const NewPoolItem& item,
                                       std::span<const StatDelta> stats = {});
    // Rows with no replay entry of their own (dummies, admin replies).
    Result<std::vector<PoolId>> enqueue(std::span<const NewPoolItem> items,
                                        std::span<const StatDelta> stats = {});
    Result<PoolId> enqueue(const NewPoolItem& item, std::span<const StatDelta> stats = {});

    // Rows in state Pooled with next_attempt_at <= now.
    Result<std::size_t> count_ready(UnixTime now);
    // Rows per state (for `mixtasy pool` and logs).
    Result<std::size_t> count_in_state(PoolState state);

    // Pick min(k, ready) ready rows uniformly at random (every k-subset
    // equally likely, given a uniform `uniform`), move them to Sending and
    // return them with their bytes; one transaction.  The ids of all ready
    // rows are read and sampled in C++ (partial Fisher-Yates), O(ready).
    Result<std::vector<PoolItem>> claim_random_ready(UnixTime now, std::size_t k,
                                                     const UniformIndex& uniform);
    // Claim exactly these ids if they are still ready; returns those claimed.
    Result<std::vector<PoolItem>> claim(std::span<const PoolId> ids, UnixTime now);
    // Ids of all ready rows, oldest first, at most limits.max_batch.
    Result<std::vector<PoolId>> ready_ids(UnixTime now);
    // Read one row (any state).  NotFound if absent.
    Result<PoolItem> get(PoolId id);

    // Sending -> Sent, after the MTA accepted.  NotFound unless Sending.
    Result<void> mark_sent(PoolId id, UnixTime now, std::span<const StatDelta> stats = {});
    // Sending -> Pooled with attempts+1 and the given next attempt time.
    Result<void> mark_retry(PoolId id, UnixTime next_attempt_at,
                            std::span<const StatDelta> stats = {});
    // Sending -> Failed at once (the MTA refused for good).
    Result<void> mark_failed(PoolId id, UnixTime now, std::span<const StatDelta> stats = {});
    // Pooled rows with give_up_at <= now -> Failed; returns how many.
    Result<std::size_t> give_up_expired(UnixTime now);
    // Every Sending row back to Pooled (startup after a crash: at least
    // once); returns how many.  Call before the flush thread starts, and
    // only when no other process is sending from the same database.
    Result<std::size_t> recover_sending();
    // Only Sending rows claimed before `claimed_before`: for several
    // processes sharing one database, where a row claimed a moment ago may
    // be in the middle of its SMTP transaction in another process.  Pass
    // now minus a time longer than any send can take.
    Result<std::size_t> recover_sending(UnixTime claimed_before);

    // -- multipart buffer
    // Replay entry + part in one transaction.  Replay if the hash is present.
    // A part number already stored is ignored (inserted=false), the replay
    // entry is still recorded.  InvalidArgument if part is outside 1..total,
    // total exceeds limits.max_parts, or total differs from the set's.
    Result<PartAdded> add_part_with_replay(const ReplayEntry& replay, const NewPart& part,
                                           std::span<const StatDelta> stats = {});
    Result<PartAdded> add_part(const NewPart& part);
    Result<std::uint32_t> count_parts(std::string_view mixtasy_id);
    // If the set is complete: return its parts in order and delete them, in
    // one transaction (handed out once).  nullopt if absent or incomplete.
    Result<std::optional<std::vector<Bytes>>> take_parts(std::string_view mixtasy_id);
    // Like take_parts, but the pool rows `assemble` builds from the parts are
    // inserted in the same transaction as the delete: a crash can never lose
    // a completed set.  Returns the new ids, nullopt if incomplete.
    Result<std::optional<std::vector<PoolId>>> take_parts_and_enqueue(
        std::string_view mixtasy_id, UnixTime now, const PartsAssembler& assemble,
        std::span<const StatDelta> stats = {});

    // -- key metadata
    Result<void> put_key(const KeyRecord& key);  // insert or replace
    Result<KeyRecord> get_key(std::string_view fingerprint);  // NotFound
    Result<std::vector<KeyRecord>> list_keys();  // ordered by created_at
    Result<void> delete_key(std::string_view fingerprint);  // NotFound

    // -- statistics
    Result<void> add_stats(UnixTime now, std::span<const StatDelta> stats);
    // All counters of days first_day..last_day inclusive, by day then name.
    Result<std::vector<StatRow>> read_stats(std::int64_t first_day, std::int64_t last_day);

    // -- housekeeping
    Result<std::size_t> sweep_replay(UnixTime now);  // expires_at < now
    Result<std::size_t> sweep_parts(UnixTime now);   // whole sets whose expires_at < now
    // Sent and Failed rows whose last change is older than now - retention.
    Result<std::size_t> sweep_pool(UnixTime now, std::int64_t retention_seconds);
    Result<SweepReport> sweep(UnixTime now, std::int64_t pool_retention_seconds);

    // PRAGMA integrity_check; Corrupt with the first complaint if not "ok".
    Result<void> integrity_check();

    class Impl;

private:
    struct Key {  // only open() can name it, so only open() constructs
        explicit Key() = default;
    };

public:
    Store(Key, std::unique_ptr<Impl> impl);

private:
    std::unique_ptr<Impl> impl_;
};

}  // namespace mixtasy::store
