// mix_key.h - what makes an OpenPGP certificate a mix key (seed 000
// section 6.3), and what it says about the mix.
//
// WHAT IT DOES
//   check_mix_key(cert) accepts a certificate whose only user ID is
//   "name (comment) <mixtasy@fqdn>" and whose comment carries a
//   "mixtasy-mode:" feature listing one or more of middleman, exitprivate
//   and exitpublic, and nothing else; it returns the address (lower-case)
//   and the modes.
//
// WHAT IT REFUSES (one-line reason)
//   More or fewer than one user ID, no plain address, an address that is
//   not mixtasy@..., no mode feature, an unknown mode.
#pragma once

#include <string>

#include "common/expected.h"
#include "crypto/key.h"

namespace mixtasy::core {

struct MixModes {
    bool middleman = false;
    bool exitprivate = false;
    bool exitpublic = false;
};

struct MixKey {
    std::string address;  // mixtasy@fqdn, lower-case
    MixModes modes;
    crypto::Certificate cert;
};

Expected<MixKey, std::string> check_mix_key(const crypto::Certificate& cert);

}  // namespace mixtasy::core
