// SPDX-License-Identifier: BSD-2-Clause
// bench_core - one hop at a mix node vs one gpg process per message.
//
//   build/<dir>/bench/core/bench_core
//
// BM_NodeAccept   Node::accept of distinct first-hop messages (each one a
//                 new replay hash), ending in the durable SQLite commit.
// BM_GpgDecrypt   `gpg --decrypt` of the same kind of layer, one process per
//                 message, as the reference prototype does it.
// BM_NodeAcceptConcurrent
//                 the same messages into a second store from 8 threads at
//                 once, as libmilter's workers call accept(): concurrent
//                 commits share fsyncs (store/ group commit), so this is the
//                 node's throughput, reported per message.
// BM_StoreCommitConcurrent
//                 the floor under the concurrent figure: only the durable
//                 commit (replay hash + pool row of an outgoing message of the
//                 same size) into a third store from 8 threads, no peeling.
// After all, prints "node/gpg speed ratio: N x" for both, and how far the
// store floor alone would allow the ratio to go.
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <sys/resource.h>
#include <vector>

#include <benchmark/benchmark.h>
#include <botan/auto_rng.h>

#include "core/format/mix_format.h"
#include "core/keys/key_home.h"
#include "core/keys/keyring.h"
#include "core/keys/node_key.h"
#include "core/node/node.h"
#include "core/node/processor.h"
#include "core/pool/outbox.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/sender/creator.h"
#include "core/stats/counters.h"
#include "crypto/armor.h"
#include "crypto/key_io.h"
#include "store/open.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

constexpr std::size_t kMessages = 400;

// User and system CPU seconds of the whole process so far: the system part
// is SQLite's writes and fsyncs, which the benchmark's CPU column (the
// main thread's) does not show for the concurrent run.
struct CpuTimes {
    double user = 0, system = 0;
    static CpuTimes now() {
        rusage r{};
        getrusage(RUSAGE_SELF, &r);
        const auto secs = [](const timeval& t) {
            return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_usec) * 1e-6;
        };
        return {secs(r.ru_utime), secs(r.ru_stime)};
    }
    CpuTimes operator-(const CpuTimes& o) const { return {user - o.user, system - o.system}; }
};

struct Fixture {
    std::filesystem::path dir;
    std::unique_ptr<Node> node;
    std::unique_ptr<Node> concurrent_node;  // same key, its own store
    std::vector<Bytes> messages;
    std::filesystem::path layer_file;
    std::unique_ptr<store::Store> floor_store;
    Bytes outgoing;  // one next-hop message, as accept() pools it
    double node_seconds = 0, gpg_seconds = 0, concurrent_seconds = 0, store_seconds = 0;
    CpuTimes node_cpu, concurrent_cpu;  // per message
    std::atomic<std::size_t> next_concurrent{0};

