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

}  // namespace mixtasy::core
