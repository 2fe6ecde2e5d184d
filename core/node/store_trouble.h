// SPDX-License-Identifier: BSD-2-Clause
// store_trouble.h - what the admin hears when the node's store fails after
// it opened (a full disk, a database locked by another program, a file
// made read-only or damaged): degraded mode for a running node.
//
// WHAT IT DOES
//   failed(error, now)  called for each temporary store failure that made
//       a message wait (the milter answers 451, the sender's MTA retries).
//       Logs one Error line naming the store's error code and detail,
//       "store unavailable (disk-full: ...): mail to the mix address is
//       deferred until it is fixed", at most once per interval however many
//       messages meet it; needs_admin() errors say that waiting alone will
//       not fix it.
//   succeeded()  called after a store write went through; logs one Notice,
//       "store usable again", if a failure was reported since the last one.
//
// WHAT IT GUARANTEES
//   Thread-safe; the success path is one atomic load.  The lines carry the
//   store's detail only, which never holds message bytes, addresses or
//   hashes (store/error.h).
//
// WHY NOT ONE LINE PER MESSAGE
//   Every deferred message already gets its Info line; a day of a full disk
//   must not add an Error line per retry of every sender's MTA, yet the
//   Error must repeat so that log monitors that look at the last hour see it.
#pragma once

#include <atomic>
#include <chrono>
#include <mutex>
#include <optional>

#include "common/time.h"
#include "store/error.h"

namespace mixtasy::core {

class StoreTrouble {
public:
    explicit StoreTrouble(std::chrono::seconds interval = std::chrono::seconds{60})
        : interval_(interval) {}

    void failed(const store::StoreError& error, Instant now);
    void succeeded();

private:
    std::chrono::seconds interval_;
    std::mutex mutex_;  // guards last_report_
    std::optional<Instant> last_report_;
    std::atomic<bool> reported_{false};
};

}  // namespace mixtasy::core
