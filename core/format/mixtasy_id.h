// SPDX-License-Identifier: BSD-2-Clause
// mixtasy_id.h - a Mixtasy-ID that binds the parts of a multipart set to
// the original they were cut from (issue 11, Medium 3).
//
// WHAT IT DOES
//   bound_mixtasy_id(original, rng) makes the id our creator writes into
//   every part of one original:
//       "<" nonce "." digest "@mixtasy>"
//   nonce:  32 lower-case hex digits, 128 random bits;
//   digest: 64 lower-case hex digits, SHA-256 over the label
//           "mixtasy-id-v1", a zero byte, the 16 nonce bytes and the whole
//           original.
//   It is a valid RFC 5322 msg-id (dot-atom-text "@" dot-atom-text), so
//   other implementations treat it as any opaque id, and it never is the
//   original's own Message-ID.
//   check_id_binding(id, original) is what an exit runs on a reassembled
//   original: Matches, Mismatch (a part of someone else, or a changed part,
//   is inside: destroy the set), or Unbound (an id of another form, e.g.
//   from the reference prototype: nothing to check).
//
// WHAT IT GUARANTEES
//   A set whose parts were not all cut from one original fails with
//   Mismatch unless SHA-256 is broken.  The digest says nothing the exit
//   does not see anyway (the exit reads the original); the nonce keeps it
//   from being a plain hash of the message.  Never throws for bad input.
//
// WHAT IT REFUSES
//   Nothing: any id that does not have exactly the form above is Unbound.
#pragma once

#include <string>
#include <string_view>

#include <botan/rng.h>

#include "common/bytes.h"

namespace mixtasy::core {

std::string bound_mixtasy_id(ByteView original, Botan::RandomNumberGenerator& rng);

enum class IdBinding { Unbound, Matches, Mismatch };

IdBinding check_id_binding(std::string_view mixtasy_id, ByteView original);

}  // namespace mixtasy::core
