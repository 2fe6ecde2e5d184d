// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: what `mixtasy dir import --reply` and `dir request`
// read from outside or from disk (core/sender/key_request.h): a Key
// Retrieval reply mail from anyone (reply_body, then the body grammar and
// HMAC of core/publish/key_service.h, as cli/key_retrieval.cpp checks it),
// and the directory's key-requests file.  Invariants checked: no crash; a
// body lies inside the mail; a parsed requests file has at most
// kMaxKeyRequests entries, each a mixtasy@ address with a 44-character
// K_auth.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/publish/key_service.h"
#include "core/sender/key_request.h"

using namespace mixtasy;
using namespace mixtasy::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    if (auto body = reply_body(text)) {
        if (body->data() < text.data() || body->data() + body->size() > text.data() + text.size())
            std::abort();
        if (auto reply = parse_key_publication(*body)) {
            const AuthKey auth(kAuthKeyBytes, 0x5a);
            (void)key_hmac(auth, reply->key);
        }
    }
    const Instant now = from_unix(1'800'000'000);
    if (auto requests = KeyRequests::from_text("/nonexistent", text, now)) {
        if (requests->pending().size() > kMaxKeyRequests) std::abort();
        for (const auto& r : requests->pending())
            if (!r.address.starts_with("mixtasy@") || r.auth.size() != 44) std::abort();
    }
    return 0;
}
