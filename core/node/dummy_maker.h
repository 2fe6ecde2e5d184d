// SPDX-License-Identifier: BSD-2-Clause
// dummy_maker.h - the pool's DummyFactory (core/pool/dummy_factory.h) over
// the message creator: cover traffic through 1..4 random mixes of a key
// ring (seed 000 6.6), sent from this node's own address.
//
// WHAT IT DOES
//   make_dummy(random) draws a path of 1..4 mixes and builds a dummy along
//   it.  Hops before the last must run middleman (they forward it); the
//   last may run any mode, because every mode destroys a dummy (6.4).
//   The node itself is never on the path: a dummy it sent to itself would
//   be cover traffic that crosses no link.
//
// WHAT IT GUARANTEES
//   A dummy goes through the same creator as a sender's message, and its
//   outer header carries From: <own address> as a forward's does, so a
//   dummy and a forward to the same next hop have the same header fields in
//   the same order and the same length (dummy_maker_test).  With no other
//   usable mix there is no dummy (nullopt) and ONE warning line says that
//   cover traffic is impossible, again only after dummies were possible in
//   between.
//   set_ring() is not safe beside make_dummy(): the caller serializes them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/keys/keyring.h"
#include "core/pool/dummy_factory.h"
#include "core/ports/clock.h"

namespace mixtasy::core {

class CreatorDummyFactory final : public DummyFactory {
public:
    CreatorDummyFactory(KeyRing ring, std::string own_address, const Clock& clock)
        : ring_(std::move(ring)), own_address_(std::move(own_address)), clock_(clock) {}
    std::optional<store::NewPoolItem> make_dummy(Random& random) override;
    // The mixes dummies go through from now on (a re-read mixes.asc).  Not
    // safe beside make_dummy: the caller serializes the two.
    void set_ring(KeyRing ring) { ring_ = std::move(ring); }

private:
    std::optional<std::vector<std::string>> choose_dummy_path(Instant now, Random& random) const;
    void warn_impossible_once();

    KeyRing ring_;
    std::string own_address_;
    const Clock& clock_;
    bool warned_impossible_ = false;
};

}  // namespace mixtasy::core
