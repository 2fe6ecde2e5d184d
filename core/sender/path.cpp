// SPDX-License-Identifier: BSD-2-Clause
// path.cpp - see path.h.
#include "core/sender/path.h"

#include <algorithm>
#include <cassert>
#include <map>

#include "common/ascii.h"

namespace mixtasy::core {

const char* to_string(PathError error) {
    switch (error) {
        case PathError::TooShort: return "path-too-short";
        case PathError::Repeated: return "path-repeats-a-mix";
        case PathError::NoCandidates: return "path-no-candidates";
        case PathError::UnknownMix: return "path-unknown-mix";
        case PathError::WrongMode: return "path-wrong-mode";
        case PathError::NoExit: return "path-no-exit";
        case PathError::ProviderMissing: return "path-provider-missing";
        case PathError::TooManyParts: return "path-too-many-parts";
        case PathError::BadRecipient: return "path-bad-recipient";
    }
    return "unknown";
}

std::string domain_of(std::string_view address) {
    const auto at = address.rfind('@');
    if (at == std::string_view::npos || at + 1 == address.size()) return {};
    return ascii::lower(address.substr(at + 1));
}

Expected<void, PathError> check_path(std::span<const std::string> path, std::size_t min_length) {
    if (path.size() < min_length || path.empty()) return Unexpected{PathError::TooShort};
    for (std::size_t i = 1; i < path.size(); ++i) {
        if (ascii::iequals(path[i], path[i - 1])) return Unexpected{PathError::Repeated};
    }
    return {};
}

std::string path_problem(std::span<const std::string> path, std::size_t min_length) {
    if (path.empty()) return "the path names no mix";
    if (path.size() < min_length)
        return "the path names " + std::to_string(path.size()) + " mix(es); it needs at least " +
               std::to_string(min_length);
    for (std::size_t i = 1; i < path.size(); ++i) {
        if (ascii::iequals(path[i], path[i - 1]))
            return "the path repeats " + path[i] + " twice in a row";
    }
    return {};
}

Expected<std::vector<std::string>, PathError> choose_path(std::span<const std::string> mixes,
                                                          const PathRequest& request,
                                                          Random& random) {
    // One entry per mix, whatever the case it was written in.
    std::map<std::string, std::string> distinct;
    for (const auto& m : mixes) distinct.emplace(ascii::lower(m), m);
    std::vector<std::string> pool;
    for (const auto& [key, m] : distinct) pool.push_back(m);
    if (request.length == 0) return Unexpected{PathError::TooShort};
    if (pool.empty() || (request.length > 1 && pool.size() < 2)) {
        return Unexpected{PathError::NoCandidates};
    }
    std::vector<std::string> path(request.length);
    if (request.first) path.front() = *request.first;
    if (request.last) path.back() = *request.last;
    for (std::size_t i = 0; i < path.size(); ++i) {
        const bool pinned = (i == 0 && request.first) || (i + 1 == path.size() && request.last);
        if (pinned) continue;
        // Candidates: every mix but the previous one and, for the hop before
        // a pinned last mix, not that one either.
        std::vector<const std::string*> allowed;
        for (const auto& m : pool) {
            if (i > 0 && ascii::iequals(m, path[i - 1])) continue;
            if (request.last && i + 2 == path.size() && ascii::iequals(m, *request.last)) continue;
            allowed.push_back(&m);
        }
        if (allowed.empty()) return Unexpected{PathError::NoCandidates};
        path[i] = *allowed[random.uniform(allowed.size())];
    }
    MIXTASY_CHECK(check_path(path, 1));
    return path;
}

namespace {

Unexpected<RouteError> refuse(PathError code, std::string detail) {
    return Unexpected{RouteError{code, std::move(detail)}};
}

bool is_random(std::string_view token) { return token == kRandomHop; }

// Everything one selection needs, worked out once.
struct Selection {
    std::span<const MixChoice> mixes;
    std::string recipient_domain;
    std::vector<std::string> tokens;  // canonical addresses and "*"

