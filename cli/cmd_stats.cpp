// SPDX-License-Identifier: BSD-2-Clause
// mixtasy stats - what a node is doing, for its admin.
//
//   mixtasy stats --home DIR [--database FILE] [--days N]
//                 [--pool-min-messages N] [--pool-min-keep N] [--pool-fraction F]
//
// Prints, from the key home and the store (core/node/node_report.h; a
// running daemon is not disturbed):
//   key         the mix address, modes, fingerprint, and each live
//               encryption subkey's validity window (expired ones marked)
//   publication when public.asc was last written; the daemon's key
//               publisher uploads it within a minute of a change and logs
//               each target's outcome (not kept on disk)
//   pool        rows waiting, ready, being sent, given up, and what the next
//               round sends under the pool parameters given (the daemon's
//               defaults unless the options say otherwise; the daemon runs a
//               round every PoolInterval)
//   days        the per-day counters of the last N days (default 7)
// Counts and the node's own key only: nothing names a sender, recipient or
// next hop.  Exit 0, or 1 when the home or the database cannot be read.
#include <ctime>
#include <iostream>

#include "cli/commands.h"
#include "core/node/node_report.h"
#include "core/ports/clock.h"

namespace mixtasy::cli {
namespace {

struct StatsOptions {
    core::NodeReportOptions report;
};

std::string utc(std::int64_t t, const char* format = "%Y-%m-%d %H:%M UTC") {
    const auto tt = static_cast<std::time_t>(t);
    std::tm tm{};
    gmtime_r(&tt, &tm);
    char text[40];
    std::strftime(text, sizeof text, format, &tm);
    return text;
}

std::string modes_text(const core::MixModes& m) {
    std::string out;
    for (auto [on, name] :
         {std::pair{m.middleman, "middleman"}, std::pair{m.exitprivate, "exitprivate"},
          std::pair{m.exitpublic, "exitpublic"}})
        if (on) out += (out.empty() ? "" : ",") + std::string(name);
    return out;
}

void print_key(const core::NodeReport& r, Instant now, std::ostream& out) {
    out << "key\n"
        << "  address      " << r.key.address << "\n"
        << "  modes        " << modes_text(r.key.modes) << "\n"
        << "  fingerprint  " << r.key.fingerprint << "\n";
    if (r.key.subkeys.empty()) out << "  subkeys      none: the node cannot take mix mail\n";
    for (const core::SubkeyWindow& s : r.key.subkeys) {
        const bool live = to_unix(now) >= s.created && to_unix(now) < s.expires;
        out << "  subkey       " << s.fingerprint.substr(0, 16) << "  " << utc(s.created) << " .. "
            << utc(s.expires) << (live ? "  valid now" : "  not valid now") << "\n";
    }
    out << "publication\n  public.asc   "
        << (r.public_key_written ? "written " + utc(to_unix(*r.public_key_written))
                                 : std::string("time unknown"))
        << "\n  uploads      the daemon's log has each target's outcome (KeyServer, "
           "WkdDirectory)\n";
}

void print_pool(const core::NodeReport& r, const core::PoolParameters& p, std::ostream& out) {
    out << "pool (" << r.database << ")\n"
        << "  waiting      " << r.pool.pooled << " (" << r.pool.ready << " ready)\n"
        << "  being sent   " << r.pool.sending << "\n"
        << "  given up     " << r.pool.failed << "\n"
        << "  next round   sends " << r.pool.next_round_sends << " of " << r.pool.ready
        << " ready (PoolMinMessages " << p.min_pool << ", PoolMinKeep " << p.min_keep
        << ", PoolFraction " << p.fraction << ")\n";
}

void print_days(const core::NodeReport& r, std::size_t days, std::ostream& out) {
    out << "counters, last " << days << " day(s), UTC\n";
    if (r.days.empty()) out << "  none\n";
    for (const core::DayCounters& d : r.days) {
        out << "  " << utc(d.day * 86400, "%Y-%m-%d");
        for (const auto& [name, value] : d.counters) out << "  " << name << " " << value;
        out << "\n";
    }
}

void run_stats(const StatsOptions& o) {
    const Instant now = core::SystemClock{}.now();
    auto report = core::read_node_report(o.report, now);
    if (!report) {
        std::cerr << "mixtasy stats: " << report.error() << "\n";
        set_exit_status(kExitUsage);
        return;
    }
    print_key(*report, now, std::cout);
    print_pool(*report, o.report.pool, std::cout);
    print_days(*report, o.report.days, std::cout);
    set_exit_status(kExitOk);
}

}  // namespace

void add_stats(CLI::App& app) {
    auto o = std::make_shared<StatsOptions>();
    auto* sub = app.add_subcommand("stats", "a node's keys, publication, pool and daily counters");
    sub->add_option("--home", o->report.home, "key home directory")->required();
    sub->add_option("--database", o->report.database, "the node's database (default HOME/node.db)");
    sub->add_option("--days", o->report.days, "days of counters, today included (default 7)")
        ->check(CLI::Range(1, 366));
    sub->add_option("--pool-min-messages", o->report.pool.min_pool, "PoolMinMessages (default 45)");
    sub->add_option("--pool-min-keep", o->report.pool.min_keep, "PoolMinKeep (default 0)");
    sub->add_option("--pool-fraction", o->report.pool.fraction, "PoolFraction (default 0.65)")
        ->check(CLI::Range(0.0, 1.0));
    sub->callback([o] { run_stats(*o); });
}

}  // namespace mixtasy::cli
