// SPDX-License-Identifier: BSD-2-Clause
// verification.cpp - see verification.h.
#include "core/format/verification.h"

#include <algorithm>

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mem_ops.h>

#include "core/format/mix_format.h"

namespace mixtasy::core {

std::string verification_hash(ByteView rest) {
    // SHA-1 is what the protocol fixes; Botan always provides it.
    auto sha1 = Botan::HashFunction::create_or_throw("SHA-1");
    sha1->update(rest.data(), std::min(rest.size(), kVerifiedSpan));
    const auto digest = sha1->final();
    return Botan::hex_encode(digest.data(), digest.size(), false);
}

bool verification_matches(std::string_view claimed, ByteView rest) {
    if (rest.size() < kVerifiedSpan || claimed.size() != 40) return false;
    const std::string computed = verification_hash(rest);
    return Botan::constant_time_compare(reinterpret_cast<const uint8_t*>(claimed.data()),
                                        reinterpret_cast<const uint8_t*>(computed.data()),
                                        computed.size());
}

}  // namespace mixtasy::core
