// SPDX-License-Identifier: BSD-2-Clause
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

std::string reason_words(std::string_view reason) {
    if (reason == "internal") return "internal error";
    std::string words(reason);
    for (char& c : words)
        if (c == '-') c = ' ';
    return words;
}

std::string log_sentence(const Decision& decision, std::size_t bytes) {
    const std::string size = ", " + std::to_string(bytes) + " bytes";
    switch (decision.kind) {
        case Decision::Kind::Pooled: return "mix message pooled" + size;
        case Decision::Kind::Dropped: return std::string("mix message ") + kNeutralDestroyed + size;
        case Decision::Kind::TempFail:
            return "mix message deferred (" + reason_words(decision.reason) + ")" + size;
        case Decision::Kind::Quarantine:
            return "mix message quarantined (" + reason_words(decision.reason) + ")" + size;
    }
    return std::string("mix message ") + kNeutralDestroyed + size;
}

}  // namespace mixtasy::core
