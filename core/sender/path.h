// SPDX-License-Identifier: BSD-2-Clause
// path.h - the route a message takes through the mix network.
//
// WHAT IT DOES
//   check_path(path, min) says whether a path obeys the protocol: at least
//   `min` mixes (4 for real messages, seed 000 6.1.3) and never the same mix
//   twice in a row (7.3.1), addresses compared case-insensitively (issue 11,
//   Low 3).  choose_path() draws a random such path of `length` mixes from
//   the known ones, optionally pinning the first mix and the last (dummies).
//
//   choose_routes(mixes, request, random) is the sender's selection under
//   all of seed 000's rules, one route per part of one message:
//     - the chain is `request.chain` (addresses and "*"), or `hops` times
//       "*"; at least four mixes;
//     - the exit (last mix) fits the recipient: exitpublic, or exitprivate
//       when the recipient's domain is the mix address's domain; every
//       other hop runs middleman;
//     - a mix whose address domain is the sender's or the recipient's
//       domain (their provider) is in the route: the recipient's provider
//       as the exit when it can exit, the sender's as the first hop when it
//       runs middleman, else at a free inner place;
//     - each "*" is drawn uniformly among the mixes that fit its place
//       (role, not the mix before it, not a pinned mix after it) and that
//       leave the rest of the path completable, so a draw never dead-ends
//       when some path exists;
//     - all parts share the exit; the hops before it are drawn anew per
//       part, so parts travel independent paths and meet only at the exit.
//
// WHAT IT GUARANTEES
//   Every mix is drawn with Random::uniform (no modulo bias); every route
//   returned passes check_path(route, kMinRouteLength) and the rules above.
//
// WHAT IT REFUSES (PathError; RouteError adds a one-line detail)
//   TooShort, Repeated (same mix twice in a row), NoCandidates (no path of
//   the requested length exists among the known mixes), UnknownMix (a named mix not in `mixes`),
//   WrongMode (a named mix that cannot play its place), NoExit (no mix fits the recipient),
//   ProviderMissing (a provider mix that the chain leaves no place for), TooManyParts, BadRecipient
//   (no domain).
#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/expected.h"
#include "core/keys/mix_key.h"
#include "core/ports/random.h"

namespace mixtasy::core {

enum class PathError {
    TooShort,
    Repeated,
    NoCandidates,
    UnknownMix,
    WrongMode,
    NoExit,
    ProviderMissing,
    TooManyParts,
    BadRecipient,
};
const char* to_string(PathError error);

Expected<void, PathError> check_path(std::span<const std::string> path, std::size_t min_length);
// check_path's refusal as a sentence for the user: "the path repeats
// mixtasy@mix1.test twice in a row", "the path names 2 mixes; it needs at
// least 4"; empty when check_path accepts the path.
std::string path_problem(std::span<const std::string> path, std::size_t min_length);

struct PathRequest {
    std::size_t length = 4;
    std::optional<std::string> first;  // pinned first mix
    std::optional<std::string> last;   // pinned last mix
};

Expected<std::vector<std::string>, PathError> choose_path(std::span<const std::string> mixes,
                                                          const PathRequest& request,
                                                          Random& random);

inline constexpr std::size_t kMinRouteLength = 4;   // seed 000 6.1.3
inline constexpr std::size_t kMaxRouteLength = 19;  // what mutt's menu offers
inline constexpr std::size_t kMaxRouteParts = 256;
inline constexpr std::string_view kRandomHop = "*";

// What selection needs to know of a mix.
struct MixChoice {
    std::string address;  // mixtasy@fqdn
    MixModes modes;
};

struct RouteRequest {
    std::vector<std::string> chain;  // addresses and "*"; empty: `hops` times "*"
    std::size_t hops = kMinRouteLength;
    std::optional<std::string> exit;  // --exit: pins the last mix
    std::string recipient;            // the final recipient's address
    std::string sender_domain;        // the sender's provider; empty: unknown
    std::size_t parts = 1;
};

struct RouteError {
    PathError code;
    std::string detail;
};

// One route per part; all share the last mix.
Expected<std::vector<std::vector<std::string>>, RouteError> choose_routes(
    std::span<const MixChoice> mixes, const RouteRequest& request, Random& random);

// The domain of an address (after the last '@'), lower-case; empty if none.
std::string domain_of(std::string_view address);

}  // namespace mixtasy::core
