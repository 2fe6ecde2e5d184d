// send_plan.h - everything `mixtasy send` decides before a byte leaves:
// the original cleaned and split per recipient (original.h), a route per
// recipient under seed 000's rules (path.h), and the layered messages
// (creator.h).
//
// WHAT IT DOES
//   plan_send(ring, original, request, now, random) returns one
//   PlannedMessage per recipient of the original: its route, and the
//   complete message of each part, to be submitted to route[0].  Nothing is
//   sent here, so a refusal for any recipient comes before anything is sent
//   for any of them.
//   mix_choices(ring) is what path selection needs to know of a ring.
//
// WHAT IT GUARANTEES
//   Each recipient gets its own independently drawn route; each message's
//   exit sees exactly that one recipient.  Every part of one recipient's
//   message shares the exit.  (The creator takes one path for all parts of
//   a message today, so a multipart message's parts also share the hops
//   before the exit; choose_routes draws independent prefixes per part
//   once the creator accepts a path per part.)
//
// WHAT IT REFUSES (SendError: a code, a one-line detail)
//   Original (no recipient, a header that breaks the limits, a bad
//   address), Path (the route cannot be satisfied: path.h's reasons),
//   Create (the creator's refusals: too large, no subkey, ...).
#pragma once

#include <string>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/keys/keyring.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/sender/creator.h"
#include "core/sender/original.h"
#include "core/sender/path.h"

namespace mixtasy::core {

struct SendRequest {
    RouteRequest route;  // chain, hops, exit, sender_domain; recipient and parts are set per copy
    OriginalOptions original;
};

struct PlannedMessage {
    std::string recipient;
    std::vector<std::string> route;
    std::vector<CreatedMessage> parts;
};

struct SendError {
    enum class Code { Original, Path, Create };
    Code code;
    std::string detail;
};

std::vector<MixChoice> mix_choices(const KeyRing& ring);

Expected<std::vector<PlannedMessage>, SendError> plan_send(const KeyRing& ring, ByteView original,
                                                           const SendRequest& request, Instant now,
                                                           Random& random);

}  // namespace mixtasy::core
