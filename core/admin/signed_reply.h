// SPDX-License-Identifier: BSD-2-Clause
// signed_reply.h - a remailer-* reply signed with the node key, as a
// cleartext signed message (RFC 9580 section 7; Mixmaster v2 section 7
// asks for signed replies).
//
// WHAT IT DOES
//   clearsign(signer, text, created, rng) returns
//       -----BEGIN PGP SIGNED MESSAGE-----
//       Hash: SHA256
//
//       <text, dash-escaped>
//       -----BEGIN PGP SIGNATURE-----
//       ...
//   with a text signature (0x01) by `signer` (the node's primary key) over
//   the canonical text: every line without trailing blanks, CRLF between
//   lines, the last line break left out (RFC 9580 7.2).
//
// WHAT IT GUARANTEES
//   gpg --verify accepts it (admin_signed_reply_test).  Lines end in CRLF.
//   No new primitive: crypto::sign_data makes the signature.
//
// WHAT IT REFUSES
//   A signer that cannot sign: the crypto error's one-line description.
#pragma once

#include <string>
#include <string_view>

#include <botan/rng.h>

#include "common/expected.h"
#include "crypto/key_packet.h"
#include "crypto/packet.h"

namespace mixtasy::core {

Expected<std::string, std::string> clearsign(const crypto::SecretKey& signer, std::string_view text,
                                             crypto::Timestamp created,
                                             Botan::RandomNumberGenerator& rng);

}  // namespace mixtasy::core
