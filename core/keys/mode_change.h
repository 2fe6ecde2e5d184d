// SPDX-License-Identifier: BSD-2-Clause
// mode_change.h - a node's modes changed without a new long-term key.
//
// WHAT IT DOES
//   change_modes(home, modes, now, random): under the home's lock
//     (update_node_key), certifies a new user ID with the same name and
//     address and the new "mixtasy-mode:" comment (primary, as keygen makes
//     it), and revokes the old one with a certification revocation (0x30).
//     The primary key and every subkey stay.  Both key files carry the
//     revoked user ID with its revocation (crypto/key.h RevokedUserId), so
//     whatever publishes public.asc (the daemon's key publisher, `mixtasy
//     key publish`) gives keyservers, which merge and never delete, the
//     revocation together with the new user ID.
//
// WHAT IT GUARANTEES
//   The key files change only when both signatures were made; the result
//   has exactly one valid user ID, so check_mix_key accepts it (a mix key
//   has one user ID) and reads the new modes from it.
//
// WHAT IT REFUSES (one-line reason)
//   A home that cannot be read or locked, modes that node_user_id refuses
//   (unknown, repeated, none), modes equal to the key's (nothing to change),
//   a revoked key.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "common/expected.h"
#include "common/time.h"
#include "core/ports/random.h"
#include "crypto/key.h"

namespace mixtasy::core {

struct ModeChange {
    std::string old_user_id;
    std::string new_user_id;
    crypto::SecretCertificate key;  // as saved
};

Expected<ModeChange, std::string> change_modes(const std::filesystem::path& home,
                                               const std::vector<std::string>& modes, Instant now,
                                               Random& random);

}  // namespace mixtasy::core
