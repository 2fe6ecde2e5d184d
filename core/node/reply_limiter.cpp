// SPDX-License-Identifier: BSD-2-Clause
// reply_limiter.cpp - fixed UTC-hour windows: simple, and an attacker gains
// at most one window's worth at the turn of an hour.
#include "core/node/reply_limiter.h"

#include "common/ascii.h"

namespace mixtasy::core {

void ReplyLimiter::turn_hour(std::int64_t hour) {
    if (hour == hour_) return;
    hour_ = hour;
    global_ = 0;
    per_requester_.clear();
}

bool ReplyLimiter::allow(std::string_view requester, Instant now) {
    const std::string key = ascii::lower(requester);
    std::lock_guard lock(mutex_);
    const std::int64_t unix_now = to_unix(now);
    turn_hour(unix_now >= 0 ? unix_now / 3600 : -1 - (-unix_now / 3600));
    if (limits_.global_per_hour != 0 && global_ >= limits_.global_per_hour) return false;
    auto found = per_requester_.find(key);
    if (found == per_requester_.end()) {
        if (per_requester_.size() >= kMaxTrackedRequesters) return false;
        found = per_requester_.emplace(key, 0).first;
    }
    if (limits_.per_requester_per_hour != 0 && found->second >= limits_.per_requester_per_hour)
        return false;
    ++found->second;
    ++global_;
    return true;
}

void ReplyLimiter::set_limits(ReplyLimits limits) {
    std::lock_guard lock(mutex_);
    limits_ = limits;
}

}  // namespace mixtasy::core
