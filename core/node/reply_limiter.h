// SPDX-License-Identifier: BSD-2-Clause
// reply_limiter.h - how many replies the node's services (keys@ and the
// remailer-* commands) may send, per requester and in all, per hour.
//
// WHAT IT DOES
//   ReplyLimiter::allow(requester, now) counts one reply to `requester`
//   (compared ASCII case-insensitively) in the current UTC hour and says
//   whether it may go: at most per_requester_per_hour to one address and
//   global_per_hour in all (0: no limit of that kind).
//
// WHY
//   A reply goes to the envelope sender, which anyone can forge: without a
//   limit the node is a mail cannon pointed at a victim, and a flood of
//   requests would fill the pool with replies.
//
// WHAT IT GUARANTEES
//   Thread-safe.  In memory only, never on disk (a restart forgets the
//   counts; the pool's own bounds still hold).  Memory bounded: at most
//   kMaxTrackedRequesters addresses per hour; a new address beyond that is
//   refused until the hour turns.  A refused reply is not counted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/time.h"

namespace mixtasy::core {

inline constexpr std::size_t kMaxTrackedRequesters = 10000;

struct ReplyLimits {
    std::size_t per_requester_per_hour = 3;
    std::size_t global_per_hour = 60;
};

class ReplyLimiter {
public:
    explicit ReplyLimiter(ReplyLimits limits) : limits_(limits) {}

    bool allow(std::string_view requester, Instant now);
    void set_limits(ReplyLimits limits);

private:
    void turn_hour(std::int64_t hour);

    std::mutex mutex_;
    ReplyLimits limits_;
    std::int64_t hour_ = -1;
    std::size_t global_ = 0;
    std::unordered_map<std::string, std::size_t> per_requester_;
};

}  // namespace mixtasy::core
