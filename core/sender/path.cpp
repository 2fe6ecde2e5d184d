// path.cpp - see path.h.
#include "core/sender/path.h"

#include <algorithm>
#include <set>

namespace mixtasy::core {

const char* to_string(PathError error) {
    switch (error) {
        case PathError::TooShort: return "path-too-short";
        case PathError::Repeated: return "path-repeats-a-mix";
        case PathError::NoCandidates: return "path-no-candidates";
    }
    return "unknown";
}

Expected<void, PathError> check_path(std::span<const std::string> path, std::size_t min_length) {
    if (path.size() < min_length || path.empty()) return Unexpected{PathError::TooShort};
    for (std::size_t i = 1; i < path.size(); ++i) {
        if (path[i] == path[i - 1]) return Unexpected{PathError::Repeated};
    }
    return {};
}

Expected<std::vector<std::string>, PathError> choose_path(std::span<const std::string> mixes,
                                                          const PathRequest& request,
                                                          Random& random) {
    const std::set<std::string> distinct(mixes.begin(), mixes.end());
    const std::vector<std::string> pool(distinct.begin(), distinct.end());
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
            if (i > 0 && m == path[i - 1]) continue;
            if (request.last && i + 2 == path.size() && m == *request.last) continue;
            allowed.push_back(&m);
        }
        if (allowed.empty()) return Unexpected{PathError::NoCandidates};
        path[i] = *allowed[random.uniform(allowed.size())];
    }
    MIXTASY_CHECK(check_path(path, 1));
    return path;
}

}  // namespace mixtasy::core
