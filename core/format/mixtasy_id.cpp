// SPDX-License-Identifier: BSD-2-Clause
// mixtasy_id.cpp - see mixtasy_id.h.
#include "core/format/mixtasy_id.h"

#include <array>
#include <cstdint>
#include <exception>

#include <botan/hash.h>
#include <botan/hex.h>
#include <botan/mem_ops.h>

namespace mixtasy::core {
namespace {

constexpr std::size_t kNonceBytes = 16;
constexpr std::size_t kNonceHex = 2 * kNonceBytes;
constexpr std::size_t kDigestHex = 64;
constexpr std::string_view kSuffix = "@mixtasy>";
constexpr std::size_t kBoundSize = 1 + kNonceHex + 1 + kDigestHex + kSuffix.size();

std::string digest_hex(const std::uint8_t* nonce, ByteView original) {
    static constexpr std::string_view label = "mixtasy-id-v1";
    auto sha = Botan::HashFunction::create_or_throw("SHA-256");
    sha->update(reinterpret_cast<const std::uint8_t*>(label.data()), label.size());
    sha->update(0);
    sha->update(nonce, kNonceBytes);
    sha->update(original.data(), original.size());
    const auto digest = sha->final();
    return Botan::hex_encode(digest.data(), digest.size(), false);
}

}  // namespace

std::string bound_mixtasy_id(ByteView original, Botan::RandomNumberGenerator& rng) {
    std::array<std::uint8_t, kNonceBytes> nonce{};
    rng.randomize(nonce.data(), nonce.size());
    return "<" + Botan::hex_encode(nonce.data(), nonce.size(), false) + "." +
           digest_hex(nonce.data(), original) + std::string(kSuffix);
}

IdBinding check_id_binding(std::string_view id, ByteView original) {
    if (id.size() != kBoundSize || id.front() != '<' || id[1 + kNonceHex] != '.' ||
        !id.ends_with(kSuffix))
        return IdBinding::Unbound;
    const std::string_view nonce_hex = id.substr(1, kNonceHex);
    const std::string_view claimed = id.substr(2 + kNonceHex, kDigestHex);
    std::array<std::uint8_t, kNonceBytes> nonce{};
    try {
        if (Botan::hex_decode(nonce.data(), nonce_hex.data(), nonce_hex.size(), false) !=
            kNonceBytes)
            return IdBinding::Unbound;
    } catch (const std::exception&) {
        return IdBinding::Unbound;  // not hex: an id of another form
    }
    if (Botan::hex_encode(nonce.data(), nonce.size(), false) != nonce_hex)
        return IdBinding::Unbound;
    const std::string computed = digest_hex(nonce.data(), original);
    const bool same = Botan::constant_time_compare(
        reinterpret_cast<const std::uint8_t*>(claimed.data()),
        reinterpret_cast<const std::uint8_t*>(computed.data()), kDigestHex);
    return same ? IdBinding::Matches : IdBinding::Mismatch;
}

}  // namespace mixtasy::core
