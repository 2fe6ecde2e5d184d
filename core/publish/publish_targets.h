// SPDX-License-Identifier: BSD-2-Clause
// publish_targets.h - publishing a node's certificate once to every place
// configured: each keyserver by HKP upload, and the WKD tree.
//
// WHAT IT DOES
//   publish_to(http, target, cert) does one attempt at one target and says
//   how it went.  A keyserver gets the armored certificate (/pks/add); the
//   WKD target gets the whole tree rewritten (wkd.h) with the binary
//   certificate under the mix address of its user ID (mix_key.h).
//   all_targets(config) lists the targets in configuration order.
//
// WHAT IT GUARANTEES
//   Never throws.  An outcome's detail is one line naming the target, never
//   key material.  `temporary` is true when trying again later may help
//   (an unreachable server, a 5xx), false when it will not (a malformed
//   URL, a refused key, a certificate that is not a mix key).
//
// WHAT IT REFUSES
//   A certificate check_mix_key refuses, for WKD (it has no mix address to
//   file it under): a permanent failure.
#pragma once

#include <string>
#include <vector>

#include "core/ports/http.h"
#include "core/publish/hkp.h"
#include "crypto/key.h"

namespace mixtasy::core {

struct PublishTarget {
    enum class Kind { Keyserver, Wkd };
    Kind kind = Kind::Keyserver;
    HkpServer server;       // Keyserver
    std::string directory;  // Wkd: the document root the web server serves
    std::string name() const;
};

struct PublishConfig {
    std::vector<HkpServer> keyservers;
    std::string wkd_directory;  // empty: no WKD
};

struct PublishOutcome {
    bool ok = false;
    bool temporary = false;
    std::string detail;  // one line
};

std::vector<PublishTarget> all_targets(const PublishConfig& config);

PublishOutcome publish_to(HttpClient& http, const PublishTarget& target,
                          const crypto::Certificate& cert);

}  // namespace mixtasy::core
