// SPDX-License-Identifier: BSD-2-Clause
// hkp.h - talking to an HKP keyserver (draft-gallagher-openpgp-hkp, the
// successor of draft-shaw-openpgp-hkp): upload, search, get.
//
// WHAT IT DOES
//   parse_hkp_server("hkp://keys.example:11371") names a keyserver:
//   hkp:// is HTTP on port 11371 unless a port is given, hkps:// is HTTPS
//   on 443, and http:// / https:// are taken as they are.
//   hkp_upload   POST /pks/add, keytext=<armored key>  (the server merges)
//   hkp_search   GET /pks/lookup?op=index&options=mr&search=<query>, parsed
//                by hkp_index.h; a 404 is "nothing found", an empty list
//   hkp_get      GET /pks/lookup?op=get&options=mr&search=0x<key id>, the
//                armored key block(s) the server returns
//
// WHAT IT GUARANTEES
//   Every response is bounded by the HttpClient's limits and the index
//   limits; the query and key ID are %-encoded into the URL, never pasted.
//   Retrying is the caller's (publisher.h backs off); HkpError::temporary()
//   says whether a retry may help (transport failure, 5xx, 429).
//
// WHAT IT REFUSES
//   A server URL of another scheme, with a path, user info or a host of
//   characters outside letters, digits, '.', '-' (or a bracketed IPv6
//   literal), above 255 bytes (BadUrl).  A get whose body holds no public
//   key block (BadResponse).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "core/ports/http.h"
#include "core/publish/hkp_index.h"
#include "core/publish/percent_encode.h"

namespace mixtasy::core {

inline constexpr unsigned kHkpDefaultPort = 11371;

struct HkpServer {
    std::string base;  // "http://host:11371", "https://host": no trailing slash
    std::string name;  // as configured, for logs
};

struct HkpError {
    enum class Code {
        BadUrl,       // the server URL is not one we accept
        Transport,    // no response (HttpError inside detail)
        Status,       // a response, but not 2xx (status kept)
        BadResponse,  // a 2xx whose body is not what HKP promises
    };
    Code code = Code::Transport;
    long status = 0;
    std::string detail;  // one line, names the server, no key material
    bool transport_temporary = true;

    bool temporary() const noexcept;
};

const char* to_string(HkpError::Code code) noexcept;

Expected<HkpServer, HkpError> parse_hkp_server(std::string_view url);

Expected<void, HkpError> hkp_upload(HttpClient& http, const HkpServer& server,
                                    const std::string& armored_key);
Expected<std::vector<HkpIndexEntry>, HkpError> hkp_search(HttpClient& http, const HkpServer& server,
                                                          std::string_view query,
                                                          const HkpIndexLimits& limits = {});
Expected<std::string, HkpError> hkp_get(HttpClient& http, const HkpServer& server,
                                        std::string_view key_id);

}  // namespace mixtasy::core
