// SPDX-License-Identifier: BSD-2-Clause
// fuzz_crypto_key - certificate and secret key parsing on arbitrary bytes;
// what parses must serialize and parse again to the same fingerprints.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "crypto/key.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mixtasy::crypto;
    const mixtasy::ByteView input(data, size);
    KeyLimits limits;
    limits.packets.max_packet_size = 1 << 20;
    if (auto certs = parse_certificates(input, limits)) {
        for (const auto& c : *certs) {
            auto again = parse_certificates(serialize(c), limits);
            if (!again || again->size() != 1 || again->front().fingerprint() != c.fingerprint() ||
                again->front().subkeys.size() != c.subkeys.size())
                std::abort();
        }
    }
    if (auto tsks = parse_secret_certificates(input, limits)) {
        for (const auto& t : *tsks) {
            auto bytes = serialize(t);
            auto again = parse_secret_certificates(bytes, limits);
            if (!again || again->front().primary.ecc_secret != t.primary.ecc_secret) std::abort();
        }
    }
    (void)parse_public_key(input);
    (void)parse_secret_key(input);
    return 0;
}
