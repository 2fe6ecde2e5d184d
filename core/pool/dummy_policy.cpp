// SPDX-License-Identifier: BSD-2-Clause
// dummy_policy.cpp - dummy counts, seed 000 6.6 with Mixmaster v2 3.2 rates.
#include "core/pool/dummy_policy.h"

#include <algorithm>

#include "core/ports/random.h"

namespace mixtasy::core {
namespace {

std::size_t capped(std::size_t minimum, double mean, std::size_t maximum, Random& random) {
    if (minimum >= maximum) return maximum;
    const std::uint64_t extra = random.geometric(mean, maximum - minimum);
    return minimum + static_cast<std::size_t>(extra);
}

}  // namespace

std::size_t time_triggered_dummies(const DummyParameters& params, Random& random) {
    return capped(params.time_triggered_min, params.time_triggered_mean, params.max_per_round,
                  random);
}

std::size_t flush_triggered_dummies(const DummyParameters& params, std::size_t messages_sent,
                                    Random& random) {
    if (messages_sent == 0) return 0;
    const double mean =
        params.flush_triggered_mean_per_message * static_cast<double>(messages_sent);
    return capped(params.flush_triggered_min, mean, params.max_per_round, random);
}

}  // namespace mixtasy::core
