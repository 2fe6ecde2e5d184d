// SPDX-License-Identifier: BSD-2-Clause
// seipd.h - the body of a Sym. Encrypted Integrity Protected Data packet
// (tag 18), version 1: CFB + MDC (RFC 4880 5.13).
//
// What it does
//   seipd_encrypt_body: 0x01 || CFB(zero IV; prefix || quick check ||
//   plaintext || D3 14 || SHA-1(prefix .. D3 14)).
//   seipd_decrypt_body: the inverse; returns the plaintext only after the
//   MDC packet matched (constant-time compare of all 22 bytes).
//
// Guarantees and refusals
//   - No plaintext is returned unless the MDC verified: a flipped bit
//     anywhere in the body is integrity_failed.  The quick check is not
//     looked at (it would be an oracle); the MDC decides.
//   - Version other than 1 (v2 AEAD of RFC 9580): unsupported_version.
//     Unsupported cipher: unsupported_algorithm.  A body too short to hold
//     prefix and MDC: truncated.
#pragma once

#include <botan/rng.h>

#include "common/bytes.h"
#include "crypto/error.h"
#include "crypto/session_key.h"

namespace mixtasy::crypto {

Result<Bytes> seipd_encrypt_body(const SessionKey& sk, ByteView plaintext,
                                 Botan::RandomNumberGenerator& rng);

Result<Bytes> seipd_decrypt_body(const SessionKey& sk, ByteView body);

}  // namespace mixtasy::crypto
