// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: seed 004's request parsers (core/publish/key_service.h),
// which read mail bodies from anyone.  Invariants checked: no crash; an
// accepted publication has a 32-byte K_auth and a key within the limit; an
// accepted retrieval has a 32-byte K_auth and an address with one '@'.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/publish/key_service.h"

using namespace mixtasy::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view body(reinterpret_cast<const char*>(data), size);
    KeyServiceLimits limits;
    limits.max_key_bytes = 4096;
    if (auto p = parse_key_publication(body, limits)) {
        if (p->auth.size() != kAuthKeyBytes || p->key.size() > limits.max_key_bytes) std::abort();
        (void)key_hmac(p->auth, p->key);
    }
    if (auto r = parse_key_retrieval(body, limits)) {
        if (r->auth.size() != kAuthKeyBytes) std::abort();
        if (r->address.find('@') == std::string::npos) std::abort();
    }
    return 0;
}
