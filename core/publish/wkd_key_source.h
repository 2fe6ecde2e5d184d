// SPDX-License-Identifier: BSD-2-Clause
// wkd_key_source.h - one mix domain's Web Key Directory as a KeySource
// (core/keys/key_source.h).
//
// WHAT IT DOES
//   fetch_all() asks for the key of `local@domain` (mixtasy@<domain> by
//   default) at the advanced URL (openpgpkey.<domain>) first and, when that
//   host cannot be reached or has no key (404), at the direct URL (wkd.h).
//   The binary key the server returns comes back armored, one FetchedKey,
//   origin Wkd, where "wkd:<domain>".
//
// WHAT IT GUARANTEES
//   Each response is bounded by the HttpClient's limits; the body is
//   armored as it came, never parsed here (the caller's validator judges
//   it, key_source.h).  No key at either URL is an empty list, not an error.
//
// WHAT IT REFUSES
//   An address WKD cannot name (KeySourceError, not temporary).  A
//   transport failure of the direct URL, or a status other than 200/404
//   there: KeySourceError, temporary unless the request itself was bad.
#pragma once

#include <string>

#include "core/keys/key_source.h"
#include "core/ports/http.h"

namespace mixtasy::core {

class WkdKeySource final : public KeySource {
public:
    WkdKeySource(HttpClient& http, std::string domain, std::string local = "mixtasy");
    KeyOrigin origin() const override { return KeyOrigin::Wkd; }
    std::string where() const override { return "wkd:" + domain_; }
    Expected<std::vector<FetchedKey>, KeySourceError> fetch_all() override;

private:
    HttpClient& http_;
    std::string domain_;
    std::string local_;
};

}  // namespace mixtasy::core
