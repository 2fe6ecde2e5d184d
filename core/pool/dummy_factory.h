// SPDX-License-Identifier: BSD-2-Clause
// dummy_factory.h - where the pool gets its cover traffic from.
//
// make_dummy(random) makes one complete dummy (seed 000 6.6: random
// payload, Mixtasy-Type dummy, through one to four random known mixes),
// ready for the Transport: kind Dummy, recipient = the first mix of its
// path; the flusher stamps its times (core/pool/outbox.h).  nullopt when
// it cannot (no known mixes yet); the flusher then makes fewer dummies.
// The node implements it over the message creator (core/node/dummy_maker.h);
// tests give a fake.  The pool never sees how a
// dummy is built, so pool/ depends on nothing of the sender.
#pragma once

#include <optional>

#include "store/store.h"

namespace mixtasy::core {

class Random;

class DummyFactory {
public:
    virtual ~DummyFactory() = default;
    virtual std::optional<store::NewPoolItem> make_dummy(Random& random) = 0;
};

}  // namespace mixtasy::core
