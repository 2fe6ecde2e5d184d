// SPDX-License-Identifier: BSD-2-Clause
// sed.h - the body of a Symmetrically Encrypted Data packet (tag 9).
//
// What it does
//   sed_encrypt_body: random prefix (block size), its last two bytes again
//   (the quick check), then the plaintext, in OpenPGP CFB with resync
//   (openpgp_cfb.h).  sed_decrypt_body: the inverse, returning the
//   plaintext after the prefix.
//
// Guarantees and refusals
//   - SED has no integrity protection: whoever knows nothing of the key can
//     still flip plaintext bits.  Mixtasy needs it anyway (seed 000 6.2.3);
//     the generic mail path treats it as "not integrity protected".
//   - The plaintext may be followed by garbage: with an indeterminate packet
//     length, padding appended after the packet decrypts to noise.  The
//     caller reads its first inner packet and ignores the rest.
//   - Refusals: unsupported cipher (unsupported_algorithm), a body shorter
//     than block + 2 (truncated), a quick-check mismatch, i.e. almost surely
//     a wrong session key (integrity_failed).
#pragma once

#include <botan/rng.h>

#include "common/bytes.h"
#include "crypto/error.h"
#include "crypto/session_key.h"

namespace mixtasy::crypto {

Result<Bytes> sed_encrypt_body(const SessionKey& sk, ByteView plaintext,
                               Botan::RandomNumberGenerator& rng);

Result<Bytes> sed_decrypt_body(const SessionKey& sk, ByteView body);

}  // namespace mixtasy::crypto
