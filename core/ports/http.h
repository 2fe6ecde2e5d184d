// SPDX-License-Identifier: BSD-2-Clause
// http.h - the HTTP that key publication and discovery need: GET a URL, POST
// a form, read back a status and a body.
//
// WHAT IT DOES
//   HttpClient::get(url) and post_form(url, fields) perform one request and
//   return the final status code and the response body.  Fields are sent as
//   application/x-www-form-urlencoded; the implementation encodes them.
//   core/publish/curl_http.h implements it over libcurl; tests give fakes.
//
// WHAT IT GUARANTEES
//   - Every request is bounded by HttpLimits: a body above
//     max_response_bytes is refused (TooLarge) as soon as it is seen, never
//     truncated silently; connecting and the whole transfer each have a
//     timeout.
//   - Any status is a response (a 404 is not an error here); the caller
//     decides what a status means.  Only a request that got no complete
//     response is an HttpError.
//   - Never throws.
//
// WHAT IT REFUSES
//   URLs other than http:// and https:// (BadUrl); redirects are not
//   followed (a keyserver or WKD that redirects is answered as its status).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "common/expected.h"

namespace mixtasy::core {

struct HttpLimits {
    std::size_t max_response_bytes = 8u << 20;  // a keyserver's index or a key: far below
    std::chrono::seconds connect_timeout{15};
    std::chrono::seconds total_timeout{60};
};

struct HttpResponse {
    long status = 0;
    std::string body;
};

struct HttpError {
    enum class Code {
        BadUrl,       // not http(s)://, or unparsable: trying again will not help
        Unreachable,  // resolve, connect or TLS failed
        Timeout,      // connect_timeout or total_timeout passed
        TooLarge,     // the body passed max_response_bytes
        Other,        // anything else the transport reports
    };
    Code code = Code::Other;
    std::string detail;  // one line, names the URL's host, no secrets

    bool temporary() const noexcept { return code != Code::BadUrl && code != Code::TooLarge; }
};

const char* to_string(HttpError::Code code) noexcept;

using FormFields = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
public:
    virtual ~HttpClient() = default;
    virtual Expected<HttpResponse, HttpError> get(const std::string& url) = 0;
    virtual Expected<HttpResponse, HttpError> post_form(const std::string& url,
                                                        const FormFields& fields) = 0;
};

}  // namespace mixtasy::core
