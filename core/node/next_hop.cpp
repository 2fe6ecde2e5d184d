// SPDX-License-Identifier: BSD-2-Clause
// next_hop.cpp - see next_hop.h.
#include "core/node/next_hop.h"

#include <algorithm>

#include "common/ascii.h"
#include "core/format/mail_address.h"

namespace mixtasy::core {

const char* to_string(NextHopVerdict verdict) noexcept {
    switch (verdict) {
        case NextHopVerdict::Allowed: return "allowed";
        case NextHopVerdict::NotMixAddress: return "not-a-mix-address";
        case NextHopVerdict::OwnAddress: return "own-address";
        case NextHopVerdict::UnknownMix: return "unknown-mix";
    }
    return "unknown";
}

NextHopVerdict judge_next_hop(std::string_view next_hop, std::string_view own_address) {
    const auto spec = strict_addr_spec(next_hop);
    if (!spec || !ascii::iequals(spec->local, kMixLocalPart)) return NextHopVerdict::NotMixAddress;
    const auto own = strict_addr_spec(own_address);
    if (own && ascii::iequals(spec->address, own->address)) return NextHopVerdict::OwnAddress;
    return NextHopVerdict::Allowed;
}

NextHopVerdict judge_known_mix(std::string_view next_hop, const MixDirectoryView& directory,
                               Instant now, std::chrono::seconds fresh_for) {
    if (!directory.refreshed_at || now - *directory.refreshed_at > fresh_for) {
        return NextHopVerdict::Allowed;
    }
    const auto spec = strict_addr_spec(next_hop);
    if (!spec) return NextHopVerdict::NotMixAddress;
    const bool known =
        std::any_of(directory.addresses.begin(), directory.addresses.end(),
                    [&](const std::string& mix) { return ascii::iequals(mix, spec->address); });
    return known ? NextHopVerdict::Allowed : NextHopVerdict::UnknownMix;
}

}  // namespace mixtasy::core
