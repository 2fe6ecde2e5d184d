// botan_random.h - core's Random seen as a Botan RNG, so that crypto/ (which
// takes Botan::RandomNumberGenerator&) draws from the same source as the
// rest of core: the system RNG in production, a seeded stream in tests.
//
// Guarantees: every byte comes from the wrapped Random; add_entropy() is
// ignored (the source seeds itself).  Refuses nothing.
#pragma once

#include <string>

#include <botan/rng.h>

#include "core/random.h"

namespace mixtasy::core {

class BotanRandom final : public Botan::RandomNumberGenerator {
public:
    explicit BotanRandom(Random& random) : random_(random) {}
    void randomize(uint8_t output[], size_t length) override {
        random_.fill(std::span<uint8_t>(output, length));
    }
    bool accepts_input() const override { return false; }
    void add_entropy(const uint8_t[], size_t) override {}
    std::string name() const override { return "mixtasy-core-random"; }
    void clear() override {}
    bool is_seeded() const override { return true; }

private:
    Random& random_;
};

}  // namespace mixtasy::core
