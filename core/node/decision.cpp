// decision.cpp - names of Decision kinds, for logs and `mixtasy process`.
#include "core/node/decision.h"

namespace mixtasy::core {

const char* to_string(Decision::Kind kind) {
    switch (kind) {
        case Decision::Kind::Pooled: return "pooled";
        case Decision::Kind::Dropped: return "dropped";
        case Decision::Kind::TempFail: return "tempfail";
        case Decision::Kind::Quarantine: return "quarantine";
    }
    return "unknown";
}

const char* default_level_reason(const Decision& decision) noexcept {
    switch (decision.kind) {
        case Decision::Kind::Pooled: return "pooled";
        case Decision::Kind::Dropped: return kNeutralDestroyed;
        case Decision::Kind::TempFail: return "temporary-failure";
        case Decision::Kind::Quarantine: return "quarantined";
    }
    return kNeutralDestroyed;
}

}  // namespace mixtasy::core
