// SPDX-License-Identifier: BSD-2-Clause
// hkp_key_source.h - a keyserver as a KeySource (core/keys/key_source.h):
// every key that answers a search for the mix address scheme.
//
// WHAT IT DOES
//   fetch_all() searches the keyserver's machine-readable index for
//   `search` ("mixtasy@" by default: every mix's user ID holds
//   mixtasy@<fqdn>, seed 000 6.3.2), then gets each key the index lists,
//   one FetchedKey per key, origin Keyserver, where = the server as named.
//
// WHAT IT GUARANTEES
//   Every key found is fetched, in index order, whatever the caller means
//   to use: what is fetched never depends on a path (seed 000 6.3.2).  At
//   most max_keys keys (more is refused, not truncated: a truncated view
//   would be a server-chosen view), each response bounded by the
//   HttpClient's limits.  Entries the index marks revoked are fetched too;
//   the caller's validator judges every key.
//
// WHAT IT REFUSES
//   A keyserver that cannot be reached or answers badly: KeySourceError,
//   temporary as HkpError::temporary() says.  A key the index lists that
//   the server then does not have (404) is skipped: servers race their own
//   merges.
#pragma once

#include <cstddef>
#include <string>

#include "core/keys/key_source.h"
#include "core/ports/http.h"
#include "core/publish/hkp.h"

namespace mixtasy::core {

inline constexpr const char* kMixAddressSearch = "mixtasy@";

class HkpKeySource final : public KeySource {
public:
    HkpKeySource(HttpClient& http, HkpServer server, std::string search = kMixAddressSearch,
                 std::size_t max_keys = 1000);
    KeyOrigin origin() const override { return KeyOrigin::Keyserver; }
    std::string where() const override { return server_.name; }
    Expected<std::vector<FetchedKey>, KeySourceError> fetch_all() override;

private:
    HttpClient& http_;
    HkpServer server_;
    std::string search_;
    std::size_t max_keys_;
};

}  // namespace mixtasy::core