    Fixture() {
        char tmpl[] = "/tmp/bench-core-XXXXXX";
        if (mkdtemp(tmpl) == nullptr) std::abort();
        dir = tmpl;
        Botan::AutoSeeded_RNG rng;
        const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
        std::string ring_text;
        for (const char* addr : {"mixtasy@a.bench", "mixtasy@b.bench"}) {
            core::NodeKeyParams p;
            p.address = addr;
            p.modes = {"middleman", "exitpublic"};
            p.created = crypto::to_timestamp(std::chrono::system_clock::now()) - 60;
            auto key = core::generate_node_key(p, rng);
            if (!key || !core::save_node_key(dir / addr, *key)) std::abort();
            ring_text += crypto::export_public(key->cert);
        }
        const KeyRing ring = KeyRing::parse(ring_text);
        SystemRandom random;
        const std::vector<std::string> path{"mixtasy@a.bench", "mixtasy@b.bench", "mixtasy@a.bench",
                                            "mixtasy@b.bench"};
        const std::string original = "To: bob@example.org\r\nSubject: bench\r\n\r\nhello\r\n";
        for (std::size_t i = 0; i < kMessages; ++i) {
            auto m = create_messages(ring, path, as_bytes(original), now, random);
            if (!m) std::abort();
            messages.push_back(std::move(m->front().message));
        }
        NodeOptions options;
        options.home = (dir / "mixtasy@a.bench").string();
        auto opened = Node::open(options);
        if (!opened) {
            std::cerr << opened.error().detail << "\n";
            std::abort();
        }
        node = std::move(*opened);
        options.database = (dir / "concurrent.db").string();
        auto second = Node::open(options);
        if (!second) std::abort();
        concurrent_node = std::move(*second);
        store::SqliteOptions floor_options;
        floor_options.path = (dir / "floor.db").string();
        auto floor = store::open_sqlite(floor_options);
        if (!floor) std::abort();
        floor_store = std::move(*floor);
        // What accept() pools for a middle hop: header plus a 30 KiB body armored.
        outgoing = transport_message("mixtasy@a.bench", "mixtasy@b.bench",
                                     random.bytes(kIntermediateBodySize));
        // gpg gets node a's secret key and one binary layer
        const auto gnupg = dir / "gnupg";
        std::filesystem::create_directories(gnupg);
        std::filesystem::permissions(gnupg, std::filesystem::perms::owner_all,
                                     std::filesystem::perm_options::replace);
        const std::string import =
            "gpg --homedir '" + gnupg.string() + "' --batch --yes --import '" +
            (dir / "mixtasy@a.bench" / "secret.asc").string() + "' >/dev/null 2>&1";
        if (std::system(import.c_str()) != 0) std::abort();
        auto body = received_body(messages.front());
        auto binary = crypto::to_binary(*body);
        layer_file = dir / "layer.gpg";
        std::ofstream(layer_file, std::ios::binary)
            .write(reinterpret_cast<const char*>(binary->data()),
                   static_cast<std::streamsize>(binary->size()));
    }
    ~Fixture() {
        node.reset();
        concurrent_node.reset();
        (void)std::system(
            ("gpgconf --homedir '" + (dir / "gnupg").string() + "' --kill all >/dev/null 2>&1")
                .c_str());
        std::error_code ec;
        std::filesystem::remove_all(dir, ec);
    }
};

Fixture& fixture() {
    static Fixture f;
    return f;
}

void BM_NodeAccept(benchmark::State& state) {
    Fixture& f = fixture();
    std::size_t i = 0;
    const auto cpu_start = CpuTimes::now();
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
        Decision d = f.node->accept(Envelope{}, f.messages[i++ % f.messages.size()]);
        if (d.kind != Decision::Kind::Pooled) {
            state.SkipWithError(("not pooled: " + d.reason).c_str());
            break;
        }
    }
    const auto n = static_cast<double>(state.iterations());
    f.node_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / n;
    const CpuTimes used = CpuTimes::now() - cpu_start;
    f.node_cpu = {used.user / n, used.system / n};
}
BENCHMARK(BM_NodeAccept)->Iterations(kMessages)->Unit(benchmark::kMicrosecond)->UseRealTime();

constexpr int kThreads = 8;

void BM_NodeAcceptConcurrent(benchmark::State& state) {
    Fixture& f = fixture();
    static CpuTimes cpu_start;
    if (state.thread_index() == 0) cpu_start = CpuTimes::now();
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
        const std::size_t i = f.next_concurrent.fetch_add(1);
        Decision d = f.concurrent_node->accept(Envelope{}, f.messages[i % f.messages.size()]);
        if (d.kind != Decision::Kind::Pooled) {
            state.SkipWithError(("not pooled: " + d.reason).c_str());
            break;
        }
    }
    // The threads start and stop together, so thread 0's span is the wall
    // time of all kThreads * iterations messages.
    if (state.thread_index() == 0) {
        const auto n = static_cast<double>(state.iterations() * kThreads);
        f.concurrent_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() / n;
        const CpuTimes used = CpuTimes::now() - cpu_start;
        f.concurrent_cpu = {used.user / n, used.system / n};
    }
}
BENCHMARK(BM_NodeAcceptConcurrent)
    ->Threads(kThreads)
    ->Iterations(kMessages / kThreads)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

