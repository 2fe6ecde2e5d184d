// SPDX-License-Identifier: BSD-2-Clause
// http.cpp - names of the HTTP port's error codes; see http.h.
#include "core/ports/http.h"

namespace mixtasy::core {

const char* to_string(HttpError::Code code) noexcept {
    switch (code) {
        case HttpError::Code::BadUrl: return "bad_url";
        case HttpError::Code::Unreachable: return "unreachable";
        case HttpError::Code::Timeout: return "timeout";
        case HttpError::Code::TooLarge: return "too_large";
        case HttpError::Code::Other: return "other";
    }
    return "other";
}

}  // namespace mixtasy::core
