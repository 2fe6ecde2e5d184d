// SPDX-License-Identifier: BSD-2-Clause
// exit_admission.cpp - see exit_admission.h.
#include "core/node/exit_admission.h"

#include <algorithm>

#include "core/format/mail_address.h"

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
    // The address the MTA will be handed must not reroute the mail (a
    // percent hack or bang path turns exitprivate into a public exit).
    if (!delivery_addr_spec(recipient)) return Verdict::BadAddress;
    const auto destination = parse_destination(recipient);
    if (!destination) return Verdict::BadAddress;
    if (options_.exit_private) {
        const bool local = std::any_of(
            options_.local_domains.begin(), options_.local_domains.end(),
            [&](const std::string& d) { return within_domain(destination->domain, d); });
        if (!local) return Verdict::NotLocal;
    }
    if (matches_any(options_.blocked, *destination)) return Verdict::Blocked;
    if (over_rate(*destination, now)) return Verdict::RateLimited;
    return Verdict::Deliver;
}

ExitAdmission::Window* ExitAdmission::window_for(WindowTable& table, const std::string& key,
                                                 std::int64_t hour) {
    if (auto it = table.find(key); it != table.end()) {
        if (it->second.hour != hour) it->second = Window{hour, 0};
        return &it->second;
    }
    if (table.size() >= options_.max_tracked_destinations) {
        std::erase_if(table, [hour](const auto& entry) { return entry.second.hour != hour; });
        if (table.size() >= options_.max_tracked_destinations) return nullptr;  // fail closed
    }
    return &table.emplace(key, Window{hour, 0}).first->second;
}

bool ExitAdmission::over_rate(const Destination& destination, Instant now) {
    const std::int64_t hour = to_unix(now) / 3600;
    std::lock_guard lock(rate_mutex_);
    if (global_.hour != hour) global_ = Window{hour, 0};
    const auto full = [](const Window* w, std::size_t cap) {
        return !w || w->count >= cap;
    };
    if (options_.global_rate_per_hour && global_.count >= options_.global_rate_per_hour) {
        return true;
    }
    Window* domain = nullptr;
    if (options_.domain_rate_per_hour) {
        domain = window_for(by_domain_, destination.domain, hour);
        if (full(domain, options_.domain_rate_per_hour)) return true;
    }
    Window* address = nullptr;
    if (options_.rate_per_hour) {
        address = window_for(by_address_, destination.full, hour);
        if (full(address, options_.rate_per_hour)) return true;
    }
    // Counted only once every cap has room: a refused delivery spends none.
    ++global_.count;
    if (domain) ++domain->count;
    if (address) ++address->count;
    return false;
}

}  // namespace mixtasy::core
