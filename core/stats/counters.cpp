// SPDX-License-Identifier: BSD-2-Clause
// counters.cpp - the stored names of core's counters.
#include "core/stats/counters.h"

namespace mixtasy::core {

const char* to_string(Counter counter) noexcept {
    switch (counter) {
        case Counter::Pooled: return "pooled";
        case Counter::Dummy: return "dummy";
        case Counter::Part: return "part";
        case Counter::Reassembled: return "reassembled";
        case Counter::Sent: return "sent";
        case Counter::Retry: return "retry";
        case Counter::Failed: return "failed";
    }
    return "unknown";
}

}  // namespace mixtasy::core
