// SPDX-License-Identifier: BSD-2-Clause
// mix_directory_refresh.h - the node's own view of the network (issue 12):
// the mixes its dummies cross and its next hops are checked against,
// refreshed from the keyservers and mix domains, as a sender's `mixtasy dir
// update` refreshes the sender's.
//
// WHAT IT DOES
//   refresh_known_mixes(sources, known_mixes, own_address, now) asks every
//   source for every mix key it offers (core/keys/key_source.h: HKP search
//   for `mixtasy@` and all keys found, a mix domain's WKD; seed 000 6.3.2),
//   validates each certificate as an imported file is (mix_key.h), and
//   replaces the known-mixes file (<Home>/mixes.asc) atomically with one
//   armored block per valid mix, which also marks the view fresh (its
//   modification time, node.h).  Per address:
//     - the key already on file is pinned: a different primary key for a
//       known address is refused, unless it comes from the mix domain's own
//       WKD, which outranks keyserver copies (directory.h's rule);
//     - of several copies of the pinned key the one with the newest
//       encryption subkey is kept (keyservers merge, WKD replaces);
//     - a mix no source offered this time stays while its key is valid: a
//       source that lost a key is not a reason to forget a mix.
//   The node's own address is never listed (a dummy never starts at the
//   node itself, issue 11 Low 2).
//   MixDirectoryRefresh is the daemon's thread: a refresh at start and
//   every `interval`, then `on_written` (the daemon reloads its known
//   mixes).
//
// WHAT IT GUARANTEES
//   When no source could be reached, or none offered a valid mix, the file
//   is left as it was (and so is its age: a stale view stays visibly stale;
//   a fresh empty view would refuse every next hop).  Never throws; a failing
//   source is one log line that names the source, never a mix.  The
//   thread stops within one HTTP timeout of the destructor.
//
// WHAT IT REFUSES
//   Keys that fail the mix key profile or the pin: counted in the report,
//   never written.  At most core::KeyRing::kMaxKeys mixes.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/expected.h"
#include "core/keys/key_source.h"
#include "core/node/node.h"
#include "core/ports/clock.h"

namespace mixtasy::milter {

// NodeOptions.known_mixes, or <home>/mixes.asc when it is not set (node.h).
std::string known_mixes_path(const core::NodeOptions& options);

struct RefreshReport {
    std::size_t sources_reached = 0;
    std::size_t sources_failed = 0;
    std::size_t mixes = 0;    // valid mixes written
    std::size_t refused = 0;  // certificates refused (profile, pin, own address)
};

Expected<RefreshReport, std::string> refresh_known_mixes(
    const std::vector<core::KeySource*>& sources, const std::string& known_mixes_path,
    const std::string& own_address, Instant now);

struct MixDirectorySources {
    std::vector<std::string> key_servers;  // KeyServer
    std::vector<std::string> mix_domains;  // MixDomains
    bool empty() const { return key_servers.empty() && mix_domains.empty(); }
};

class MixDirectoryRefresh {
public:
    // No thread when `sources` is empty or `interval` is zero.
    MixDirectoryRefresh(std::string known_mixes_path, std::string own_address,
                        MixDirectorySources sources, std::chrono::seconds interval,
                        std::function<void()> on_written);
    ~MixDirectoryRefresh();
    MixDirectoryRefresh(const MixDirectoryRefresh&) = delete;
    MixDirectoryRefresh& operator=(const MixDirectoryRefresh&) = delete;

private:
    void run(const MixDirectorySources& sources);
    void refresh_once(const std::vector<core::KeySource*>& sources);

    std::string path_;
    std::string own_address_;
    std::chrono::seconds interval_;
    std::function<void()> on_written_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace mixtasy::milter
