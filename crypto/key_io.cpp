// SPDX-License-Identifier: BSD-2-Clause
// key_io.cpp - keys to and from armor; see key_io.h.
#include "crypto/key_io.h"

#include <botan/mem_ops.h>

#include "crypto/armor.h"

namespace mixtasy::crypto {
namespace {

template <typename T>
Result<T> exactly_one(Result<std::vector<T>> all) {
    if (!all) return Unexpected{all.error()};
    if (all->size() != 1)
        return fail(ErrorCode::BadKey, 0,
                    "expected exactly one key, found " + std::to_string(all->size()));
    return std::move(all->front());
}

}  // namespace

std::string export_public(const Certificate& cert) {
    return armor_encode(serialize(cert), kLabelPublicKey);
}

std::string export_secret(const SecretCertificate& key) {
    const auto binary = serialize(key);
    return armor_encode(binary, kLabelPrivateKey);
}

Result<Certificate> read_certificate(ByteView input) {
    MIXTASY_TRY(binary, to_binary(input));
    return exactly_one(parse_certificates(*binary));
}

Result<SecretCertificate> read_secret_certificate(ByteView input) {
    MIXTASY_TRY(binary, to_binary(input));
    auto key = exactly_one(parse_secret_certificates(*binary));
    Botan::secure_scrub_memory(binary->data(), binary->size());
    return key;
}

}  // namespace mixtasy::crypto
