// SPDX-License-Identifier: BSD-2-Clause
// clock.h - the time as core sees it.
//
// core never reads the system clock itself: every decision that depends on
// time (pool rounds, backoff, replay expiry, part expiry, rate limits) asks
// a Clock, so tests drive time by hand.
//
//   Instant        whole seconds since the Unix epoch, UTC.
//   SystemClock    the real time; thread-safe.
//   ManualClock    starts at a given instant and moves only when told; for
//                  tests and for `mixtasy process` replays.  Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "common/time.h"

namespace mixtasy::core {

class Clock {
public:
    virtual ~Clock() = default;
    virtual Instant now() const = 0;
};

class SystemClock final : public Clock {
public:
    Instant now() const override {
        return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    }
};

class ManualClock final : public Clock {
public:
    explicit ManualClock(Instant start) : now_(to_unix(start)) {}
    Instant now() const override { return from_unix(now_.load()); }
    void set(Instant t) { now_.store(to_unix(t)); }
    void advance(std::chrono::seconds d) { now_.fetch_add(d.count()); }

private:
    std::atomic<std::int64_t> now_;
};

}  // namespace mixtasy::core
