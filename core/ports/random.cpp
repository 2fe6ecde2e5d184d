// SPDX-License-Identifier: BSD-2-Clause
// random.cpp - draws on top of a byte source, and the two byte sources.
#include "core/ports/random.h"

#include <cmath>
#include <limits>

#include <botan/chacha_rng.h>
#include <botan/system_rng.h>

namespace mixtasy::core {

Bytes Random::bytes(std::size_t n) {
    Bytes out(n);
    fill(out);
    return out;
}

std::uint64_t Random::next_u64() {
    std::uint8_t buf[8];
    fill(buf);
    std::uint64_t v = 0;
    for (std::uint8_t b : buf) v = (v << 8) | b;
    return v;
}

std::uint64_t Random::uniform(std::uint64_t bound) {
    if (bound <= 1) return 0;
    // Reject the lowest (2^64 mod bound) values so every residue is equally
    // likely; at most half the draws are rejected, usually almost none.
    const std::uint64_t reject_below = (0 - bound) % bound;
    for (;;) {
        const std::uint64_t r = next_u64();
        if (r >= reject_below) return r % bound;
    }
}

std::uint64_t Random::between(std::uint64_t lo, std::uint64_t hi) {
    if (hi <= lo) return lo;
    const std::uint64_t span = hi - lo;
    if (span == std::numeric_limits<std::uint64_t>::max()) return next_u64();
    return lo + uniform(span + 1);
}

double Random::unit() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }

std::uint64_t Random::geometric(double mean, std::uint64_t max) {
    if (!(mean > 0.0)) return 0;  // also NaN
    if (std::isinf(mean)) return max;
    // Failures before the first success with p = 1/(1+mean), by inversion:
    // floor(ln U / ln(1-p)), U uniform on (0, 1].
    const double q = mean / (1.0 + mean);  // 1 - p
    if (!(q < 1.0)) return max;            // mean so large that p rounds to 0
    const double u = 1.0 - unit();
    const double draw = std::floor(std::log(u) / std::log(q));
    if (!(draw >= 0.0)) return 0;
    if (!(draw < static_cast<double>(max))) return max;
    return static_cast<std::uint64_t>(draw);
}

double Random::exponential(double mean, double max_value) {
    if (!(mean > 0.0)) return 0.0;
    if (std::isinf(mean)) return max_value;
    const double u = 1.0 - unit();
    const double draw = -mean * std::log(u);
    if (!(draw >= 0.0)) return 0.0;
    return draw < max_value ? draw : max_value;
}

std::uint64_t Random::poisson(double mean, std::uint64_t max) {
    if (!(mean > 0.0)) return 0;
    if (std::isinf(mean)) return max;
    // Knuth's product method on chunks of at most 32: a sum of Poisson
    // counts is Poisson, and exp(-32) is far from underflow.  The loop is
    // bounded by max, so a huge mean costs at most max iterations.
    std::uint64_t count = 0;
    double remaining = mean;
    while (remaining > 0.0 && count < max) {
        const double chunk = remaining < 32.0 ? remaining : 32.0;
        remaining -= chunk;
        const double limit = std::exp(-chunk);
        double product = 1.0 - unit();
        while (product > limit && count < max) {
            ++count;
            product *= 1.0 - unit();
        }
    }
    return count;
}

struct SystemRandom::Impl {
    Botan::System_RNG rng;
};

SystemRandom::SystemRandom() : impl_(std::make_unique<Impl>()) {}
SystemRandom::~SystemRandom() = default;

void SystemRandom::fill(std::span<std::uint8_t> out) {
    if (!out.empty()) impl_->rng.randomize(out.data(), out.size());
}

struct DeterministicRandom::Impl {
    explicit Impl(const Botan::secure_vector<std::uint8_t>& seed) : rng(seed) {}
    Botan::ChaCha_RNG rng;
};

namespace {
Botan::secure_vector<std::uint8_t> seed_bytes(std::uint64_t seed) {
    Botan::secure_vector<std::uint8_t> out(32, 0);
    for (std::size_t i = 0; i < 8; ++i) out[i] = static_cast<std::uint8_t>(seed >> (8 * i));
    return out;
}
}  // namespace

DeterministicRandom::DeterministicRandom(std::uint64_t seed)
    : impl_(std::make_unique<Impl>(seed_bytes(seed))) {}
DeterministicRandom::~DeterministicRandom() = default;

void DeterministicRandom::fill(std::span<std::uint8_t> out) {
    if (!out.empty()) impl_->rng.randomize(out.data(), out.size());
}

}  // namespace mixtasy::core
