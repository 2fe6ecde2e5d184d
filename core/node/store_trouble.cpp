// SPDX-License-Identifier: BSD-2-Clause
// store_trouble.cpp - see store_trouble.h.
#include "core/node/store_trouble.h"

#include <string>

#include "core/ports/log.h"

namespace mixtasy::core {

void StoreTrouble::failed(const store::StoreError& error, Instant now) {
    {
        std::lock_guard lock(mutex_);
        if (last_report_ && now - *last_report_ < interval_) return;
        last_report_ = now;
    }
    reported_.store(true, std::memory_order_relaxed);
    std::string line = "store unavailable (" + std::string(store::to_string(error.code)) + ": " +
                       error.detail + "): mail to the mix address is deferred until it is fixed";
    if (error.needs_admin()) line += "; waiting alone will not fix this, an admin must act";
    log(LogLevel::Error, line);
}

void StoreTrouble::succeeded() {
    if (!reported_.load(std::memory_order_relaxed)) return;
    if (!reported_.exchange(false)) return;
    {
        std::lock_guard lock(mutex_);
        last_report_.reset();
    }
    log(LogLevel::Notice, "store usable again: mail to the mix address is accepted");
}

}  // namespace mixtasy::core
