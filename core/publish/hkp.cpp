// SPDX-License-Identifier: BSD-2-Clause
// hkp.cpp - an HKP keyserver client; see hkp.h.
#include "core/publish/hkp.h"

#include <charconv>

#include "common/ascii.h"

namespace mixtasy::core {
namespace {

constexpr std::size_t kMaxServerUrl = 255;
constexpr std::string_view kKeyBlock = "-----BEGIN PGP PUBLIC KEY BLOCK-----";

Unexpected<HkpError> fail(HkpError::Code code, const std::string& detail, long status = 0) {
    return Unexpected{HkpError{code, status, detail, true}};
}

bool host_char(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
           c == '-';
}

bool valid_host(std::string_view host) {
    if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
        for (char c : host.substr(1, host.size() - 2))
            if (!(host_char(c) || c == ':')) return false;
        return true;
    }
    if (host.empty()) return false;
    for (char c : host)
        if (!host_char(c)) return false;
    return true;
}

// Splits "host[:port]" where host may be a bracketed IPv6 literal.
bool split_authority(std::string_view a, std::string_view& host, std::string_view& port) {
    const std::size_t close = a.rfind(']');
    const std::size_t colon = a.rfind(':');
    if (colon != std::string_view::npos && (close == std::string_view::npos || colon > close)) {
        host = a.substr(0, colon);
        port = a.substr(colon + 1);
        unsigned v = 0;
        const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), v);
        return ec == std::errc{} && end == port.data() + port.size() && v >= 1 && v <= 65535;
    }
    host = a;
    port = {};
    return true;
}

Expected<HttpResponse, HkpError> checked(Expected<HttpResponse, HttpError> r,
                                         const HkpServer& server) {
    if (!r) {
        HkpError e{HkpError::Code::Transport, 0,
                   server.name + ": " + to_string(r.error().code) + ": " + r.error().detail,
                   r.error().temporary()};
        return Unexpected{e};
    }
    return std::move(*r);
}

}  // namespace

bool HkpError::temporary() const noexcept {
    switch (code) {
        case Code::BadUrl: return false;
        case Code::Transport: return transport_temporary;
        case Code::Status: return status >= 500 || status == 429 || status == 408;
        case Code::BadResponse: return false;
    }
    return false;
}

const char* to_string(HkpError::Code code) noexcept {
    switch (code) {
        case HkpError::Code::BadUrl: return "bad_url";
        case HkpError::Code::Transport: return "transport";
        case HkpError::Code::Status: return "status";
        case HkpError::Code::BadResponse: return "bad_response";
    }
    return "transport";
}

Expected<HkpServer, HkpError> parse_hkp_server(std::string_view url) {
    const std::string shown(url.substr(0, std::min<std::size_t>(url.size(), 64)));
    if (url.size() > kMaxServerUrl) return fail(HkpError::Code::BadUrl, "keyserver URL too long");
    struct Scheme {
        std::string_view prefix, http;
        unsigned default_port;
    };
    static constexpr Scheme kSchemes[] = {
        {"hkp://", "http://", kHkpDefaultPort},
        {"hkps://", "https://", 0},
        {"http://", "http://", 0},
        {"https://", "https://", 0},
    };
    for (const Scheme& s : kSchemes) {
        if (!ascii::istarts_with(url, s.prefix)) continue;
        std::string_view rest = url.substr(s.prefix.size());
        if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
        std::string_view host, port;
        if (rest.find_first_of("/@?#") != std::string_view::npos ||
            !split_authority(rest, host, port) || !valid_host(host))
            return fail(HkpError::Code::BadUrl, shown + ": not a keyserver host[:port]");
        std::string base = std::string(s.http) + ascii::lower(host);
        if (!port.empty()) base += ":" + std::string(port);
        else if (s.default_port) base += ":" + std::to_string(s.default_port);
        return HkpServer{base, std::string(url)};
    }
    return fail(HkpError::Code::BadUrl, shown + ": not hkp://, hkps://, http:// or https://");
}

Expected<void, HkpError> hkp_upload(HttpClient& http, const HkpServer& server,
                                    const std::string& armored_key) {
    MIXTASY_TRY(
        r, checked(http.post_form(server.base + "/pks/add", {{"keytext", armored_key}}), server));
    if (r->status < 200 || r->status > 299)
        return fail(HkpError::Code::Status,
                    server.name + ": upload answered " + std::to_string(r->status), r->status);
    return {};
}

Expected<std::vector<HkpIndexEntry>, HkpError> hkp_search(HttpClient& http, const HkpServer& server,
                                                          std::string_view query,
                                                          const HkpIndexLimits& limits) {
    const std::string url =
        server.base + "/pks/lookup?op=index&options=mr&search=" + percent_encode(query);
    MIXTASY_TRY(r, checked(http.get(url), server));
    if (r->status == 404) return std::vector<HkpIndexEntry>{};
    if (r->status < 200 || r->status > 299)
        return fail(HkpError::Code::Status,
                    server.name + ": search answered " + std::to_string(r->status), r->status);
    auto index = parse_hkp_index(r->body, limits);
    if (!index)
        return fail(HkpError::Code::BadResponse, server.name + ": index line " +
                                                     std::to_string(index.error().line) + ": " +
                                                     index.error().detail);
    return std::move(*index);
}

Expected<std::string, HkpError> hkp_get(HttpClient& http, const HkpServer& server,
                                        std::string_view key_id) {
    const std::string url =
        server.base + "/pks/lookup?op=get&options=mr&search=0x" + percent_encode(key_id);
    MIXTASY_TRY(r, checked(http.get(url), server));
    if (r->status < 200 || r->status > 299)
        return fail(HkpError::Code::Status,
                    server.name + ": get answered " + std::to_string(r->status), r->status);
    if (r->body.find(kKeyBlock) == std::string::npos)
        return fail(HkpError::Code::BadResponse, server.name + ": get returned no key block");
    return std::move(r->body);
}

}  // namespace mixtasy::core
