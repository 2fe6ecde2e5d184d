// SPDX-License-Identifier: BSD-2-Clause
// dump.h - a packet listing like `gpg --list-packets`, behind `mixtasy inspect`.
//
// What it does
//   dump() accepts armored or binary OpenPGP data and writes one block per
//   packet: offset, tag and name, header format, length kind and length,
//   then the fields that matter for that packet: key algorithm, creation,
//   key ID and fingerprint; user IDs; signature type, hash, creation, issuer
//   and every subpacket; PKESK version, key ID and algorithm; literal
//   format, file name, date and size; compressed algorithm; SED/SEIPD
//   lengths; one-pass signature fields.
//
// Guarantees
//   - Every byte of text printed from the input (user IDs, file names) is
//     escaped: control characters and non-ASCII appear as \xNN, so a hostile
//     message cannot drive the terminal.
//   - On bad input it prints everything parsed so far, then returns the
//     Error (offset and problem); the caller reports it.
//   - Nothing is decrypted or decompressed: encrypted bodies are shown by
//     size only.
#pragma once

#include <ostream>

#include "common/bytes.h"
#include "crypto/error.h"
#include "crypto/packet.h"

namespace mixtasy::crypto {

Result<void> dump(ByteView input, std::ostream& out, const PacketLimits& limits = {});

}  // namespace mixtasy::crypto
