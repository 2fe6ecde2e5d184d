// SPDX-License-Identifier: BSD-2-Clause
// message.h - encrypt to and decrypt OpenPGP messages: the API core/ uses.
//
// What it does
//   encrypt_to(recipient, inner, SymmetricPacket::Sed | Seipd, rng)
//       -> PKESK (old format) || SED (old format, INDETERMINATE length)
//       -> PKESK (old format) || SEIPD v1 (new format, definite length)
//       `inner` is an already framed packet stream (usually one literal
//       packet, see literal.h); it is encrypted as is, never compressed.
//       The overload with EncryptOptions picks the cipher (AES-256 by
//       default), hides the recipient key ID (wildcard), and takes several
//       recipients.  Mixtasy layers are encrypt_to(..., Sed, ...): padding
//       appended after that output becomes part of the SED body.
//
//   decrypt_packets(message, keys, limits) -> Decrypted
//       Reads the binary message: marker and SKESK packets are skipped,
//       PKESKs collected (at most limits.max_pkesk), up to the first SED or
//       SEIPD packet; bytes after it are not read.  Each PKESK whose key ID
//       matches one of `keys` (or is the wildcard, then every key is tried)
//       is opened; the first session key recovered decrypts the body.
//       Decrypted.plaintext is the inner packet stream.  For SED it may be
//       followed by garbage (padding after an indeterminate packet): read
//       the first inner packet and ignore the rest.
//
//   decrypt_message(message, keys, limits, options) -> PlainMessage
//       The generic path for ordinary mail: decrypt_packets, then optional
//       compressed data (one level), then the literal data packet, whose
//       contents it returns.  One-pass signature and signature packets
//       around the literal are skipped, NOT verified.
//
//   read_inner_message(inner, limits) -> PlainMessage
//       That second half alone, for a stream decrypted elsewhere.
//
// Errors (crypto::Error codes), so callers can tell "not for us" from "bad"
//   no_valid_key       no PKESK names any of `keys` (the message is for
//                      somebody else, or keys is empty)
//   decrypt_failed     a PKESK named one of our keys but its session key
//                      could not be recovered (corrupt or forged)
//   integrity_failed   SEIPD MDC mismatch; SED quick-check mismatch; and,
//                      in decrypt_message, an SED message when
//                      options.allow_unprotected is false
//   unexpected_packet  no encrypted data packet, or a packet where the
//                      grammar forbids one
//   truncated, bad_header, bad_packet, limit_exceeded, unsupported_*  from
//                      framing and the layers below
//
// Guarantees
//   - Input is binary (dearmor first, armor.h).  Nothing throws; nothing
//     reads past the input; sizes are bounded by DecryptLimits.
//   - Session keys live in secure_vector and are wiped when the call ends.
#pragma once

#include <cstdint>
#include <span>

#include <botan/rng.h>

#include "common/bytes.h"
#include "crypto/compressed.h"
#include "crypto/error.h"
#include "crypto/key_packet.h"
#include "crypto/literal.h"
#include "crypto/packet.h"

namespace mixtasy::crypto {

enum class SymmetricPacket : uint8_t { Sed, Seipd };

struct EncryptOptions {
    SymmetricPacket packet = SymmetricPacket::Seipd;
    uint8_t cipher = 9;           // OpenPGP symmetric id, 9 = AES-256
    bool hide_recipient = false;  // wildcard key ID in every PKESK
};

Result<Bytes> encrypt_to(const PublicKey& recipient, ByteView inner_packets, SymmetricPacket packet,
                         Botan::RandomNumberGenerator& rng);
Result<Bytes> encrypt_to(std::span<const PublicKey> recipients, ByteView inner_packets,
                         const EncryptOptions& options, Botan::RandomNumberGenerator& rng);

struct DecryptLimits {
    std::size_t max_message = 64u * 1024 * 1024;  // binary message, bytes
    std::size_t max_pkesk = 64;                   // PKESK packets read
    PacketLimits packets{};
    DecompressLimits decompress{};
};

struct Decrypted {
    Bytes plaintext;    // the inner packet stream
    Fingerprint key{};  // the subkey that opened it
    SymmetricPacket packet = SymmetricPacket::Seipd;
    bool integrity_protected = false;  // SEIPD with a verified MDC
    uint8_t cipher = 0;                // symmetric algorithm id
};

Result<Decrypted> decrypt_packets(ByteView message, std::span<const SecretKey> keys,
                                  const DecryptLimits& limits = {});

struct MessageOptions {
    bool allow_unprotected = false;  // accept SED (no MDC) messages
};

struct PlainMessage {
    LiteralData literal;
    Fingerprint key{};
    SymmetricPacket packet = SymmetricPacket::Seipd;
    bool integrity_protected = false;
    bool compressed = false;
};

Result<PlainMessage> decrypt_message(ByteView message, std::span<const SecretKey> keys,
                                     const DecryptLimits& limits = {},
                                     const MessageOptions& options = {});

// The second half of decrypt_message on its own: an already decrypted
// inner packet stream -> optional compressed data -> literal data.  For
// `mixtasy inspect` and the fuzzer; key, packet and integrity_protected of
// the result are left at their defaults.
Result<PlainMessage> read_inner_message(ByteView inner_packets, const DecryptLimits& limits = {});

}  // namespace mixtasy::crypto
