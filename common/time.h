// SPDX-License-Identifier: BSD-2-Clause
// time.h - the one representation of a moment the tree passes around.
//
//   Instant   whole seconds since the Unix epoch, UTC (std::chrono::sys_seconds).
//   to_unix / from_unix convert to and from the int64 seconds that files,
//   databases and OpenPGP timestamps hold.
// Nothing here reads a clock: core's Clock (core/ports/clock.h) does.
#pragma once

#include <chrono>
#include <cstdint>

namespace mixtasy {

using Instant = std::chrono::sys_seconds;

inline std::int64_t to_unix(Instant t) noexcept { return t.time_since_epoch().count(); }
inline Instant from_unix(std::int64_t s) noexcept { return Instant{std::chrono::seconds{s}}; }

}  // namespace mixtasy
