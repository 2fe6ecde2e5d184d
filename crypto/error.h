// SPDX-License-Identifier: BSD-2-Clause
// error.h - the one typed error every crypto/ function returns.
//
// What it does
//   Names what went wrong (ErrorCode), where in the input it went wrong
//   (offset, in bytes from the start of the buffer the caller passed in) and
//   a short human detail.  Every fallible crypto/ function returns
//   Expected<T, crypto::Error>; no exception ever leaves crypto/ because of
//   bad input (Botan exceptions are caught at the boundary and turned into
//   one of these codes).
//
// Guarantees
//   - `detail` never contains secret material nor message plaintext; it
//     names fields, lengths and limits only.
//   - to_string(ErrorCode) returns a stable lower-case token suitable for
//     logs and metrics ("truncated", "bad_header", ...); describe(Error)
//     adds where and what: "truncated at offset 17: MPI length".
#pragma once

#include <cstddef>
#include <string>

#include "common/expected.h"

namespace mixtasy::crypto {

enum class ErrorCode {
    Truncated,             // input ended before a field it announced
    BadHeader,             // packet header malformed (bit 7 clear, bad tag)
    LengthOverflow,        // a length field points beyond what can exist
    LimitExceeded,         // a named limit (size, count, bits) was hit
    UnsupportedVersion,    // packet/key/signature version we do not read
    UnsupportedAlgorithm,  // algorithm id we do not implement
    UnsupportedFeature,    // e.g. passphrase-protected secret key
    BadArmor,              // ASCII armor framing or base64 broken
    BadChecksum,           // CRC24, secret key checksum, quick check
    BadSignature,          // signature does not verify or is malformed
    BadKey,                // key material invalid (point, MPI, sizes)
    BadPacket,             // packet body structurally wrong for its tag
    UnexpectedPacket,      // a packet where the grammar forbids it
    NoValidKey,            // no usable (verified, unexpired) key/subkey
    DecryptFailed,         // session key or PKESK could not be recovered
    IntegrityFailed,       // MDC / quick check mismatch
    IoError,               // file could not be read or written
    Internal,              // a library call failed unexpectedly
};

struct Error {
    ErrorCode code = ErrorCode::Internal;
    std::size_t offset = 0;
    std::string detail;
};

const char* to_string(ErrorCode code) noexcept;

// "truncated at offset 17: MPI length" - for logs and `mixtasy inspect`;
// an IoError with a detail is the detail alone ("open PATH: REASON").
std::string describe(const Error& error);

template <typename T>
using Result = Expected<T, Error>;

inline Unexpected<Error> fail(ErrorCode code, std::size_t offset, std::string detail) {
    return Unexpected<Error>{Error{code, offset, std::move(detail)}};
}

}  // namespace mixtasy::crypto
