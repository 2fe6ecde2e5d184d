// SPDX-License-Identifier: BSD-2-Clause
// send_stamp.h - what an exit delivery gets at the moment it leaves the
// pool, not when it arrived.
//
// WHAT IT DOES
//   The flusher passes every Exit row through a SendStamp right before the
//   Transport:
//     delivery_id(random)        the identifier the row is delivered under
//                                (the node: a fresh Message-ID).  Made at
//                                the row's first send and fixed in the row
//                                (store::Store::fix_delivery_id) before the
//                                hand-over; a repeat after a crash reuses
//                                it, so the recipient can tell a repeat.
//     stamp(message, id, now)    the bytes to send: the pooled message with
//                                the send time and that identifier added.
//   The node implements it over its exit header rules
//   (core/node/exit_stamp.h); tests give a fake.  pool/ never reads a mail
//   header, so it depends on nothing of node/.
//
// WHAT AN IMPLEMENTATION GUARANTEES
//   delivery_id() gives a non-empty single-line text of at most 1000 bytes.
//   stamp() is deterministic in its arguments and does not keep them.  The
//   flusher treats an exception from either as a temporary failure of that
//   row (retried later, never sent unstamped).
//
// WHAT IT REFUSES
//   Nothing: a pool without a SendStamp (Flusher's short constructor)
//   sends Exit rows as they were pooled.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "common/time.h"

namespace mixtasy::core {

class Random;

class SendStamp {
public:
    virtual ~SendStamp() = default;
    virtual std::string delivery_id(Random& random) = 0;
    virtual Bytes stamp(ByteView message, std::string_view delivery_id, Instant now) = 0;
};

}  // namespace mixtasy::core
