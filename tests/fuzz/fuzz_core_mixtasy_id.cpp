// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the bound Mixtasy-ID check (core/format/mixtasy_id.h).
// Input: an id, a line feed, then the original.  Invariants checked: no
// crash; an id bound to the original with a fixed nonce checks as Matches;
// an id of the bound form that Matches stays Matches when checked again.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include <botan/rng.h>

#include "core/format/mixtasy_id.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

// The same nonce every run, so a crash reproduces.
class FixedRng final : public Botan::RandomNumberGenerator {
public:
    void randomize(uint8_t output[], size_t length) override {
        std::fill(output, output + length, static_cast<uint8_t>(0x5a));
    }
    bool accepts_input() const override { return false; }
    void add_entropy(const uint8_t[], size_t) override {}
    std::string name() const override { return "fixed"; }
    void clear() override {}
    bool is_seeded() const override { return true; }
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteView input(data, size);
    const std::size_t newline =
        static_cast<std::size_t>(std::find(data, data + size, uint8_t{'\n'}) - data);
    const std::string id(reinterpret_cast<const char*>(data), newline);
    const ByteView original = newline == size ? ByteView() : input.subspan(newline + 1);
    const IdBinding first = check_id_binding(id, original);
    if (first == IdBinding::Matches && check_id_binding(id, original) != IdBinding::Matches)
        std::abort();
    FixedRng rng;
    if (check_id_binding(bound_mixtasy_id(original, rng), original) != IdBinding::Matches)
        std::abort();
    return 0;
}