void BM_StoreCommitConcurrent(benchmark::State& state) {
    Fixture& f = fixture();
    static std::atomic<std::uint64_t> next_hash{0};
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    // The row and counter the node commits for a forwarded message.
    store::NewPoolItem row =
        outgoing(store::PoolKind::Mix, "mixtasy@b.bench", "mixtasy@a.bench", f.outgoing);
    schedule(row, now, OutboxAges{});
    const store::StatDelta counted[] = {count(Counter::Pooled)};
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) {
        const std::string hash =
            std::to_string(1000000 + next_hash.fetch_add(1));  // distinct, like Verification values
        auto pooled = f.floor_store->enqueue_with_replay(
            {as_bytes(hash), to_unix(now + std::chrono::hours(48)), to_unix(now)}, row, counted);
        if (!pooled) {
            state.SkipWithError(pooled.error().detail.c_str());
            break;
        }
    }
    if (state.thread_index() == 0) {
        f.store_seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
            static_cast<double>(state.iterations() * kThreads);
    }
}
BENCHMARK(BM_StoreCommitConcurrent)
    ->Threads(kThreads)
    ->Iterations(kMessages / kThreads)
    ->Unit(benchmark::kMicrosecond)
    ->UseRealTime();

void BM_GpgDecrypt(benchmark::State& state) {
    Fixture& f = fixture();
    const std::string cmd = "gpg --homedir '" + (f.dir / "gnupg").string() +
                            "' --batch --quiet --ignore-mdc-error --decrypt '" +
                            f.layer_file.string() + "' >/dev/null 2>&1";
    const auto start = std::chrono::steady_clock::now();
    for (auto _ : state) benchmark::DoNotOptimize(std::system(cmd.c_str()));
    f.gpg_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count() /
        static_cast<double>(state.iterations());
}
BENCHMARK(BM_GpgDecrypt)->Iterations(20)->Unit(benchmark::kMicrosecond)->UseRealTime();

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    benchmark::RunSpecifiedBenchmarks();
    Fixture& f = fixture();
    if (f.node_seconds > 0 && f.gpg_seconds > 0) {
        std::printf(
            "per hop: node %.1f us (CPU user %.1f us, system %.1f us), gpg %.1f us; "
            "node/gpg speed ratio: %.0f x (target >= 100 x)\n",
            f.node_seconds * 1e6, f.node_cpu.user * 1e6, f.node_cpu.system * 1e6,
            f.gpg_seconds * 1e6, f.gpg_seconds / f.node_seconds);
    }
    if (f.concurrent_seconds > 0 && f.gpg_seconds > 0) {
        std::printf(
            "per hop, %d threads: node %.1f us (CPU user %.1f us, system %.1f us); "
            "node/gpg speed ratio: %.0f x (target >= 100 x)\n",
            kThreads, f.concurrent_seconds * 1e6, f.concurrent_cpu.user * 1e6,
            f.concurrent_cpu.system * 1e6, f.gpg_seconds / f.concurrent_seconds);
    }
    if (f.store_seconds > 0 && f.gpg_seconds > 0) {
        std::printf(
            "store floor, %d threads: durable commit alone %.1f us; gpg/store-floor ratio: %.0f x "
            "(no peeling at all could beat this); node spends %.0f%% of its concurrent time above "
            "it\n",
            kThreads, f.store_seconds * 1e6, f.gpg_seconds / f.store_seconds,
            f.concurrent_seconds > 0
                ? 100.0 * (f.concurrent_seconds - f.store_seconds) / f.concurrent_seconds
                : 0.0);
    }
    return 0;
}
