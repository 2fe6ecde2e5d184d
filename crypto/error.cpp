// error.cpp - names of crypto error codes.
#include "crypto/error.h"

namespace mixtasy::crypto {

std::string_view to_string(ErrorCode code) noexcept {
    switch (code) {
        case ErrorCode::truncated: return "truncated";
        case ErrorCode::bad_header: return "bad_header";
        case ErrorCode::length_overflow: return "length_overflow";
        case ErrorCode::limit_exceeded: return "limit_exceeded";
        case ErrorCode::unsupported_version: return "unsupported_version";
        case ErrorCode::unsupported_algorithm: return "unsupported_algorithm";
        case ErrorCode::unsupported_feature: return "unsupported_feature";
        case ErrorCode::bad_armor: return "bad_armor";
        case ErrorCode::bad_checksum: return "bad_checksum";
        case ErrorCode::bad_signature: return "bad_signature";
        case ErrorCode::bad_key: return "bad_key";
        case ErrorCode::bad_packet: return "bad_packet";
        case ErrorCode::unexpected_packet: return "unexpected_packet";
        case ErrorCode::no_valid_key: return "no_valid_key";
        case ErrorCode::decrypt_failed: return "decrypt_failed";
        case ErrorCode::integrity_failed: return "integrity_failed";
        case ErrorCode::io_error: return "io_error";
        case ErrorCode::internal: return "internal";
    }
    return "unknown";
}

std::string to_string(const Error& error) {
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
