// SPDX-License-Identifier: BSD-2-Clause
// key_rotation.cpp - see key_rotation.h.
#include "core/keys/key_rotation.h"

#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <utility>

#include "core/keys/key_home.h"
#include "core/ports/random.h"
#include "crypto/keygen.h"

namespace mixtasy::core {
namespace {

// A subkey we can decrypt with that needs no successor yet.
bool before_half_life(const crypto::SecretCertificate& key, const crypto::Subkey& sub,
                      crypto::Timestamp now) {
    if (key.find_subkey(sub.key.fingerprint) == nullptr) return false;
    if (!sub.expires) return true;
    const std::uint64_t lifetime = *sub.expires - sub.key.created;
    return std::uint64_t{sub.key.created} + lifetime / 2 > now;
}

Unexpected<RotationError> refuse(RotationError::Code code, std::string detail) {
    return Unexpected{RotationError{code, std::move(detail)}};
}

bool needs_successor(const crypto::SecretCertificate& key, crypto::Timestamp now) {
    for (const crypto::Subkey* sub :
         crypto::valid_encryption_subkeys(key.cert, crypto::from_timestamp(now))) {
        if (before_half_life(key, *sub, now)) return false;
    }
    return true;
}

}  // namespace

const char* to_string(RotationError::Code code) noexcept {
    switch (code) {
        case RotationError::Code::BadValidity: return "bad-validity";
        case RotationError::Code::ClockOutOfRange: return "clock-out-of-range";
        case RotationError::Code::PrimaryUnusable: return "primary-unusable";
        case RotationError::Code::KeyFiles: return "key-files";
        case RotationError::Code::Crypto: return "crypto";
    }
    return "unknown";
}

std::string describe(const RotationError& error) { return error.detail; }

Expected<RotationReport, RotationError> rotate_subkeys(crypto::SecretCertificate& key, Instant now,
                                                       std::chrono::seconds validity,
                                                       Random& random) {
    if (validity.count() < 1 || validity.count() > std::numeric_limits<std::uint32_t>::max()) {
        return refuse(RotationError::Code::BadValidity,
                      "subkey validity must be between 1 second and 2^32-1 seconds");
    }
    const std::int64_t unix_now = to_unix(now);
    if (unix_now < key.cert.primary.created ||
        unix_now > std::numeric_limits<std::uint32_t>::max()) {
        return refuse(RotationError::Code::ClockOutOfRange,
                      "the clock is before the node key's creation or past 2106");
    }
    const auto t = static_cast<crypto::Timestamp>(unix_now);
    if (!key.cert.valid_at(t)) {
        // No subkey of it would be valid either: adding one per call would
        // only grow the key towards crypto's subkey limit.
        return refuse(RotationError::Code::PrimaryUnusable,
                      "the node's primary key is expired or revoked; it needs a new key");
    }
    try {
        RotationReport report;
        report.removed = crypto::remove_expired_subkeys(key, t);
        if (needs_successor(key, t)) {
            auto added = crypto::add_encryption_subkey(
                key, t, static_cast<std::uint32_t>(validity.count()), random);
            if (!added)
                return refuse(RotationError::Code::Crypto,
                              "new subkey: " + crypto::describe(added.error()));
            report.added = 1;
        }
        return report;
    } catch (const std::exception& e) {
        return refuse(RotationError::Code::Crypto,
                      std::string("subkey rotation failed: ") + e.what());
    }
}

Expected<MaintainedKey, RotationError> maintain_key_home(const std::string& home, Instant now,
                                                         std::chrono::seconds validity,
                                                         Random& random) {
    RotationReport report;
    std::optional<RotationError> refused;
    auto key = update_node_key(home, [&](crypto::SecretCertificate& k) {
        auto rotated = rotate_subkeys(k, now, validity, random);
        if (!rotated) {
            refused = rotated.error();
            return false;
        }
        report = *rotated;
        return report.changed();
    });
    if (!key)
        return refuse(RotationError::Code::KeyFiles, "node key: " + crypto::describe(key.error()));
    if (refused) return Unexpected{std::move(*refused)};
    return MaintainedKey{std::move(*key), report};
}

}  // namespace mixtasy::core
