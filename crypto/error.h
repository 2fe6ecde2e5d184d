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
//     logs and metrics ("truncated", "bad_header", ...).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "common/expected.h"

namespace mixtasy::crypto {

enum class ErrorCode {
    truncated,              // input ended before a field it announced
    bad_header,             // packet header malformed (bit 7 clear, bad tag)
    length_overflow,        // a length field points beyond what can exist
    limit_exceeded,         // a named limit (size, count, bits) was hit
    unsupported_version,    // packet/key/signature version we do not read
    unsupported_algorithm,  // algorithm id we do not implement
    unsupported_feature,    // e.g. passphrase-protected secret key
    bad_armor,              // ASCII armor framing or base64 broken
    bad_checksum,           // CRC24, secret key checksum, quick check
    bad_signature,          // signature does not verify or is malformed
    bad_key,                // key material invalid (point, MPI, sizes)
    bad_packet,             // packet body structurally wrong for its tag
    unexpected_packet,      // a packet where the grammar forbids it
    no_valid_key,           // no usable (verified, unexpired) key/subkey
    decrypt_failed,         // session key or PKESK could not be recovered
    integrity_failed,       // MDC / quick check mismatch
    io_error,               // file could not be read or written
    internal,               // a library call failed unexpectedly
};

struct Error {
    ErrorCode code = ErrorCode::internal;
    std::size_t offset = 0;
    std::string detail;
};

std::string_view to_string(ErrorCode code) noexcept;

// "truncated at offset 17: MPI length" - for logs and `mixtasy inspect`.
std::string to_string(const Error& error);

template <typename T>
using Result = Expected<T, Error>;

inline Unexpected<Error> fail(ErrorCode code, std::size_t offset, std::string detail) {
    return Unexpected<Error>{Error{code, offset, std::move(detail)}};
}

}  // namespace mixtasy::crypto
