// SPDX-License-Identifier: BSD-2-Clause
// key_rotation.h - the short-term encryption subkeys of seed 000 section 6.3
// over time: a successor at the half-life of the newest one, expired ones
// wiped.
//
// WHAT IT DOES
//   rotate_subkeys(key, now, validity, random), on a node's secret key:
//     1. removes every subkey expired (or revoked) at `now`, with its
//        secret: nothing may be decrypted with it any more (layer.h refuses
//        an expired subkey), and the wiped secret is the forward secrecy a
//        short-lived key exists for (crypto::remove_expired_subkeys);
//     2. adds an encryption subkey created at `now` and valid `validity`,
//        unless one we hold the secret of is valid and still before its
//        half-life (created + lifetime / 2 > now).  A subkey without expiry
//        never asks for a successor: its admin chose a permanent key.
//   maintain_key_home(home, now, validity, random): the same on the key
//     files, under the home's lock (update_node_key, key_home.h), saved only
//     when something changed, so public.asc carries the successor to
//     whatever publishes it.  Returns the key as it now stands.
//
// WHY HALF-LIFE
//   Senders encrypt to the newest valid subkey (valid_encryption_subkeys
//   lists newest first).  A successor published at half-life leaves a
//   message encrypted to the old subkey at least half a lifetime (one day by
//   default) to cross the pools before its key expires, and senders that
//   long to fetch the new key.
//
// GUARANTEES AND REFUSALS
//   Never throws.  At most one subkey is added per call; after a successful
//   call the key has an encryption subkey valid at `now`.  Refused: a
//   validity outside 1 s .. 2^32-1 s, a time before the primary key's
//   creation, an expired or revoked primary key; the key files' errors
//   (unreadable, unwritable home) come back as one-line reasons and leave
//   the files as they were.  Each refusal is a RotationError whose code
//   says which of these it was and whose detail is the one-line reason the
//   daemon logs and `mixtasy key rotate` prints (describe()).
#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "common/expected.h"
#include "core/keys/node_key.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "crypto/key.h"

namespace mixtasy::core {

struct RotationError {
    enum class Code {
        BadValidity,      // validity outside 1 s .. 2^32-1 s
        ClockOutOfRange,  // now before the primary key's creation, or past 2106
        PrimaryUnusable,  // the primary key is expired or revoked: a new key is needed
        KeyFiles,         // the key home could not be read, locked or written
        Crypto,           // making the new subkey failed
    };
    Code code = Code::Crypto;
    std::string detail;  // the whole one-line reason
};

const char* to_string(RotationError::Code code) noexcept;
std::string describe(const RotationError& error);  // the detail, for logs and the CLI

struct RotationReport {
    std::size_t added = 0;    // 0 or 1
    std::size_t removed = 0;  // expired or revoked subkeys wiped
    bool changed() const { return added + removed > 0; }
};

Expected<RotationReport, RotationError> rotate_subkeys(crypto::SecretCertificate& key, Instant now,
                                                       std::chrono::seconds validity,
                                                       Random& random);

struct MaintainedKey {
    crypto::SecretCertificate key;
    RotationReport report;
};

Expected<MaintainedKey, RotationError> maintain_key_home(const std::string& home, Instant now,
                                                         std::chrono::seconds validity,
                                                         Random& random);

}  // namespace mixtasy::core
