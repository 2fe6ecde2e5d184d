// exit_admission.cpp - see exit_admission.h.
#include "core/node/exit_admission.h"

#include <algorithm>

namespace mixtasy::core {

const char* to_string(ExitAdmission::Verdict verdict) noexcept {
    switch (verdict) {
        case ExitAdmission::Verdict::Deliver: return "deliver";
        case ExitAdmission::Verdict::Blocked: return "destination-blocked";
        case ExitAdmission::Verdict::RateLimited: return "destination-rate-limited";
        case ExitAdmission::Verdict::NotLocal: return "destination-not-local";
        case ExitAdmission::Verdict::BadAddress: return "bad-destination-address";
    }
    return "unknown";
}

Expected<std::unique_ptr<ExitAdmission>, ExitOptionError> ExitAdmission::create(
    ExitAdmissionOptions options) {
    MIXTASY_CHECK(normalize_destinations(options.blocked));
    MIXTASY_CHECK(normalize_destinations(options.local_domains));
    if (options.exit_private && options.local_domains.empty()) {
        return Unexpected{ExitOptionError{ExitOptionError::Code::ExitPrivateNowhere,
                                          "exit_private without local_domains delivers nowhere"}};
    }
    return std::unique_ptr<ExitAdmission>(new ExitAdmission(std::move(options)));
}

bool ExitAdmission::is_blocked(std::string_view recipient) const {
    const auto destination = parse_destination(recipient);
    return !destination || matches_any(options_.blocked, *destination);
}

ExitAdmission::Verdict ExitAdmission::admit(std::string_view recipient, Instant now) {
    const auto destination = parse_destination(recipient);
    if (!destination) return Verdict::BadAddress;
    if (options_.exit_private) {
        const bool local = std::any_of(
            options_.local_domains.begin(), options_.local_domains.end(),
            [&](const std::string& d) { return within_domain(destination->domain, d); });
        if (!local) return Verdict::NotLocal;
    }
    if (matches_any(options_.blocked, *destination)) return Verdict::Blocked;
    if (over_rate(destination->full, now)) return Verdict::RateLimited;
    return Verdict::Deliver;
}

bool ExitAdmission::over_rate(const std::string& destination, Instant now) {
    if (options_.rate_per_hour == 0) return false;
    const std::int64_t hour = to_unix(now) / 3600;
    std::lock_guard lock(rate_mutex_);
    if (auto it = rate_.find(destination); it != rate_.end()) {
        if (it->second.hour != hour) it->second = Window{hour, 0};
        if (it->second.count >= options_.rate_per_hour) return true;
        ++it->second.count;
        return false;
    }
    if (rate_.size() >= options_.max_tracked_destinations) {
        std::erase_if(rate_, [hour](const auto& entry) { return entry.second.hour != hour; });
        if (rate_.size() >= options_.max_tracked_destinations) return true;  // fail closed
    }
    rate_.emplace(destination, Window{hour, 1});
    return false;
}

}  // namespace mixtasy::core
