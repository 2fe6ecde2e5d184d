// SPDX-License-Identifier: BSD-2-Clause
// node_report.cpp - see node_report.h.
#include "core/node/node_report.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>

#include "core/keys/key_home.h"
#include "store/open.h"

namespace mixtasy::core {
namespace {

Expected<MixKey, std::string> read_key(const std::filesystem::path& home) {
    auto cert = load_node_certificate(home);
    if (!cert) return Unexpected{crypto::describe(cert.error())};
    auto mix = check_mix_key(*cert);
    if (!mix) return Unexpected{(home / kPublicKeyFile).string() + ": " + describe(mix.error())};
    return std::move(*mix);
}

std::optional<Instant> written_at(const std::filesystem::path& file) {
    struct stat st {};
    if (::stat(file.c_str(), &st) != 0) return std::nullopt;
    return from_unix(st.st_mtime);
}

std::string store_problem(const std::string& path, const store::StoreError& e) {
    return path + ": " + to_string(e.code) + (e.detail.empty() ? "" : ": " + e.detail);
}

Expected<PoolCounts, std::string> count_pool(store::Store& db, const NodeReportOptions& options,
                                             Instant now, const std::string& path) {
    PoolCounts c;
    auto pooled = db.count_in_state(store::PoolState::Pooled);
    auto sending = db.count_in_state(store::PoolState::Sending);
    auto failed = db.count_in_state(store::PoolState::Failed);
    auto ready = db.count_ready(to_unix(now));
    for (const auto* r : {&pooled, &sending, &failed, &ready})
        if (!*r) return Unexpected{store_problem(path, r->error())};
    c.pooled = *pooled;
    c.sending = *sending;
    c.failed = *failed;
    c.ready = *ready;
    c.next_round_sends = messages_to_send(options.pool, c.ready);
    return c;
}

std::vector<DayCounters> by_day(const std::vector<store::StatRow>& rows) {
    std::vector<DayCounters> out;
    for (const store::StatRow& row : rows) {
        if (out.empty() || out.back().day != row.day) out.push_back(DayCounters{row.day, {}});
        out.back().counters.emplace_back(row.counter, row.value);
    }
    return out;
}

}  // namespace

Expected<NodeReport, std::string> read_node_report(const NodeReportOptions& options, Instant now) {
    const std::filesystem::path home(options.home);
    NodeReport report;
    MIXTASY_TRY(key, read_key(home));
    report.key = std::move(*key);
    report.public_key_written = written_at(home / kPublicKeyFile);
    report.database = options.database.empty() ? (home / "node.db").string() : options.database;
    struct stat st {};
    if (::stat(report.database.c_str(), &st) != 0)
        return Unexpected{report.database + ": " + std::strerror(errno)};
    store::SqliteOptions so;
    so.path = report.database;
    so.check_on_open = false;  // a report, not a check: the daemon's start checks
    auto db = store::open_sqlite(so);
    if (!db) return Unexpected{store_problem(report.database, db.error())};
    MIXTASY_TRY(pool, count_pool(**db, options, now, report.database));
    report.pool = *pool;
    const std::int64_t today = store::day_of(to_unix(now));
    const auto days = static_cast<std::int64_t>(std::clamp<std::size_t>(options.days, 1, 366));
    auto rows = (*db)->read_stats(today - days + 1, today);
    if (!rows) return Unexpected{store_problem(report.database, rows.error())};
    report.days = by_day(*rows);
    return report;
}

}  // namespace mixtasy::core