    const MixChoice* find(std::string_view address) const {
        for (const auto& m : mixes)
            if (ascii::iequals(m.address, address)) return &m;
        return nullptr;
    }
    bool fits_exit(const MixChoice& m) const {
        return m.modes.exitpublic ||
               (m.modes.exitprivate && domain_of(m.address) == recipient_domain);
    }
    bool fits(const MixChoice& m, std::size_t place) const {
        return place + 1 == tokens.size() ? fits_exit(m) : m.modes.middleman;
    }
    bool holds(std::string_view address) const {
        return std::any_of(tokens.begin(), tokens.end(),
                           [&](const std::string& t) { return ascii::iequals(t, address); });
    }
    // Whether `address` may stand at `place` next to the pinned neighbours.
    bool free_beside(std::string_view address, std::size_t place) const {
        const bool before = place > 0 && ascii::iequals(tokens[place - 1], address);
        const bool after = place + 1 < tokens.size() && ascii::iequals(tokens[place + 1], address);
        return !before && !after;
    }
};

// The chain's tokens: named mixes made canonical and checked for their
// place, --exit applied to the last place.
Expected<void, RouteError> resolve_chain(Selection& s, const RouteRequest& request) {
    s.tokens = request.chain.empty()
                   ? std::vector<std::string>(request.hops, std::string(kRandomHop))
                   : request.chain;
    if (s.tokens.size() < kMinRouteLength)
        return refuse(PathError::TooShort,
                      "a path needs at least " + std::to_string(kMinRouteLength) + " mixes");
    if (request.exit) {
        if (!is_random(s.tokens.back()) && !ascii::iequals(s.tokens.back(), *request.exit))
            return refuse(PathError::WrongMode,
                          "--exit " + *request.exit + " differs from the chain's last mix");
        s.tokens.back() = *request.exit;
    }
    for (std::size_t i = 0; i < s.tokens.size(); ++i) {
        if (is_random(s.tokens[i])) continue;
        const MixChoice* m = s.find(s.tokens[i]);
        if (m == nullptr) return refuse(PathError::UnknownMix, "unknown mix " + s.tokens[i]);
        if (!s.fits(*m, i)) {
            const bool last = i + 1 == s.tokens.size();
            return refuse(PathError::WrongMode,
                          m->address + (last ? " cannot deliver to the recipient's domain"
                                             : " does not run middleman"));
        }
        s.tokens[i] = m->address;
    }
    return {};
}

// Pins a provider mix into a free "*" place: `preferred` first, else a
// random inner place it may take.
Expected<void, RouteError> place_provider(Selection& s, const MixChoice& provider,
                                          std::size_t preferred, Random& random) {
    if (s.holds(provider.address)) return {};
    if (is_random(s.tokens[preferred]) && s.fits(provider, preferred) &&
        s.free_beside(provider.address, preferred)) {
        s.tokens[preferred] = provider.address;
        return {};
    }
    std::vector<std::size_t> places;
    for (std::size_t i = 0; i + 1 < s.tokens.size(); ++i)
        if (is_random(s.tokens[i]) && s.fits(provider, i) && s.free_beside(provider.address, i))
            places.push_back(i);
    if (places.empty())
        return refuse(PathError::ProviderMissing,
                      "the path leaves no place for the provider's mix " + provider.address);
    s.tokens[places[random.uniform(places.size())]] = provider.address;
    return {};
}

Expected<void, RouteError> place_providers(Selection& s, const RouteRequest& request,
                                           Random& random) {
    for (const auto& m : s.mixes) {
        if (domain_of(m.address) == s.recipient_domain)
            MIXTASY_CHECK(place_provider(s, m, s.tokens.size() - 1, random));
    }
    if (request.sender_domain.empty()) return {};
    const std::string sender = ascii::lower(request.sender_domain);
    for (const auto& m : s.mixes) {
        if (domain_of(m.address) == sender) MIXTASY_CHECK(place_provider(s, m, 0, random));
    }
    return {};
}

// For each place of `tokens`, the mixes that may stand there and still
// leave a complete path after them: a pinned place holds its mix, a "*" the
// mixes that fit its role, and either only if the next place can then hold
// a different mix.  Drawing every "*" among these (never the mix before it)
// cannot dead-end.  Why: with only two middlemen that also exit, a plain
// left-to-right draw of "*,*,*,*" failed one time in four at the third
// place (its neighbours had taken both mixes).
using Places = std::vector<std::vector<const MixChoice*>>;

bool holds_other(const std::vector<const MixChoice*>& place, std::string_view address) {
    return std::any_of(place.begin(), place.end(),
                       [&](const MixChoice* m) { return !ascii::iequals(m->address, address); });
}

Places completable(const Selection& s, const std::vector<std::string>& tokens) {
    Places places(tokens.size());
    for (std::size_t i = tokens.size(); i-- > 0;) {
        for (const auto& m : s.mixes) {
            const bool here =
                is_random(tokens[i]) ? s.fits(m, i) : ascii::iequals(m.address, tokens[i]);
            if (!here) continue;
            if (i + 1 < tokens.size() && !holds_other(places[i + 1], m.address)) continue;
            places[i].push_back(&m);
        }
    }
    return places;
}

Unexpected<RouteError> no_path(const Selection& s) {
    return refuse(PathError::NoCandidates,
                  "no path of " + std::to_string(s.tokens.size()) + " mixes fits the known mixes");
}

// Draws the exit, shared by all parts, among the mixes that fit it and
// leave the places before it completable.
Expected<void, RouteError> draw_exit(Selection& s, Random& random) {
    const std::size_t last = s.tokens.size() - 1;
    std::vector<const MixChoice*> exits;
    bool any_fits = false;
    for (const auto& m : s.mixes) {
        if (!s.fits(m, last)) continue;
        any_fits = true;
        std::vector<std::string> trial = s.tokens;
        trial[last] = m.address;
        if (!completable(s, trial).front().empty()) exits.push_back(&m);
    }
    if (exits.empty()) {
        return any_fits ? no_path(s)
                        : refuse(PathError::NoExit, "no mix can deliver to " + s.recipient_domain);
    }
    s.tokens[last] = exits[random.uniform(exits.size())]->address;
    return {};
}

// Draws every "*" of one part's path left to right among `places`.
std::vector<std::string> draw_part(const Selection& s, const Places& places, Random& random) {
    std::vector<std::string> path = s.tokens;
    for (std::size_t i = 0; i < path.size(); ++i) {
        if (!is_random(path[i])) continue;
        std::vector<const MixChoice*> allowed;
        for (const MixChoice* m : places[i])
            if (i == 0 || !ascii::iequals(m->address, path[i - 1])) allowed.push_back(m);
        assert(!allowed.empty());  // completable() left a mix for each place
        path[i] = allowed[random.uniform(allowed.size())]->address;
    }
    return path;
}

}  // namespace

Expected<std::vector<std::vector<std::string>>, RouteError> choose_routes(
    std::span<const MixChoice> mixes, const RouteRequest& request, Random& random) {
    if (request.parts == 0 || request.parts > kMaxRouteParts)
        return refuse(PathError::TooManyParts, "between 1 and 256 parts");
    Selection s{mixes, domain_of(request.recipient), {}};
    if (s.recipient_domain.empty())
        return refuse(PathError::BadRecipient, "the recipient has no domain");
    MIXTASY_CHECK(resolve_chain(s, request));
    MIXTASY_CHECK(place_providers(s, request, random));
    for (std::size_t i = 1; i < s.tokens.size(); ++i)
        if (!is_random(s.tokens[i]) && ascii::iequals(s.tokens[i], s.tokens[i - 1]))
            return refuse(PathError::Repeated,
                          "the path repeats " + s.tokens[i] + " twice in a row");
    // The exit is drawn once: every part meets there.
    if (is_random(s.tokens.back())) MIXTASY_CHECK(draw_exit(s, random));
    const Places places = completable(s, s.tokens);
    if (places.front().empty()) {
        return no_path(s);
    }
    std::vector<std::vector<std::string>> routes;
    for (std::size_t part = 0; part < request.parts; ++part) {
        auto path = draw_part(s, places, random);
        assert(check_path(path, kMinRouteLength));
        routes.push_back(std::move(path));
    }
    return routes;
}

}  // namespace mixtasy::core
