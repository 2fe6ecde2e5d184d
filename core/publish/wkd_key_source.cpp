// SPDX-License-Identifier: BSD-2-Clause
// wkd_key_source.cpp - a domain's WKD as a KeySource; see wkd_key_source.h.
#include "core/publish/wkd_key_source.h"

#include "core/publish/wkd.h"
#include "crypto/armor.h"

namespace mixtasy::core {
namespace {

FetchedKey armored(const std::string& where, const std::string& body) {
    return FetchedKey{KeyOrigin::Wkd, where,
                      crypto::armor_encode(as_bytes(body), crypto::kLabelPublicKey)};
}

}  // namespace

WkdKeySource::WkdKeySource(HttpClient& http, std::string domain, std::string local)
    : http_(http), domain_(std::move(domain)), local_(std::move(local)) {}

Expected<std::vector<FetchedKey>, KeySourceError> WkdKeySource::fetch_all() {
    const auto address = wkd_address(local_ + "@" + domain_);
    if (!address) return Unexpected{KeySourceError{where() + ": not a WKD address", false}};
    const WkdUrls urls = wkd_urls(*address);
    // Advanced first; the draft falls back to direct when its host is absent.
    auto advanced = http_.get(urls.advanced);
    if (advanced && advanced->status == 200 && !advanced->body.empty())
        return std::vector<FetchedKey>{armored(where(), advanced->body)};
    if (!advanced && !advanced.error().temporary())
        return Unexpected{KeySourceError{where() + ": " + advanced.error().detail, false}};
    auto direct = http_.get(urls.direct);
    if (!direct)
        return Unexpected{
            KeySourceError{where() + ": " + direct.error().detail, direct.error().temporary()}};
    if (direct->status == 404) return std::vector<FetchedKey>{};
    if (direct->status != 200 || direct->body.empty())
        return Unexpected{
            KeySourceError{where() + ": direct WKD answered " + std::to_string(direct->status),
                           direct->status >= 500}};
    return std::vector<FetchedKey>{armored(where(), direct->body)};
}

}  // namespace mixtasy::core
