// SPDX-License-Identifier: BSD-2-Clause
// key_source.cpp - see key_source.h.
#include "core/keys/key_source.h"

namespace mixtasy::core {

const char* to_string(KeyOrigin origin) noexcept {
    switch (origin) {
        case KeyOrigin::Keyserver: return "keyserver";
        case KeyOrigin::KeyService: return "key-service";
        case KeyOrigin::Wkd: return "wkd";
        case KeyOrigin::File: return "file";
    }
    return "unknown";
}

}  // namespace mixtasy::core
