// SPDX-License-Identifier: BSD-2-Clause
// pool_policy.cpp - the timed dynamic pool's count, seed 000 6.4.5.
#include "core/pool/pool_policy.h"

#include <cmath>

namespace mixtasy::core {

std::size_t messages_to_send(const PoolParameters& params, std::size_t pool_size) {
    // Threshold n + f_min, computed without overflow.
    if (params.min_keep > pool_size) return 0;
    const std::size_t above_keep = pool_size - params.min_keep;
    if (above_keep < params.min_pool) return 0;

    double frac = params.fraction;
    if (!(frac > 0.0)) return 0;  // 0, negative, NaN
    if (frac > 1.0) frac = 1.0;

    // frac is written in decimal (0.65); binary doubles make 100 * 0.29
    // come out as 28.999999999999996.  A product within a few ulps of an
    // integer is that integer, so floor() yields the decimal answer.
    const double product = static_cast<double>(above_keep) * frac;
    const double nudge = product * 1e-12 + 1e-12;
    const double count = std::floor(product + nudge);
    if (count <= 0.0) return 0;
    if (count >= static_cast<double>(above_keep)) return above_keep;
    return static_cast<std::size_t>(count);
}

}  // namespace mixtasy::core
