// path.h - the route a message takes through the mix network.
//
// WHAT IT DOES
//   check_path(path, min) says whether a path obeys the protocol: at least
//   `min` mixes (4 for real messages, seed 000 6.1.3) and never the same mix
//   twice in a row (7.3.1).  choose_path() draws a random such path of
//   `length` mixes from the known ones, optionally pinning the first mix
//   (the sender's provider) and the last (the recipient's provider).
//
// WHAT IT GUARANTEES
//   Every mix is drawn uniformly from the candidates allowed at its place
//   (Random::uniform, no modulo bias); the result always passes check_path.
//
// WHAT IT REFUSES (PathError)
//   TooShort, Repeated (same mix twice in a row), NoCandidates (fewer than
//   two distinct mixes for a path longer than one, or an empty set).
#pragma once

#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/expected.h"
#include "core/ports/random.h"

namespace mixtasy::core {

enum class PathError { TooShort, Repeated, NoCandidates };
const char* to_string(PathError error);

Expected<void, PathError> check_path(std::span<const std::string> path, std::size_t min_length);

struct PathRequest {
    std::size_t length = 4;
    std::optional<std::string> first;  // pinned first mix
    std::optional<std::string> last;   // pinned last mix
};

Expected<std::vector<std::string>, PathError> choose_path(std::span<const std::string> mixes,
                                                          const PathRequest& request,
                                                          Random& random);

}  // namespace mixtasy::core
