// SPDX-License-Identifier: BSD-2-Clause
// path.cpp - see path.h.
#include "core/sender/path.h"

#include <algorithm>
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

// Draws place `i` of `path` among the mixes that fit it.
Expected<void, RouteError> draw(const Selection& s, std::vector<std::string>& path, std::size_t i,
                                Random& random) {
    std::vector<const MixChoice*> allowed;
    const bool next_pinned = i + 1 < path.size() && !is_random(path[i + 1]);
    for (const auto& m : s.mixes) {
        if (!s.fits(m, i)) continue;
        if (i > 0 && ascii::iequals(m.address, path[i - 1])) continue;
        if (next_pinned && ascii::iequals(m.address, path[i + 1])) continue;
        allowed.push_back(&m);
    }
    if (allowed.empty()) {
        return i + 1 == path.size()
                   ? refuse(PathError::NoExit, "no mix can deliver to " + s.recipient_domain)
                   : refuse(PathError::NoCandidates,
                            "no mix fits place " + std::to_string(i + 1) + " of the path");
    }
    path[i] = allowed[random.uniform(allowed.size())]->address;
    return {};
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
    // The exit is drawn once: every part meets there.
    const std::size_t last = s.tokens.size() - 1;
    if (is_random(s.tokens[last])) MIXTASY_CHECK(draw(s, s.tokens, last, random));
    std::vector<std::vector<std::string>> routes;
    for (std::size_t part = 0; part < request.parts; ++part) {
        std::vector<std::string> path = s.tokens;
        for (std::size_t i = 0; i < last; ++i)
            if (is_random(path[i])) MIXTASY_CHECK(draw(s, path, i, random));
        if (auto ok = check_path(path, kMinRouteLength); !ok)
            return refuse(ok.error(), "the chain names the same mix twice in a row");
        routes.push_back(std::move(path));
    }
    return routes;
}

}  // namespace mixtasy::core
