// SPDX-License-Identifier: BSD-2-Clause
// publisher.h - what a running node publishes, when: its certificate to
// every configured target at start and after each change (a new subkey at
// half-life, seed 000 6.3.1), retried with exponential backoff.
//
// WHAT IT DOES
//   certificate_changed(cert) remembers the certificate to publish and
//   marks every target due now, unless the certificate is byte for byte the
//   one last handed in (the daemon calls it after every key upkeep).
//   run_due() makes one attempt at each target that is due (publish_to) and
//   logs one line per outcome.  A temporary failure is due again after the
//   backoff: initial, doubled per failure, capped at max; a permanent one
//   waits for the next certificate.  next_due() says when to call again.
//
// WHAT IT GUARANTEES
//   Time comes from the Clock only (tests run days in milliseconds).  Log
//   lines name the target and the outcome, never key material or anything
//   about mix traffic; publication failures never stop the node.  Not
//   thread-safe: one thread (the daemon's upkeep) drives it.
//
// WHAT IT REFUSES
//   Nothing: with no targets configured it does nothing and logs nothing.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <vector>

#include "core/ports/clock.h"
#include "core/ports/http.h"
#include "core/publish/publish_targets.h"
#include "crypto/key.h"

namespace mixtasy::core {

struct PublishBackoff {
    std::chrono::seconds initial{60};
    std::chrono::seconds max{3600};
};

class Publisher {
public:
    Publisher(HttpClient& http, const Clock& clock, PublishConfig config,
              PublishBackoff backoff = {});

    void certificate_changed(const crypto::Certificate& cert);
    // Attempts every due target; returns how many attempts succeeded.
    std::size_t run_due();
    std::optional<Instant> next_due() const;
    bool idle() const { return !next_due().has_value(); }

private:
    struct State {
        PublishTarget target;
        std::optional<Instant> due;  // nullopt: nothing to do until the next change
        unsigned failures = 0;
    };
    std::chrono::seconds delay_after(unsigned failures) const;

    HttpClient& http_;
    const Clock& clock_;
    PublishBackoff backoff_;
    std::vector<State> targets_;
    std::optional<crypto::Certificate> cert_;
    Bytes published_bytes_;
};

}  // namespace mixtasy::core
