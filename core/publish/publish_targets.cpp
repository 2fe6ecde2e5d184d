// SPDX-License-Identifier: BSD-2-Clause
// publish_targets.cpp - one attempt at one publication target; see
// publish_targets.h.
#include "core/publish/publish_targets.h"

#include "core/keys/mix_key.h"
#include "core/publish/wkd.h"
#include "crypto/key_io.h"

namespace mixtasy::core {
namespace {

PublishOutcome to_keyserver(HttpClient& http, const HkpServer& server,
                            const crypto::Certificate& cert) {
    auto up = hkp_upload(http, server, crypto::export_public(cert));
    if (!up) return PublishOutcome{false, up.error().temporary(), up.error().detail};
    return PublishOutcome{true, false, server.name + ": uploaded"};
}

PublishOutcome to_wkd(const std::string& directory, const crypto::Certificate& cert) {
    auto mix = check_mix_key(cert);
    if (!mix) return PublishOutcome{false, false, "wkd: not a mix key: " + describe(mix.error())};
    auto written = write_wkd_tree(directory, {WkdKey{mix->address, crypto::serialize(cert)}});
    if (!written) return PublishOutcome{false, true, "wkd: " + written.error().detail};
    return PublishOutcome{true, false, "wkd: tree written for " + mix->address};
}

}  // namespace

std::string PublishTarget::name() const {
    return kind == Kind::Keyserver ? server.name : "wkd:" + directory;
}

std::vector<PublishTarget> all_targets(const PublishConfig& config) {
    std::vector<PublishTarget> out;
    for (const HkpServer& s : config.keyservers)
        out.push_back(PublishTarget{PublishTarget::Kind::Keyserver, s, {}});
    if (!config.wkd_directory.empty())
        out.push_back(PublishTarget{PublishTarget::Kind::Wkd, {}, config.wkd_directory});
    return out;
}

PublishOutcome publish_to(HttpClient& http, const PublishTarget& target,
                          const crypto::Certificate& cert) {
    if (target.kind == PublishTarget::Kind::Keyserver)
        return to_keyserver(http, target.server, cert);
    return to_wkd(target.directory, cert);
}

}  // namespace mixtasy::core
