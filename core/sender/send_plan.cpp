// SPDX-License-Identifier: BSD-2-Clause
// send_plan.cpp - see send_plan.h.
#include "core/sender/send_plan.h"

#include <algorithm>

namespace mixtasy::core {
namespace {

Unexpected<SendError> refuse(SendError::Code code, std::string detail) {
    return Unexpected{SendError{code, std::move(detail)}};
}

}  // namespace

std::vector<MixChoice> mix_choices(const KeyRing& ring) {
    std::vector<MixChoice> out;
    for (const auto& address : ring.addresses())
        out.push_back({address, ring.find(address)->modes});
    return out;
}

Expected<std::vector<PlannedMessage>, SendError> plan_send(const KeyRing& ring, ByteView original,
                                                           const SendRequest& request, Instant now,
                                                           Random& random) {
    auto copies = prepare_originals(original, request.original);
    if (!copies) return refuse(SendError::Code::Original, copies.error().detail);
    const std::vector<MixChoice> mixes = mix_choices(ring);
    std::vector<PlannedMessage> out;
    for (auto& copy : *copies) {
        RouteRequest route = request.route;
        route.recipient = copy.recipient;
        // A size over kMaxParts parts is the creator's refusal (too large).
        route.parts = std::max<std::size_t>(1, part_count(copy.message.size()));
        auto routes = choose_routes(mixes, route, random);
        if (!routes) {
            return refuse(SendError::Code::Path,
                          "no path to " + copy.recipient + ": " + routes.error().detail);
        }
        auto created = create_messages_on_paths(ring, *routes, copy.message, now, random);
        if (!created) {
            return refuse(SendError::Code::Create,
                          "cannot wrap for " + copy.recipient + ": " + created.error().detail);
        }
        out.push_back({copy.recipient, std::move(*routes), std::move(*created)});
    }
    return out;
}

}  // namespace mixtasy::core
