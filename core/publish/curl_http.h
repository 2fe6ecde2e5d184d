// SPDX-License-Identifier: BSD-2-Clause
// curl_http.h - HttpClient over libcurl.
//
// WHAT IT DOES
//   One easy handle per request (no shared state between threads), GET or
//   a url-encoded POST form, HTTP/1.1, no redirects, no cookies, no proxy
//   from the environment: a proxy (a Tor SOCKS proxy for anonymous
//   retrieval, seed 000 6.3.2 footnote 1) is only ever the explicit `proxy`.
//
// WHAT IT GUARANTEES
//   HttpLimits as http.h says: the write callback refuses the byte that
//   would pass max_response_bytes, so a hostile server cannot fill memory.
//   TLS peers are verified (libcurl's defaults); `ca_file` replaces the
//   system store, which is how tests trust their own CA.
//
// WHAT IT REFUSES
//   Schemes other than http and https (BadUrl), before any connection.
#pragma once

#include <string>

#include "core/ports/http.h"

namespace mixtasy::core {

struct CurlHttpOptions {
    HttpLimits limits{};
    std::string ca_file;  // empty: the system's trust store
    std::string proxy;    // empty: none, e.g. "socks5h://127.0.0.1:9050"
};

class CurlHttpClient final : public HttpClient {
public:
    explicit CurlHttpClient(CurlHttpOptions options = {});
    Expected<HttpResponse, HttpError> get(const std::string& url) override;
    Expected<HttpResponse, HttpError> post_form(const std::string& url,
                                                const FormFields& fields) override;

private:
    Expected<HttpResponse, HttpError> perform(const std::string& url, const std::string* form);
    CurlHttpOptions options_;
};

}  // namespace mixtasy::core
