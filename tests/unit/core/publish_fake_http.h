// SPDX-License-Identifier: BSD-2-Clause
// publish_fake_http.h - an HttpClient for the publication tests: records
// every request and answers from a table of URL -> response (or error).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "core/ports/http.h"

namespace mixtasy::core::testing {

class FakeHttp final : public HttpClient {
public:
    struct Request {
        std::string method, url;
        FormFields fields;
    };
    std::vector<Request> requests;
    std::map<std::string, HttpResponse> responses;  // by URL
    std::map<std::string, HttpError> errors;        // by URL
    HttpResponse fallback{404, "not found"};

    Expected<HttpResponse, HttpError> get(const std::string& url) override {
        requests.push_back({"GET", url, {}});
        return answer(url);
    }
    Expected<HttpResponse, HttpError> post_form(const std::string& url,
                                                const FormFields& fields) override {
        requests.push_back({"POST", url, fields});
        return answer(url);
    }

private:
    Expected<HttpResponse, HttpError> answer(const std::string& url) {
        if (auto e = errors.find(url); e != errors.end()) return Unexpected{e->second};
        if (auto r = responses.find(url); r != responses.end()) return r->second;
        return fallback;
    }
};

}  // namespace mixtasy::core::testing
