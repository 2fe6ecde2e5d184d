// store.cpp - names of StoreFailure codes, for logs and decisions.
#include "core/ports/store.h"

namespace mixtasy::core {

const char* to_string(StoreFailure::Code code) noexcept {
    switch (code) {
        case StoreFailure::Code::Replay: return "replay";
        case StoreFailure::Code::Unavailable: return "store-unavailable";
        case StoreFailure::Code::Corrupt: return "store-corrupt";
        case StoreFailure::Code::NotFound: return "not-found";
        case StoreFailure::Code::Invalid: return "invalid";
    }
    return "unknown";
}

}  // namespace mixtasy::core
