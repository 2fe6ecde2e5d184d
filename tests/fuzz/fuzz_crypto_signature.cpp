// SPDX-License-Identifier: BSD-2-Clause
// fuzz_crypto_signature - signature parsing and verification on arbitrary
// bytes against a fixed Ed25519 key (the RFC 9580 A.1 sample key).
#include <cstddef>
#include <cstdint>

#include "crypto/signature.h"

namespace {
const mixtasy::crypto::PublicKey& sample_key() {
    static const mixtasy::crypto::PublicKey key = [] {
        const mixtasy::Bytes body{0x04, 0x53, 0xf3, 0x5f, 0x0b, 0x16, 0x09, 0x2b, 0x06, 0x01, 0x04,
                                  0x01, 0xda, 0x47, 0x0f, 0x01, 0x01, 0x07, 0x40, 0x3f, 0x09, 0x89,
                                  0x94, 0xbd, 0xd9, 0x16, 0xed, 0x40, 0x53, 0x19, 0x79, 0x34, 0xe4,
                                  0xa8, 0x7c, 0x80, 0x73, 0x3a, 0x12, 0x80, 0xd6, 0x2f, 0x80, 0x10,
                                  0x99, 0x2e, 0x43, 0xee, 0x3b, 0x24, 0x06};
        return *mixtasy::crypto::parse_public_key(body);
    }();
    return key;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mixtasy::crypto;
    auto sig = parse_signature(mixtasy::ByteView(data, size));
    if (!sig) return 0;
    const mixtasy::Bytes text{'O', 'p', 'e', 'n', 'P', 'G', 'P'};
    (void)verify_data(*sig, sample_key(), text);
    (void)verify_user_id(*sig, sample_key(), text);
    (void)verify_subkey(*sig, sample_key(), sample_key());
    (void)verify_direct(*sig, sample_key());
    return 0;
}
