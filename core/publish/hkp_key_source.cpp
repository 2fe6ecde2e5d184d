// SPDX-License-Identifier: BSD-2-Clause
// hkp_key_source.cpp - a keyserver as a KeySource; see hkp_key_source.h.
#include "core/publish/hkp_key_source.h"

namespace mixtasy::core {
namespace {

KeySourceError source_error(const HkpError& e) { return KeySourceError{e.detail, e.temporary()}; }

}  // namespace

HkpKeySource::HkpKeySource(HttpClient& http, HkpServer server, std::string search,
                           std::size_t max_keys)
    : http_(http), server_(std::move(server)), search_(std::move(search)), max_keys_(max_keys) {}

Expected<std::vector<FetchedKey>, KeySourceError> HkpKeySource::fetch_all() {
    HkpIndexLimits limits;
    limits.max_entries = max_keys_;
    auto index = hkp_search(http_, server_, search_, limits);
    if (!index) return Unexpected{source_error(index.error())};
    std::vector<FetchedKey> out;
    for (const HkpIndexEntry& entry : *index) {
        auto key = hkp_get(http_, server_, entry.key_id);
        if (!key && key.error().code == HkpError::Code::Status && key.error().status == 404)
            continue;
        if (!key) return Unexpected{source_error(key.error())};
        out.push_back(FetchedKey{KeyOrigin::Keyserver, server_.name, std::move(*key)});
    }
    return out;
}

}  // namespace mixtasy::core
