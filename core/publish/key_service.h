// SPDX-License-Identifier: BSD-2-Clause
// key_service.h - seed 004's email key service at keys@<domain>: the Key
// Publication and Key Retrieval requests, their replies, and the HMAC
// that lets the requester check a reply was not changed on the way.
//
// WHAT IT DOES
//   parse_key_publication(body)  an authenticated user's mail body: one
//       ASCII-armored PUBLIC KEY BLOCK (K_pub) and one line holding K_auth
//       in base64, in either order, blank lines anywhere (004 IV.A, fig. 3).
//   parse_key_retrieval(body)    anyone's mail body: the address asked for
//       on the first non-blank line, K_auth on the next (004 fig. 5).
//   key_hmac(k_auth, key)        HMAC-SHA256(K_auth, K_pub).
//   publication_confirmation / retrieval_reply  the reply bodies (004 figs.
//       4 and 6): the HMAC as one base64 line, after the armored key for a
//       retrieval.  Headers and the envelope are the node's.
//
// THE HMAC INPUTS (004 leaves them open; this is our choice)
//   K_auth is the base64-decoded line: exactly 32 bytes (004 V: "32-byte
//   key"), anything else is refused.  K_pub is the key in binary form,
//   the packets the armor decodes to, not the armored text: armor survives
//   line-ending rewrites, re-wrapping and CRC changes by MTAs and MUAs,
//   and the binary key does not change with them.  So the requester
//   computes HMAC-SHA256(base64decode(K_auth), dearmor(K_pub)) over the key
//   it received and compares it with the reply's line.
//
// WHAT IT GUARANTEES
//   Limits (KeyServiceLimits) on the body, each line and the key; K_auth
//   is held in a secure_vector and never logged.  Never throws.
//
// WHAT IT REFUSES (KeyServiceError, with the 1-based line where it applies)
//   TooLarge (body, line or key above its limit), NoKey (no key block),
//   BadKey (armor that does not decode, another label, two blocks), NoAuthKey
//   (no K_auth line), BadAuthKey (not base64 of 32 bytes), BadAddress (not
//   a strict local@domain), Malformed (any other non-blank line).  004
//   implies silence for a malformed request: the caller drops it with one
//   log line (KeyServiceError::reason() is a fixed token) and no reply.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include <botan/secmem.h>

#include "common/bytes.h"
#include "common/expected.h"

namespace mixtasy::core {

inline constexpr std::size_t kAuthKeyBytes = 32;

struct KeyServiceLimits {
    std::size_t max_body_bytes = 256 * 1024;
    std::size_t max_line_length = 998;  // RFC 5322 2.1.1
    std::size_t max_key_bytes = 128 * 1024;
};

struct KeyServiceError {
    enum class Code { TooLarge, NoKey, BadKey, NoAuthKey, BadAuthKey, BadAddress, Malformed };
    Code code = Code::Malformed;
    std::size_t line = 0;
    std::string detail;
    const char* reason() const noexcept;  // fixed token for logs
};

using AuthKey = Botan::secure_vector<std::uint8_t>;
using KeyHmac = std::array<std::uint8_t, 32>;

struct KeyPublicationRequest {
    Bytes key;  // K_pub, binary (dearmored)
    AuthKey auth;
};

struct KeyRetrievalRequest {
    std::string address;  // as written; compare case-insensitively
    AuthKey auth;
};

Expected<KeyPublicationRequest, KeyServiceError> parse_key_publication(
    std::string_view body, const KeyServiceLimits& limits = {});
Expected<KeyRetrievalRequest, KeyServiceError> parse_key_retrieval(
    std::string_view body, const KeyServiceLimits& limits = {});

KeyHmac key_hmac(const AuthKey& auth, ByteView key);

// "HMAC-LINE\r\n"
std::string publication_confirmation(const KeyHmac& hmac);
// "ARMORED KEY\r\nHMAC-LINE\r\n", armored CRLF as mail carries it
std::string retrieval_reply(ByteView key, const KeyHmac& hmac);

}  // namespace mixtasy::core
