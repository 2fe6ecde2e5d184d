// exit_admission.h - whether an exit node delivers to a destination at all
// (Mixmaster v2 section 6.5: block list, rate limits, exitprivate).
//
// WHAT IT DOES
//   admit(recipient, now) decides whether this exit delivers to recipient:
//     NotLocal     exitprivate mode and the domain is not one of ours
//     Blocked      on the destination block list (destination_list.h)
//     RateLimited  this destination already got rate_per_hour messages in
//                  the current clock hour
//     BadAddress   not a plain local@domain address
//     Deliver      yes; the message is counted against the rate limit.
//   The rate limit is kept IN MEMORY, per process, in fixed clock-hour
//   windows: a restart forgets it (at most one extra hour's allowance).
//   Memory is bounded by max_tracked_destinations; when every slot holds a
//   destination of the current hour, new destinations are refused
//   (RateLimited) rather than evicting one: fail closed.
//
// WHAT IT GUARANTEES
//   admit() is thread-safe (libmilter calls Node::accept from many
//   threads); is_blocked() is const.  Never throws for bad input.
//
// WHAT IT REFUSES (create, ExitOptionError)
//   A malformed block-list or local-domain entry; exitprivate without local
//   domains (it would deliver nowhere).
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/expected.h"
#include "core/node/destination_list.h"
#include "core/ports/clock.h"

namespace mixtasy::core {

struct ExitAdmissionOptions {
    std::vector<std::string> blocked;  // see destination_list.h
    std::size_t rate_per_hour = 0;     // per destination; 0 = no limit
    std::size_t max_tracked_destinations = 100000;
    bool exit_private = false;  // deliver to local_domains only
    std::vector<std::string> local_domains;
};

class ExitAdmission {
public:
    enum class Verdict { Deliver, Blocked, RateLimited, NotLocal, BadAddress };

    static Expected<std::unique_ptr<ExitAdmission>, ExitOptionError> create(
        ExitAdmissionOptions options);

    Verdict admit(std::string_view recipient, Instant now);
    bool is_blocked(std::string_view recipient) const;
    const ExitAdmissionOptions& options() const noexcept { return options_; }

private:
    explicit ExitAdmission(ExitAdmissionOptions options) : options_(std::move(options)) {}
    bool over_rate(const std::string& destination, Instant now);

    ExitAdmissionOptions options_;

    struct Window {
        std::int64_t hour = 0;
        std::size_t count = 0;
    };
    std::mutex rate_mutex_;
    std::unordered_map<std::string, Window> rate_;
};

const char* to_string(ExitAdmission::Verdict verdict) noexcept;

}  // namespace mixtasy::core
