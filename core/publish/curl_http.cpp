// SPDX-License-Identifier: BSD-2-Clause
// curl_http.cpp - HttpClient over libcurl; see curl_http.h.
#include "core/publish/curl_http.h"

#include <memory>

#include <curl/curl.h>

#include "common/ascii.h"

namespace mixtasy::core {
namespace {

struct EasyDeleter {
    void operator()(CURL* h) const noexcept { curl_easy_cleanup(h); }
};
using Easy = std::unique_ptr<CURL, EasyDeleter>;

struct Sink {
    std::string body;
    std::size_t limit = 0;
    bool too_large = false;
};

// libcurl hands the body in pieces; returning less than it gave aborts the
// transfer, which is how the size limit stops a hostile server early.
std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
    auto* sink = static_cast<Sink*>(user);
    const std::size_t n = size * count;
    if (sink->body.size() + n > sink->limit) {
        sink->too_large = true;
        return 0;
    }
    sink->body.append(data, n);
    return n;
}

void init_curl_once() {
    static const bool done = [] {
        return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK;
    }();
    (void)done;
}

HttpError::Code code_of(CURLcode rc) {
    switch (rc) {
        case CURLE_OPERATION_TIMEDOUT: return HttpError::Code::Timeout;
        case CURLE_COULDNT_RESOLVE_HOST:
        case CURLE_COULDNT_RESOLVE_PROXY:
        case CURLE_COULDNT_CONNECT:
        case CURLE_SSL_CONNECT_ERROR:
        case CURLE_PEER_FAILED_VERIFICATION:
        case CURLE_SEND_ERROR:
        case CURLE_RECV_ERROR:
        case CURLE_GOT_NOTHING: return HttpError::Code::Unreachable;
        case CURLE_URL_MALFORMAT:
        case CURLE_UNSUPPORTED_PROTOCOL: return HttpError::Code::BadUrl;
        default: return HttpError::Code::Other;
    }
}

std::string form_encode(CURL* h, const FormFields& fields) {
    std::string out;
    for (const auto& [name, value] : fields) {
        if (!out.empty()) out += '&';
        std::unique_ptr<char, decltype(&curl_free)> n(
            curl_easy_escape(h, name.data(), static_cast<int>(name.size())), &curl_free);
        std::unique_ptr<char, decltype(&curl_free)> v(
            curl_easy_escape(h, value.data(), static_cast<int>(value.size())), &curl_free);
        if (!n || !v) return {};
        out += n.get();
        out += '=';
        out += v.get();
    }
    return out;
}

bool http_scheme(const std::string& url) {
    return ascii::istarts_with(url, "http://") || ascii::istarts_with(url, "https://");
}

}  // namespace

CurlHttpClient::CurlHttpClient(CurlHttpOptions options) : options_(std::move(options)) {
    init_curl_once();
}

Expected<HttpResponse, HttpError> CurlHttpClient::get(const std::string& url) {
    return perform(url, nullptr);
}

Expected<HttpResponse, HttpError> CurlHttpClient::post_form(const std::string& url,
                                                            const FormFields& fields) {
    Easy probe(curl_easy_init());
    if (!probe) return Unexpected{HttpError{HttpError::Code::Other, "curl_easy_init failed"}};
    const std::string form = form_encode(probe.get(), fields);
    return perform(url, &form);
}

Expected<HttpResponse, HttpError> CurlHttpClient::perform(const std::string& url,
                                                          const std::string* form) {
    if (!http_scheme(url))
        return Unexpected{HttpError{HttpError::Code::BadUrl, "not an http(s) URL"}};
    Easy h(curl_easy_init());
    if (!h) return Unexpected{HttpError{HttpError::Code::Other, "curl_easy_init failed"}};
    Sink sink;
    sink.limit = options_.limits.max_response_bytes;
    CURL* c = h.get();
    curl_easy_setopt(c, CURLOPT_URL, url.c_str());
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for timeouts
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_PROXY, options_.proxy.c_str());  // "" disables env proxies
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT,
                     static_cast<long>(options_.limits.connect_timeout.count()));
    curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.limits.total_timeout.count()));
    curl_easy_setopt(c, CURLOPT_USERAGENT, "mixtasy");
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, &on_body);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &sink);
    if (!options_.ca_file.empty()) curl_easy_setopt(c, CURLOPT_CAINFO, options_.ca_file.c_str());
    if (form) {
        curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(form->size()));
        curl_easy_setopt(c, CURLOPT_POSTFIELDS, form->c_str());
    }
    const CURLcode rc = curl_easy_perform(c);
    if (sink.too_large)
        return Unexpected{HttpError{HttpError::Code::TooLarge,
                                    "response above " + std::to_string(sink.limit) + " bytes"}};
    if (rc != CURLE_OK) return Unexpected{HttpError{code_of(rc), curl_easy_strerror(rc)}};
    HttpResponse response;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response.status);
    response.body = std::move(sink.body);
    return response;
}

}  // namespace mixtasy::core
