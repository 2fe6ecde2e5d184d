// SPDX-License-Identifier: BSD-2-Clause
// store_bench.cpp - what a durable pool commit costs, measured beside the
// floor it cannot beat: a bare INSERT of the same blob with the same
// durability (WAL, synchronous=FULL, one transaction per message).
//
//   bench_store [--benchmark_min_time=2]
//
// DurablePoolCommit   Store::enqueue_with_replay: replay row + pool row of a
//                     30 KiB message + one stats counter, one transaction.
// BareInsert          sqlite3 INSERT of a 30 KiB blob into a one-column
//                     table, autocommit, one connection per thread.
// Both run single-threaded and with 8 threads (as libmilter workers do).
// At the end the program prints commits per second and the ratio
// durable/bare for each thread count: how much of the floor we keep.
#include <atomic>
#include <cstdio>
#include <filesystem>
#include <map>
#include <memory>
#include <stdlib.h>
#include <string>

#include <benchmark/benchmark.h>
#include <sqlite3.h>

#include "store/open.h"
#include "store/store.h"

using namespace mixtasy;
using namespace mixtasy::store;

namespace {

constexpr std::size_t kMessageBytes = 30 * 1024;

std::string g_dir;
std::unique_ptr<Store> g_store;
std::atomic<std::uint64_t> g_counter{0};

const Bytes& message() {
    static const Bytes bytes = [] {
        Bytes b(kMessageBytes);
        for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(i * 131 + 7);
        return b;
    }();
    return bytes;
}

void DurablePoolCommit(benchmark::State& state) {
    for (auto _ : state) {
        std::uint64_t n = g_counter.fetch_add(1);
        std::string hash = "replay-hash-" + std::to_string(n) + "-0123456789abcdef0123456789";
        NewPoolItem item;
        item.next_hop = "mixtasy@next.example";
        item.envelope_from = "mixtasy@this.example";
        item.bytes = message();
        item.enqueued_at = 1000;
        item.next_attempt_at = 1000;
        item.give_up_at = 1000 + 86400;
        StatDelta pooled[] = {{"pooled", 1}};
        auto id = g_store->enqueue_with_replay({as_bytes(hash), 1000 + 172800}, item, pooled);
        if (!id) {
            state.SkipWithError(id.error().detail.c_str());
            break;
        }
        benchmark::DoNotOptimize(*id);
    }
    state.SetItemsProcessed(state.iterations());
}

// One connection per benchmark thread, opened outside the timed loop.
void BareInsert(benchmark::State& state) {
    std::string path = g_dir + "/bare.db";
    sqlite3* db = nullptr;
    if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) {
        state.SkipWithError("open bare.db");
        sqlite3_close(db);
        return;
    }
    sqlite3_busy_timeout(db, 30000);
    sqlite3_exec(db,
                 "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;"
                 " CREATE TABLE IF NOT EXISTS t (b BLOB)",
                 nullptr, nullptr, nullptr);
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(db, "INSERT INTO t (b) VALUES (?1)", -1, &st, nullptr);
    for (auto _ : state) {
        sqlite3_bind_blob(st, 1, message().data(), static_cast<int>(message().size()),
                          SQLITE_STATIC);
        int rc = sqlite3_step(st);
        sqlite3_reset(st);
        if (rc != SQLITE_DONE) {
            state.SkipWithError(sqlite3_errmsg(db));
            break;
        }
    }
    sqlite3_finalize(st);
    sqlite3_close(db);
    state.SetItemsProcessed(state.iterations());
}

BENCHMARK(DurablePoolCommit)->UseRealTime()->Threads(1)->Threads(8);
BENCHMARK(BareInsert)->UseRealTime()->Threads(1)->Threads(8);

// Remembers items/s per run so main() can print the ratios.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        for (const auto& run : runs) {
            auto it = run.counters.find("items_per_second");
            if (it != run.counters.end() && !run.error_occurred)
                rates[run.benchmark_name()] = it->second.value;
        }
        ConsoleReporter::ReportRuns(runs);
    }
    std::map<std::string, double> rates;
};

}  // namespace

int main(int argc, char** argv) {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "mixtasy-bench-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) return 1;
    g_dir = pattern;
    SqliteOptions options;
    options.path = g_dir + "/node.db";
    options.busy_timeout = std::chrono::milliseconds(30000);
    auto store = open_sqlite(options);
    if (!store) {
        std::fprintf(stderr, "open: %s\n", store.error().detail.c_str());
        return 1;
    }
    g_store = std::move(*store);

    benchmark::Initialize(&argc, argv);
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    g_store.reset();

    for (const char* threads : {"1", "8"}) {
        std::string suffix = std::string("/real_time/threads:") + threads;
        auto durable = reporter.rates.find("DurablePoolCommit" + suffix);
        auto bare = reporter.rates.find("BareInsert" + suffix);
        if (durable == reporter.rates.end() || bare == reporter.rates.end()) continue;
        std::printf(
            "threads %s: durable pool commits %.0f/s, bare INSERTs %.0f/s,"
            " ratio durable/bare %.2f\n",
            threads, durable->second, bare->second, durable->second / bare->second);
    }
    std::error_code ignored;
    std::filesystem::remove_all(g_dir, ignored);
    return 0;
}
