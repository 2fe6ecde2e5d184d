// SPDX-License-Identifier: BSD-2-Clause
// publisher.cpp - the node's publication schedule; see publisher.h.
#include "core/publish/publisher.h"

#include <algorithm>
#include <string>

#include "core/ports/log.h"

namespace mixtasy::core {

Publisher::Publisher(HttpClient& http, const Clock& clock, PublishConfig config,
                     PublishBackoff backoff)
    : http_(http), clock_(clock), backoff_(backoff) {
    for (PublishTarget& t : all_targets(config)) targets_.push_back(State{std::move(t), {}, 0});
}

void Publisher::certificate_changed(const crypto::Certificate& cert) {
    Bytes bytes = crypto::serialize(cert);
    if (cert_ && bytes == published_bytes_) return;
    cert_ = cert;
    published_bytes_ = std::move(bytes);
    const Instant now = clock_.now();
    for (State& s : targets_) {
        s.due = now;
        s.failures = 0;
    }
}

std::chrono::seconds Publisher::delay_after(unsigned failures) const {
    std::chrono::seconds d = backoff_.initial;
    for (unsigned i = 1; i < failures && d < backoff_.max; ++i) d *= 2;
    return std::min(d, backoff_.max);
}

std::size_t Publisher::run_due() {
    if (!cert_) return 0;
    std::size_t ok = 0;
    for (State& s : targets_) {
        const Instant now = clock_.now();
        if (!s.due || *s.due > now) continue;
        const PublishOutcome out = publish_to(http_, s.target, *cert_);
        if (out.ok) {
            ++ok;
            s.due.reset();
            s.failures = 0;
            log(LogLevel::Info, "key publication: " + out.detail);
            continue;
        }
        if (!out.temporary) {
            s.due.reset();
            log(LogLevel::Warning, "key publication failed, not retried: " + out.detail);
            continue;
        }
        const auto delay = delay_after(++s.failures);
        s.due = now + delay;
        log(LogLevel::Warning, "key publication failed, retry in " + std::to_string(delay.count()) +
                                   " s: " + out.detail);
    }
    return ok;
}

std::optional<Instant> Publisher::next_due() const {
    std::optional<Instant> next;
    for (const State& s : targets_)
        if (s.due && (!next || *s.due < *next)) next = s.due;
    return next;
}

}  // namespace mixtasy::core
