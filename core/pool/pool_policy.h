// SPDX-License-Identifier: BSD-2-Clause
// pool_policy.h - how many messages one round of the timed dynamic pool
// sends (seed 000 section 6.4.5, Mixmaster v2 section 3.1).
//
// Every t seconds the mix looks at m, the number of messages in its pool:
// if m >= n + f_min it sends floor((m - f_min) * frac) of them, chosen at
// random; otherwise none.  PoolParameters below carries t, n, f_min
// and frac; the defaults are Mixmaster's (15 min, 45, 0, 0.65).
//
// messages_to_send() is a pure function: no clock, no randomness, no store.
// It never returns more than m, treats a frac outside [0, 1] (or NaN) as
// the nearest bound (NaN as 0), and cannot overflow.
#pragma once

#include <chrono>
#include <cstddef>

namespace mixtasy::core {

struct PoolParameters {
    std::chrono::seconds interval{15 * 60};  // t
    std::size_t min_pool = 45;               // n
    std::size_t min_keep = 0;                // f_min
    double fraction = 0.65;                  // frac
};

std::size_t messages_to_send(const PoolParameters& params, std::size_t pool_size);

}  // namespace mixtasy::core
