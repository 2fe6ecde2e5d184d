// SPDX-License-Identifier: BSD-2-Clause
// key_sources.cpp - see key_sources.h.
#include "cli/key_sources.h"

#include <algorithm>

#include "core/publish/curl_http.h"
#include "core/publish/hkp_key_source.h"
#include "core/publish/wkd_key_source.h"
#include "core/sender/file_key_source.h"

namespace mixtasy::cli {
namespace {

int import_rank(core::KeyOrigin origin) {
    switch (origin) {
        case core::KeyOrigin::Wkd: return 0;
        case core::KeyOrigin::File: return 1;
        case core::KeyOrigin::KeyService: return 2;
        case core::KeyOrigin::Keyserver: return 3;
    }
    return 4;
}

}  // namespace

ConfiguredSources configured_sources(const core::ClientConfig& config) {
    ConfiguredSources out;
    for (const auto& file : config.key_files)
        out.sources.push_back(std::make_unique<core::FileKeySource>(file));
    out.http = std::make_unique<core::CurlHttpClient>();
    for (const auto& url : config.key_servers) {
        auto server = core::parse_hkp_server(url);
        if (!server) {
            out.unavailable.push_back("KeyServer " + url + ": " + server.error().detail);
            continue;
        }
        out.sources.push_back(std::make_unique<core::HkpKeySource>(*out.http, std::move(*server)));
    }
    for (const auto& domain : config.mix_domains)
        out.sources.push_back(std::make_unique<core::WkdKeySource>(*out.http, domain));
    std::stable_sort(out.sources.begin(), out.sources.end(), [](const auto& a, const auto& b) {
        return import_rank(a->origin()) < import_rank(b->origin());
    });
    return out;
}

}  // namespace mixtasy::cli
