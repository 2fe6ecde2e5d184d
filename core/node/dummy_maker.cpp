// SPDX-License-Identifier: BSD-2-Clause
// dummy_maker.cpp - see dummy_maker.h.
#include "core/node/dummy_maker.h"

#include "common/ascii.h"
#include "core/format/mix_format.h"
#include "core/pool/outbox.h"
#include "core/ports/log.h"
#include "core/ports/random.h"
#include "core/sender/creator.h"

namespace mixtasy::core {
namespace {

// The mixes a dummy may visit, other than `own`: all of them may end it,
// the middlemen among them may also carry it on.
struct DummyCandidates {
    std::vector<std::string> any;
    std::vector<std::string> middlemen;
};

DummyCandidates candidates(const KeyRing& ring, const std::string& own, Instant now) {
    DummyCandidates out;
    for (std::string& address : ring.usable_addresses(now)) {
        if (ascii::iequals(address, own)) continue;
        const MixKey* key = ring.find(address);
        if (key != nullptr && key->modes.middleman) out.middlemen.push_back(address);
        out.any.push_back(std::move(address));
    }
    return out;
}

// One uniform pick from `from`, never `previous` (case-insensitively), or
// nullopt when nothing else is left.
std::optional<std::string> pick(const std::vector<std::string>& from, const std::string& previous,
                                Random& random) {
    std::vector<const std::string*> allowed;
    for (const std::string& m : from) {
        if (!ascii::iequals(m, previous)) allowed.push_back(&m);
    }
    if (allowed.empty()) return std::nullopt;
    return *allowed[random.uniform(allowed.size())];
}

std::optional<std::vector<std::string>> draw(const DummyCandidates& c, std::size_t length,
                                             Random& random) {
    std::vector<std::string> path;
    for (std::size_t i = 0; i + 1 < length; ++i) {
        auto hop = pick(c.middlemen, path.empty() ? std::string() : path.back(), random);
        if (!hop) return std::nullopt;
        path.push_back(std::move(*hop));
    }
    auto last = pick(c.any, path.empty() ? std::string() : path.back(), random);
    if (!last) return std::nullopt;
    path.push_back(std::move(*last));
    return path;
}

}  // namespace

std::optional<std::vector<std::string>> CreatorDummyFactory::choose_dummy_path(
    Instant now, Random& random) const {
    const DummyCandidates c = candidates(ring_, own_address_, now);
    if (c.any.empty()) return std::nullopt;
    // Too few middlemen for the drawn length: one hop still gives cover
    // traffic on our outgoing link.
    if (auto path = draw(c, random.between(kMinDummyPath, kMaxDummyPath), random)) return path;
    return draw(c, 1, random);
}

void CreatorDummyFactory::warn_impossible_once() {
    if (warned_impossible_) return;
    warned_impossible_ = true;
    log(LogLevel::Warning,
        "cover traffic impossible: no other mix with a valid subkey is known (mixes.asc)");
}

std::optional<store::NewPoolItem> CreatorDummyFactory::make_dummy(Random& random) {
    const Instant now = clock_.now();
    auto path = choose_dummy_path(now, random);
    if (!path) {
        warn_impossible_once();
        return std::nullopt;
    }
    auto dummy = create_dummy(ring_, *path, now, random, own_address_);
    if (!dummy) return std::nullopt;
    warned_impossible_ = false;
    return outgoing(store::PoolKind::Dummy, dummy->first_hop, own_address_,
                    std::move(dummy->message));
}

}  // namespace mixtasy::core
