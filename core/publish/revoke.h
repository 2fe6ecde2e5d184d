// SPDX-License-Identifier: BSD-2-Clause
// revoke.h - revoking the node's key or one of its subkeys, on the key
// files, with what must be published so keyservers learn it.
//
// WHAT IT DOES
//   revoke_subkey(home, fingerprint, now, rng): under the home's lock
//     (update_node_key), signs a subkey revocation (0x28) and removes the
//     subkey and its secret from the key files, so the node stops using it
//     at once.  Returns the armored certificate as it was plus the
//     revocation: uploading it makes a keyserver (which merges and never
//     deletes) mark its copy of the subkey revoked.
//   revoke_key(home, now, rng): signs a key revocation (0x20) and keeps it
//     in the key files, so public.asc carries it from now on (and the
//     daemon publishes it).  Returns the new armored public key.
//
// WHAT IT GUARANTEES
//   The key files change only when the signature was made; the returned
//   text is what crypto/ reads as revoked (parse_certificates).
//
// WHAT IT REFUSES (one-line reason)
//   A home that cannot be read or locked, a fingerprint that is not 40 hex
//   digits or names no subkey of the key, a key already revoked.
#pragma once

#include <filesystem>
#include <string>

#include "common/expected.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"

namespace mixtasy::core {

Expected<std::string, std::string> revoke_subkey(const std::filesystem::path& home,
                                                 const std::string& fingerprint_hex, Instant now,
                                                 Random& random);
Expected<std::string, std::string> revoke_key(const std::filesystem::path& home, Instant now,
                                              Random& random);

}  // namespace mixtasy::core
