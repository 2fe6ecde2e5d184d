// SPDX-License-Identifier: BSD-2-Clause
// decrypt_layer_bench.cpp - what peeling one Mixtasy layer costs, next to
// its floor.
//
//   BM_PeelLayer   decrypt_packets() on a 30 KiB layer (PKESK to a GnuPG
//                  Curve25519 subkey + SED, old-format indeterminate, with
//                  random padding inside) and read_literal() of the result.
//   BM_BotanFloor  the Botan calls that work is made of, nothing else:
//                  X25519 agreement, AES key unwrap (AES-128 KEK, as gpg
//                  and our keygen make ECDH subkeys), and AES-256 over the
//                  same 30 KiB as CFB decryption needs it at the least: the
//                  cipher's multi-block call and one XOR (Botan 2's own CFB
//                  mode, one block per call, is five times slower; we do not
//                  use it for decryption, see crypto/README.md).
//   BM_SealLayer   encrypt_to() of a layer of that size, for reference.
// Each runs 5 times; after the runs it prints the ratio of the medians of
// PeelLayer / BotanFloor in CPU time (target: within 1.5x).  Run:
// build/<dir>/bench/crypto/bench_crypto
#include <cstdio>
#include <fstream>
#include <map>
#include <stdexcept>
#include <string>

#include <benchmark/benchmark.h>
#include <botan/auto_rng.h>
#include <botan/block_cipher.h>
#include <botan/curve25519.h>
#include <botan/mem_ops.h>
#include <botan/nist_keywrap.h>

#include "crypto/key_packet.h"
#include "crypto/literal.h"
#include "crypto/message.h"
#include "crypto/packet.h"

using namespace mixtasy;
using namespace mixtasy::crypto;

namespace {

constexpr size_t kLayer = 30 * 1024;

std::vector<SecretKey> load_keys() {
    std::ifstream in(std::string(MIXTASY_TEST_DATA) + "/crypto/enc/gpg_cv25519.sec",
                     std::ios::binary);
    const Bytes bytes{std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
    std::vector<SecretKey> keys;
    PacketReader reader(bytes);
    for (;;) {
        auto p = reader.next();
        if (!p || !*p) break;
        if ((*p)->tag != Tag::SecretSubkey) continue;
        auto k = parse_secret_key((*p)->body(), (*p)->body_offset);
        if (k) keys.push_back(std::move(*k));
    }
    if (keys.empty()) throw std::runtime_error("no subkey in gpg_cv25519.sec");
    return keys;
}

struct Layer {
    std::vector<SecretKey> keys = load_keys();
    Bytes message;
    Layer() {
        Botan::AutoSeeded_RNG rng;
        LiteralData lit;
        lit.contents.resize(20 * 1024);
        rng.randomize(lit.contents.data(), lit.contents.size());
        auto inner = write_literal(lit, {Format::OldFormat, LengthKind::Indeterminate});
        auto msg = encrypt_to(keys.front().pub, *inner, SymmetricPacket::Sed, rng);
        message = std::move(*msg);
        // Random padding up to the uniform layer size, as a mix appends it.
        const auto pad = rng.random_vec(kLayer - message.size());
        message.insert(message.end(), pad.begin(), pad.end());
    }
};

const Layer& layer() {
    static const Layer l;
    return l;
}

void BM_PeelLayer(benchmark::State& state) {
    const Layer& l = layer();
    for (auto _ : state) {
        auto dec = decrypt_packets(l.message, l.keys);
        if (!dec) state.SkipWithError("decrypt failed");
        auto lit = read_literal(dec->plaintext);
        benchmark::DoNotOptimize(lit);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kLayer));
}
BENCHMARK(BM_PeelLayer)->Repetitions(5)->ReportAggregatesOnly(true);

// For reference (no target): sealing a layer of the same size, as a sender
// does once per hop: ephemeral X25519, key wrap, SED encryption.
void BM_SealLayer(benchmark::State& state) {
    const Layer& l = layer();
    Botan::AutoSeeded_RNG rng;
    LiteralData lit;
    lit.contents.resize(kLayer - 200);
    const auto inner = write_literal(lit, {Format::OldFormat, LengthKind::Indeterminate});
    for (auto _ : state) {
        auto msg = encrypt_to(l.keys.front().pub, *inner, SymmetricPacket::Sed, rng);
        benchmark::DoNotOptimize(msg);
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kLayer));
}
BENCHMARK(BM_SealLayer)->Repetitions(5)->ReportAggregatesOnly(true);

void BM_BotanFloor(benchmark::State& state) {
    Botan::AutoSeeded_RNG rng;
    const auto scalar = rng.random_vec(32);
    uint8_t point[32];
    Botan::curve25519_basepoint(point, rng.random_vec(32).data());
    const auto kek = rng.random_vec(16);
    auto aes128 = Botan::BlockCipher::create_or_throw("AES-128");
    aes128->set_key(kek);
    const auto padded = rng.random_vec(40);
    const auto wrapped = Botan::nist_key_wrap(padded.data(), padded.size(), *aes128);
    const auto data = rng.random_vec(kLayer);
    const auto session = rng.random_vec(32);
    Bytes buf(kLayer), stream(kLayer);
    for (auto _ : state) {
        uint8_t shared[32];
        Botan::curve25519_donna(shared, scalar.data(), point);
        benchmark::DoNotOptimize(shared);
        auto kw = Botan::BlockCipher::create_or_throw("AES-128");
        kw->set_key(kek);
        auto unwrapped = Botan::nist_key_unwrap(wrapped.data(), wrapped.size(), *kw);
        benchmark::DoNotOptimize(unwrapped);
        auto aes256 = Botan::BlockCipher::create_or_throw("AES-256");
        aes256->set_key(session);
        std::copy(data.begin(), data.end(), buf.begin());
        aes256->encrypt_n(data.data(), stream.data(), kLayer / 16);
        Botan::xor_buf(buf.data(), stream.data(), buf.size());
        benchmark::DoNotOptimize(buf.data());
    }
    state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * kLayer));
}
BENCHMARK(BM_BotanFloor)->Repetitions(5)->ReportAggregatesOnly(true);

// Console output as usual, and the per-iteration time of each benchmark.
class RatioReporter : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override {
        // The median of the repetitions, in CPU time: the machine is shared,
        // and wall time carries the others' load.
        for (const auto& r : runs) {
            if (r.run_type == Run::RT_Aggregate && r.aggregate_name == "median") {
                ns_[r.run_name.function_name] = r.GetAdjustedCPUTime();
            }
        }
        ConsoleReporter::ReportRuns(runs);
    }
    double ns(const std::string& name) const {
        const auto it = ns_.find(name);
        return it == ns_.end() ? 0.0 : it->second;
    }

private:
    std::map<std::string, double> ns_;
};

}  // namespace

int main(int argc, char** argv) {
    benchmark::Initialize(&argc, argv);
    RatioReporter reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    const double peel = reporter.ns("BM_PeelLayer");
    const double floor = reporter.ns("BM_BotanFloor");
    if (peel > 0 && floor > 0) {
        std::printf(
            "\nCPU time: peel one 30 KiB layer %.1f us; Botan floor %.1f us; ratio %.2fx (target "
            "<= 1.5x)\n",
            peel / 1000.0, floor / 1000.0, peel / floor);
    }
    return 0;
}
