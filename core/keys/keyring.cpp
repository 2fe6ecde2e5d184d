// SPDX-License-Identifier: BSD-2-Clause
// keyring.cpp - see keyring.h.
#include "core/keys/keyring.h"

#include <algorithm>

#include "common/ascii.h"
#include "core/format/layer.h"
#include "crypto/armor.h"
#include "crypto/armor_blocks.h"

namespace mixtasy::core {

KeyRing KeyRing::parse(std::string_view text) {
    KeyRing ring;
    // One block past the key limit, so a full ring still notes "too many
    // keys" for what it leaves out.
    for (std::string_view block : crypto::split_armor_blocks(text, kMaxKeys + 1)) {
        auto armored = crypto::armor_decode(as_bytes(block));
        if (!armored) {
            ring.rejected_.push_back("armor: " + crypto::describe(armored.error()));
            continue;
        }
        auto certs = crypto::parse_certificates(armored->data);
        if (!certs) {
            ring.rejected_.push_back("key: " + crypto::describe(certs.error()));
            continue;
        }
        for (const auto& cert : *certs) {
            auto key = check_mix_key(cert);
            if (!key) {
                ring.rejected_.push_back(crypto::to_hex(cert.fingerprint()) + ": " +
                                         describe(key.error()));
                continue;
            }
            ring.add(std::move(*key));
        }
    }
    return ring;
}

void KeyRing::add(MixKey key) {
    if (keys_.size() >= kMaxKeys) {
        rejected_.push_back(key.address + ": too many keys");
        return;
    }
    if (find(key.address) != nullptr) {
        rejected_.push_back(key.address + ": second key for a known address");
        return;
    }
    keys_.push_back(std::move(key));
}

const MixKey* KeyRing::find(std::string_view address) const {
    for (const auto& k : keys_) {
        if (ascii::iequals(k.address, address)) return &k;
    }
    return nullptr;
}

std::vector<std::string> KeyRing::addresses() const {
    std::vector<std::string> out;
    for (const auto& k : keys_) out.push_back(k.address);
    return out;
}

std::vector<std::string> KeyRing::usable_addresses(Instant now) const {
    std::vector<std::string> out;
    for (const auto& k : keys_) {
        if (current_subkey(k.cert, now) != nullptr) out.push_back(k.address);
    }
    return out;
}

const crypto::Subkey* KeyRing::encryption_subkey(std::string_view address, Instant now) const {
    const MixKey* key = find(address);
    return key == nullptr ? nullptr : current_subkey(key->cert, now);
}

}  // namespace mixtasy::core
