// dummy_maker.cpp - see dummy_maker.h.
#include "core/node/dummy_maker.h"

#include "core/format/mix_format.h"
#include "core/pool/outbox.h"
#include "core/ports/random.h"
#include "core/sender/creator.h"
#include "core/sender/path.h"

namespace mixtasy::core {

std::optional<store::NewPoolItem> CreatorDummyFactory::make_dummy(Random& random) {
    const Instant now = clock_.now();
    const auto mixes = ring_.usable_addresses(now);
    if (mixes.empty()) return std::nullopt;
    PathRequest request;
    request.length = random.between(kMinDummyPath, kMaxDummyPath);
    auto path = choose_path(mixes, request, random);
    if (!path) {
        request.length = 1;  // a single known mix still gets cover traffic
        path = choose_path(mixes, request, random);
        if (!path) return std::nullopt;
    }
    auto dummy = create_dummy(ring_, *path, now, random);
    if (!dummy) return std::nullopt;
    return outgoing(store::PoolKind::Dummy, dummy->first_hop, own_address_,
                    std::move(dummy->message));
}

}  // namespace mixtasy::core
