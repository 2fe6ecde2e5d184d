// SPDX-License-Identifier: BSD-2-Clause
// processor.h - what a mix does with one received mix message, up to (not
// including) the store: seed 000 section 6.4 steps 1-4.
//
// WHAT IT DOES
//   peel(received, key, identity, now, random):
//     1. strips the received header (whatever the MTAs put there),
//     2. dearmors the body (only the labels mix messages use, PGP MESSAGE
//        and gpg --enarmor's PGP ARMORED FILE; text before BEGIN is
//        skipped as armor.h says; binary accepted too) and checks it is
//        exactly kIntermediateBodySize (30720) bytes,
//     3. decrypts it with a subkey of `key` valid at `now` (layer.h),
//     4. parses the revealed message: Verification first and exact, a
//        well-formed intermediate or final header (mix_header.h,
//        mix_fields.h),
//     5. checks the Verification hash over 20480 bytes from the second line,
//     6. checks the mode (intermediate needs middleman; singlepart and
//        multipart need an exit mode; dummies are discarded in any mode)
//        and an intermediate's next hop (next_hop.h: a mixtasy@ address,
//        not our own; whether it is a KNOWN mix is the Node's check, it
//        holds the directory),
//     7. prepares the outcome: for an intermediate message the next hop's
//        complete message (its body re-padded to 30720 with fresh random
//        bytes and armored, header From/Remailer-Type/To, CRLF); for a final
//        one the literal contents (original or part).
//   The replay check is NOT done here: it belongs to the store transaction
//   that also pools the outcome (node.cpp).  `replay_hash` and
//   `replay_expires` say what to record.
//
// WHAT IT GUARANTEES
//   Never throws; bounded work and memory for any input (size limit below).
//   The reason tokens are those of decision.h: "no-valid-subkey",
//   "malformed", "verification-failed", "wrong-mode", "bad-next-hop".
#pragma once

#include <cstddef>
#include <string>

#include "common/bytes.h"
#include "core/format/mix_fields.h"
#include "core/format/wire_message.h"
#include "core/keys/mix_key.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "crypto/key.h"

namespace mixtasy::core {

struct NodeIdentity {
    std::string address;  // our mix address, From of what we forward
    MixModes modes;
};

struct Peeled {
    enum class Kind { Forward, Final, Dummy, Destroy };
    Kind kind = Kind::Destroy;
    std::string reason;       // Destroy: decision.h token
    std::string next_hop;     // Forward: next mix address
    Bytes message;            // Forward: outgoing message; Final: literal contents
    MixFields fields;         // Final: type, id, part
    std::string replay_hash;  // the Verification value (40 hex digits)
    Instant replay_expires{};
};

Peeled peel(ByteView received, const crypto::SecretCertificate& key, const NodeIdentity& identity,
            Instant now, Random& random);

}  // namespace mixtasy::core
