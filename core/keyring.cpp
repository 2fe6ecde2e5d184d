// keyring.cpp - see keyring.h.
#include "core/keyring.h"

#include <algorithm>

#include "core/layer.h"
#include "core/mix_fields.h"
#include "core/mix_header.h"
#include "crypto/armor.h"
#include "crypto/keygen.h"

namespace mixtasy::core {
namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) {
        if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    return out;
}

// "name (comment) <addr>" -> addr, or empty.
std::string address_of(std::string_view uid) {
    const auto open = uid.rfind('<');
    const auto close = uid.rfind('>');
    if (open == std::string_view::npos || close == std::string_view::npos || close < open ||
        close + 1 != uid.size()) {
        return {};
    }
    return std::string(uid.substr(open + 1, close - open - 1));
}

// Each "-----BEGIN" ... "-----END ...-----" block of `text`.
std::vector<std::string_view> armor_blocks(std::string_view text) {
    std::vector<std::string_view> blocks;
    std::size_t pos = 0;
    while (blocks.size() <= KeyRing::kMaxKeys) {
        const auto begin = text.find("-----BEGIN ", pos);
        if (begin == std::string_view::npos) break;
        const auto end = text.find("-----END ", begin);
        if (end == std::string_view::npos) break;
        const auto line_end = text.find('\n', end);
        const auto stop = line_end == std::string_view::npos ? text.size() : line_end + 1;
        blocks.push_back(text.substr(begin, stop - begin));
        pos = stop;
    }
    return blocks;
}

}  // namespace

Expected<MixKey, std::string> check_mix_key(const crypto::Certificate& cert) {
    if (cert.user_ids.size() != 1) return Unexpected{std::string("not exactly one user ID")};
    const std::string& uid = cert.user_ids.front().text;
    const std::string addr = address_of(uid);
    auto parsed = parse_address(addr);
    if (!parsed) return Unexpected{std::string("user ID has no plain address")};
    MixKey key;
    key.address = lower(*parsed);
    if (!key.address.starts_with("mixtasy@")) {
        return Unexpected{std::string("address is not mixtasy@fqdn")};
    }
    const auto modes = crypto::modes_of_user_id(uid);
    if (modes.empty()) return Unexpected{std::string("no mixtasy-mode feature")};
    for (const auto& m : modes) {
        if (m == "middleman") key.modes.middleman = true;
        else if (m == "exitprivate") key.modes.exitprivate = true;
        else if (m == "exitpublic") key.modes.exitpublic = true;
        else return Unexpected{std::string("unknown mixtasy-mode")};
    }
    key.cert = cert;
    return key;
}

KeyRing KeyRing::parse(std::string_view text) {
    KeyRing ring;
    for (std::string_view block : armor_blocks(text)) {
        auto armored = crypto::armor_decode(as_bytes(block));
        if (!armored) {
            ring.rejected_.push_back("armor: " + crypto::to_string(armored.error()));
            continue;
        }
        auto certs = crypto::parse_certificates(armored->data);
        if (!certs) {
            ring.rejected_.push_back("key: " + crypto::to_string(certs.error()));
            continue;
        }
        for (const auto& cert : *certs) {
            auto key = check_mix_key(cert);
            if (!key) {
                ring.rejected_.push_back(crypto::to_hex(cert.fingerprint()) + ": " + key.error());
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
        if (iequals(k.address, address)) return &k;
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
