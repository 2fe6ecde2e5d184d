// SPDX-License-Identifier: BSD-2-Clause
// send_plan.h - everything `mixtasy send` decides before a byte leaves:
// the original cleaned and split per recipient (original.h), a route per
// recipient under seed 000's rules (path.h), and the layered messages
// (creator.h).
//
// WHAT IT DOES
//   plan_send(ring, original, request, now, random) returns one
//   PlannedMessage per recipient of the original: each part's route and
//   complete message, to be submitted to that route's first mix.  Nothing is
//   sent here, so a refusal for any recipient comes before anything is sent
//   for any of them.
//   mix_choices(ring) is what path selection needs to know of a ring.
//
// WHAT IT GUARANTEES
//   Each recipient gets its own independently drawn route; each message's
//   exit sees exactly that one recipient.  The parts of one recipient's
//   message share the exit and take independent routes before it (seed
//   000): routes[i] is part i+1's, drawn by choose_routes(parts=N).
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
    std::vector<std::vector<std::string>> routes;  // routes[i]: part i+1's
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
