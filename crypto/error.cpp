// SPDX-License-Identifier: BSD-2-Clause
// error.cpp - names of crypto error codes.
#include "crypto/error.h"

namespace mixtasy::crypto {

const char* to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::Truncated: return "truncated";
        case ErrorCode::BadHeader: return "bad_header";
        case ErrorCode::LengthOverflow: return "length_overflow";
        case ErrorCode::LimitExceeded: return "limit_exceeded";
        case ErrorCode::UnsupportedVersion: return "unsupported_version";
        case ErrorCode::UnsupportedAlgorithm: return "unsupported_algorithm";
        case ErrorCode::UnsupportedFeature: return "unsupported_feature";
        case ErrorCode::BadArmor: return "bad_armor";
        case ErrorCode::BadChecksum: return "bad_checksum";
        case ErrorCode::BadSignature: return "bad_signature";
        case ErrorCode::BadKey: return "bad_key";
        case ErrorCode::BadPacket: return "bad_packet";
        case ErrorCode::UnexpectedPacket: return "unexpected_packet";
        case ErrorCode::NoValidKey: return "no_valid_key";
        case ErrorCode::DecryptFailed: return "decrypt_failed";
        case ErrorCode::IntegrityFailed: return "integrity_failed";
        case ErrorCode::IoError: return "io_error";
        case ErrorCode::Internal: return "internal";
    }
    return "unknown";
}

std::string describe(const Error& error) {
    // A file's error is its detail alone ("open DIR/secret.asc: No such file
    // or directory"): a code name and an offset say nothing to an admin.
    if (error.code == ErrorCode::IoError && !error.detail.empty()) return error.detail;
    std::string out(to_string(error.code));
    out += " at offset ";
    out += std::to_string(error.offset);
    if (!error.detail.empty()) {
        out += ": ";
        out += error.detail;
    }
    return out;
}

}  // namespace mixtasy::crypto
