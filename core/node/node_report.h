// SPDX-License-Identifier: BSD-2-Clause
// node_report.h - what `mixtasy stats` tells an admin about a node, read
// from its key home and store without opening the node.
//
// WHAT IT DOES
//   read_node_report(options, now) loads the home's public key
//   (check_mix_key: address, modes, subkey windows), opens the store (WAL:
//   a running daemon keeps working), counts the pool by state and how many
//   rows are ready, what the next round would send under options.pool
//   (messages_to_send), the per-day counters of the last options.days days,
//   and when public.asc was last written (what the daemon's key publisher
//   uploads when it changes).
//
// WHAT IT GUARANTEES
//   Reads only: a missing database is reported, never created.  Nothing in
//   the report names a sender, recipient or next hop: only counts, times and
//   the node's own key.
//
// WHAT IT REFUSES (one-line reason naming the path)
//   A home without a readable public.asc or whose key is no mix key, a
//   database that is missing or cannot be opened.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/expected.h"
#include "common/time.h"
#include "core/keys/mix_key.h"
#include "core/pool/pool_policy.h"

namespace mixtasy::core {

struct NodeReportOptions {
    std::string home;
    std::string database;  // empty: <home>/node.db
    PoolParameters pool;   // the daemon's (PoolMinMessages, PoolMinKeep, PoolFraction)
    std::size_t days = 7;  // counters of today and the days before, at most 366
};

struct PoolCounts {
    std::size_t pooled = 0;   // waiting, ready or not
    std::size_t ready = 0;    // may leave in the next round
    std::size_t sending = 0;  // handed to the MTA, not yet confirmed
    std::size_t failed = 0;   // given up, kept until swept
    std::size_t next_round_sends = 0;
};

struct DayCounters {
    std::int64_t day = 0;  // UTC day number (days since 1970-01-01)
    std::vector<std::pair<std::string, std::int64_t>> counters;  // by name
};

struct NodeReport {
    MixKey key;
    std::optional<Instant> public_key_written;  // mtime of public.asc
    std::string database;
    PoolCounts pool;
    std::vector<DayCounters> days;  // oldest first; days without counts left out
};

Expected<NodeReport, std::string> read_node_report(const NodeReportOptions& options, Instant now);

}  // namespace mixtasy::core
