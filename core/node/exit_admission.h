// SPDX-License-Identifier: BSD-2-Clause
// exit_admission.h - whether an exit node delivers to a destination at all
// (Mixmaster v2 section 6.5: block list, rate limits, exitprivate).
//
// WHAT IT DOES
//   admit(recipient, now) decides whether this exit delivers to recipient:
//     NotLocal     exitprivate mode and the domain is not one of ours
//     Blocked      on the destination block list (destination_list.h)
//     RateLimited  in the current clock hour, this destination address
//                  already got rate_per_hour messages, or its domain
//                  domain_rate_per_hour, or the exit as a whole
//                  global_rate_per_hour (each 0 = no such cap)
//     BadAddress   not a plain local@domain address, or one whose local
//                  part could route the mail on: '%', '!', quotes, a
//                  source route (mail_address.h's delivery_addr_spec)
//     Deliver      yes; the message is counted against all three caps.
//   The domain and global caps are on by default (kDefault*RatePerHour):
//   a captured exit cannot be made to flood one provider or the world
//   with ordinary deliveries just by varying the local part.
//   The counts are kept IN MEMORY, per process, in fixed clock-hour
//   windows: a restart forgets them (at most one extra hour's allowance).
//   Memory is bounded by max_tracked_destinations per table (addresses,
//   domains); when every slot holds an entry of the current hour, new
//   destinations are refused (RateLimited) rather than evicting one: fail
//   closed.
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

// Deliveries per clock hour an exit makes by default to one destination
// domain, and in all.  Generous for a mix exit's real traffic (a busy
// Mixmaster exit delivered a few hundred a day), small for a flood.
inline constexpr std::size_t kDefaultDomainRatePerHour = 300;
inline constexpr std::size_t kDefaultGlobalRatePerHour = 1200;

struct ExitAdmissionOptions {
    std::vector<std::string> blocked;  // see destination_list.h
    std::size_t rate_per_hour = 0;     // per destination address; 0 = no limit
    std::size_t domain_rate_per_hour = kDefaultDomainRatePerHour;  // 0 = no limit
    std::size_t global_rate_per_hour = kDefaultGlobalRatePerHour;  // 0 = no limit
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
    struct Window {
        std::int64_t hour = 0;
        std::size_t count = 0;
    };
    using WindowTable = std::unordered_map<std::string, Window>;

    explicit ExitAdmission(ExitAdmissionOptions options) : options_(std::move(options)) {}
    // Counts one delivery to `destination` unless a cap is reached.
    bool over_rate(const Destination& destination, Instant now);
    Window* window_for(WindowTable& table, const std::string& key, std::int64_t hour);

    ExitAdmissionOptions options_;

    std::mutex rate_mutex_;
    WindowTable by_address_;
    WindowTable by_domain_;
    Window global_;
};

const char* to_string(ExitAdmission::Verdict verdict) noexcept;

}  // namespace mixtasy::core
