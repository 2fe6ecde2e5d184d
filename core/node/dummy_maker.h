// dummy_maker.h - the pool's DummyFactory (core/pool/dummy_factory.h) over
// the message creator: dummies through 1..4 random usable mixes of a key
// ring (seed 000 6.6), from this node's own address.
//
// WHAT IT GUARANTEES
//   A dummy goes through the same creator as a sender's message, so its
//   layers, sizes and fields are those of real traffic.  With one usable
//   mix only, the path is that one mix; with none, no dummy (nullopt).
//   set_ring() is not safe beside make_dummy(): the caller serializes them.
#pragma once

#include <optional>
#include <string>
#include <utility>

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
    KeyRing ring_;
    std::string own_address_;
    const Clock& clock_;
};

}  // namespace mixtasy::core
