// SPDX-License-Identifier: BSD-2-Clause
// random.h - the randomness core draws from.
//
// WHAT IT DOES
//   Random is a source of uniform bytes; the non-virtual helpers on top turn
//   them into the draws the protocol needs: unbiased integers (pool
//   selection, path choice, padding lengths), uniform reals, and geometric,
//   exponential and Poisson counts (dummy traffic).
//
//   SystemRandom         Botan's System_RNG (the kernel's getrandom /
//                        /dev/urandom): no state of ours to seed or fork;
//                        thread-safe.  The daemon and the client use it.
//   DeterministicRandom  Botan's ChaCha_RNG keyed from a 64-bit seed: the
//                        same seed gives the same stream.  For tests and
//                        simulations only; NOT thread-safe, never for keys.
//
// WHAT IT GUARANTEES
//   uniform(bound) is exactly uniform on [0, bound) (rejection sampling, no
//   modulo bias).  The distribution helpers clamp their results to a
//   caller-given maximum so a draw can never ask for unbounded work.
//   A failing system RNG throws Botan's exception: running without
//   randomness is not an option for a mix.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>

#include <botan/rng.h>

#include "common/bytes.h"

namespace mixtasy::core {

// A Random is also a Botan RNG, so crypto/ and format/ (which take
// Botan::RandomNumberGenerator&) draw from the same source as the rest of
// core: the system RNG in production, a seeded stream in tests.
// add_entropy() is ignored: each source seeds itself.
class Random : public Botan::RandomNumberGenerator {
public:
    ~Random() override = default;
    virtual void fill(std::span<std::uint8_t> out) = 0;

    void randomize(std::uint8_t output[], std::size_t length) final {
        fill(std::span<std::uint8_t>(output, length));
    }
    bool accepts_input() const final { return false; }
    void add_entropy(const std::uint8_t[], std::size_t) final {}
    std::string name() const final { return "mixtasy-core-random"; }
    void clear() final {}
    bool is_seeded() const final { return true; }

    Bytes bytes(std::size_t n);
    std::uint64_t next_u64();
    // Uniform on [0, bound); bound 0 returns 0.
    std::uint64_t uniform(std::uint64_t bound);
    // Uniform on [lo, hi] inclusive; requires lo <= hi.
    std::uint64_t between(std::uint64_t lo, std::uint64_t hi);
    // Uniform real on [0, 1) with 53 bits of precision.
    double unit();
    // Number of failures before the first success of a Bernoulli(p) trial
    // with p = 1 / (1 + mean): a geometric count with the given mean.
    // mean <= 0 gives 0.  Clamped to max.
    std::uint64_t geometric(double mean, std::uint64_t max);
    // Exponentially distributed real with the given mean (> 0), clamped to
    // max_value.
    double exponential(double mean, double max_value);
    // Poisson count with the given mean, clamped to max.
    std::uint64_t poisson(double mean, std::uint64_t max);
};

class SystemRandom final : public Random {
public:
    SystemRandom();
    ~SystemRandom() override;
    void fill(std::span<std::uint8_t> out) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

class DeterministicRandom final : public Random {
public:
    explicit DeterministicRandom(std::uint64_t seed);
    ~DeterministicRandom() override;
    void fill(std::span<std::uint8_t> out) override;

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace mixtasy::core
