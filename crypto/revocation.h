// SPDX-License-Identifier: BSD-2-Clause
// revocation.h - revocation signatures by a certificate's primary key.
//
// WHAT IT DOES
//   sign_key_revocation(primary, created, rng) makes the key revocation
//   signature (type 0x20, RFC 9580 5.2.1.11) over the primary key alone,
//   as crypto/ makes every self-signature (signature.h: issuer subpackets,
//   SHA-256).  Subkey revocations (0x28) are bind_subkey with
//   SignatureType::SubkeyRevocation (signature.h).
//   with_subkey_revocation(cert, subkey, revocation) is the certificate in
//   binary with the revocation packet after that subkey's binding: what a
//   keyserver needs to merge the revocation into its copy (serialize()
//   writes only the newest binding of each subkey).
//
// WHAT IT GUARANTEES
//   The signature verifies with verify_direct (resp. verify_subkey), so
//   parse_certificates marks the key (resp. subkey) revoked.
//
// WHAT IT REFUSES
//   A primary key that cannot sign (unsupported_algorithm); a revocation
//   that is not a 0x28 or a subkey the certificate does not hold (bad_key).
#pragma once

#include <botan/rng.h>

#include "crypto/error.h"
#include "crypto/key.h"
#include "crypto/signature.h"

namespace mixtasy::crypto {

Result<Signature> sign_key_revocation(const SecretKey& primary, Timestamp created,
                                      Botan::RandomNumberGenerator& rng);

Result<Bytes> with_subkey_revocation(const Certificate& cert, const Fingerprint& subkey,
                                     const Signature& revocation);

}  // namespace mixtasy::crypto
