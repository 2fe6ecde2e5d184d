// SPDX-License-Identifier: BSD-2-Clause
// error.cpp - the log tokens of StoreError codes.
#include "store/error.h"

namespace mixtasy::store {

const char* to_string(StoreError::Code code) noexcept {
    switch (code) {
        case StoreError::Code::Replay: return "replay";
        case StoreError::Code::NotFound: return "not-found";
        case StoreError::Code::InvalidArgument: return "invalid-argument";
        case StoreError::Code::Full: return "disk-full";
        case StoreError::Code::Busy: return "busy";
        case StoreError::Code::ReadOnly: return "read-only";
        case StoreError::Code::Corrupt: return "corrupt";
        case StoreError::Code::Io: return "io-error";
        case StoreError::Code::Constraint: return "constraint";
        case StoreError::Code::Schema: return "schema";
        case StoreError::Code::Misuse: return "misuse";
    }
    return "unknown";
}

}  // namespace mixtasy::store
