// SPDX-License-Identifier: BSD-2-Clause
// layer.h - one OpenPGP layer of an intermediate mix message (seed 000
// 6.2.3, DESIGN.md section 4): sealing it at creation, opening it at a mix.
//
// WHAT IT DOES
//   seal_layer(inner, subkey, random) wraps the complete next message
//   `inner` in a literal data packet of old-format indeterminate length and
//   encrypts it to one public subkey as PKESK + SED (tag 9: no MDC, no
//   compression, old-format indeterminate length).  Padding appended to the
//   result later becomes part of the SED body and, once decrypted, of the
//   literal contents: the real length stays hidden until the final mix.
//   open_layer(body, key, now) decrypts a binary layer with the subkeys of
//   `key` that are valid encryption subkeys at `now` and returns the
//   literal contents (next message + decrypted padding) together with the
//   expiry of the subkey that opened it (for the replay cache, 6.4.2).
//   pad_body(body, size, random) appends random bytes up to `size`.
//
// WHAT IT GUARANTEES
//   Never throws; every crypto failure is a LayerError.  Expired, revoked or
//   not-yet-valid subkeys are never tried, so a layer for an expired subkey
//   is "no-valid-subkey" like a layer for somebody else.  Nor are subkeys
//   without an expiry: the replay window of 6.4.2 lasts until the opening
//   subkey expires, so subkey_expires is always that subkey's real, finite
//   expiry and never a guess.
//
// WHAT IT REFUSES (LayerError)
//   NoValidSubkey: no PKESK for a currently valid subkey of ours, or its
//   session key does not decrypt.  Malformed: more than kMaxPkesks PKESKs,
//   framing errors, SEIPD (a layer must not carry an MDC), a failed quick
//   check, anything but a literal packet inside (compression is refused).
#pragma once

#include <cstddef>
#include <string>

#include <botan/rng.h>

#include "common/bytes.h"
#include "common/expected.h"
#include "common/time.h"
#include "crypto/key.h"

namespace mixtasy::core {

enum class LayerError { NoValidSubkey, Malformed };
const char* to_string(LayerError error);

struct OpenedLayer {
    Bytes contents;          // next message followed by decrypted padding
    Instant subkey_expires;  // expiry of the subkey that opened it
};

// PKESK packets open_layer reads before the encrypted data: a layer is
// encrypted to one subkey, and the creator writes one PKESK.  A few more are
// tolerated (a client encrypting to both of a mix's valid subkeys), so
// the work per layer stays a few public-key operations whatever the input.
inline constexpr std::size_t kMaxPkesks = 4;

Expected<Bytes, std::string> seal_layer(ByteView inner, const crypto::PublicKey& subkey,
                                        Botan::RandomNumberGenerator& rng);

Expected<OpenedLayer, LayerError> open_layer(ByteView body, const crypto::SecretCertificate& key,
                                             Instant now);

// `body` followed by random bytes up to `size`; nullopt when already longer.
std::optional<Bytes> pad_body(ByteView body, std::size_t size, Botan::RandomNumberGenerator& rng);

// The newest valid encryption subkey of `cert` at `now`, or nullptr.
const crypto::Subkey* current_subkey(const crypto::Certificate& cert, Instant now);

}  // namespace mixtasy::core
