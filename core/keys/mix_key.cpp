// SPDX-License-Identifier: BSD-2-Clause
// mix_key.cpp - see mix_key.h.
#include "core/keys/mix_key.h"

#include <algorithm>

#include "common/ascii.h"
#include "core/format/mix_fields.h"
#include "core/keys/node_key.h"
#include "crypto/armor.h"
#include "crypto/armor_blocks.h"
#include "crypto/signature.h"

namespace mixtasy::core {
namespace {

using Reason = MixKeyReason;

Unexpected<MixKeyRefusal> refuse(Reason reason, std::string detail) {
    return Unexpected{MixKeyRefusal{reason, std::move(detail)}};
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

Expected<MixModes, MixKeyRefusal> modes_of(std::string_view uid) {
    const auto modes = modes_of_user_id(uid);
    if (modes.empty()) return refuse(Reason::NoModes, "no mixtasy-mode feature in the user ID");
    MixModes out;
    for (const auto& m : modes) {
        if (m == "middleman") out.middleman = true;
        else if (m == "exitprivate") out.exitprivate = true;
        else if (m == "exitpublic") out.exitpublic = true;
        else return refuse(Reason::UnknownMode, "unknown mixtasy-mode '" + m + "'");
    }
    return out;
}

// The subkey rules that hold at all times: nothing live signs, no live
// encryption subkey lives forever.  `live` says which subkeys count.
template <typename Live>
Expected<void, MixKeyRefusal> check_subkeys(const crypto::Certificate& cert, Live live) {
    constexpr std::uint8_t kSigning = crypto::kFlagSign | crypto::kFlagCertify;
    for (const auto& sub : cert.subkeys) {
        if (!live(sub)) continue;
        const std::string fpr = crypto::to_hex(sub.key.fingerprint);
        if ((sub.key_flags & kSigning) != 0)
            return refuse(Reason::SigningSubkey, "subkey " + fpr + " can sign or certify");
        if (sub.encryption_capable() && !sub.expires)
            return refuse(Reason::NeverExpires, "encryption subkey " + fpr + " never expires");
    }
    return {};
}

std::vector<SubkeyWindow> windows_of(const crypto::Certificate& cert) {
    std::vector<SubkeyWindow> out;
    for (const auto& sub : cert.subkeys) {
        if (sub.revoked || !sub.encryption_capable() || !sub.expires) continue;
        out.push_back({crypto::to_hex(sub.key.fingerprint), sub.key.created, *sub.expires});
    }
    std::stable_sort(out.begin(), out.end(), [](const SubkeyWindow& a, const SubkeyWindow& b) {
        return a.created > b.created;
    });
    return out;
}

Expected<MixKey, MixKeyRefusal> check_profile(const crypto::Certificate& cert) {
    if (cert.user_ids.size() != 1) {
        return refuse(Reason::UserIdCount,
                      std::to_string(cert.user_ids.size()) + " user IDs, a mix key has one");
    }
    const std::string& uid = cert.user_ids.front().text;
    auto parsed = parse_address(address_of(uid));
    if (!parsed) return refuse(Reason::NoAddress, "user ID has no plain address");
    MixKey key;
    key.address = ascii::lower(*parsed);
    if (!key.address.starts_with("mixtasy@"))
        return refuse(Reason::NotMixAddress, "address " + key.address + " is not mixtasy@fqdn");
    MIXTASY_TRY(modes, modes_of(uid));
    key.modes = *modes;
    key.fingerprint = crypto::to_hex(cert.fingerprint());
    key.subkeys = windows_of(cert);
    key.cert = cert;
    return key;
}

// What a parse failure of one block means for the user.
MixKeyRefusal refusal_of(const crypto::Error& error) {
    // crypto/key.h drops every signature that does not verify; a key left
    // without a certified user ID fails with NoValidKey and this detail.
    if (error.code == crypto::ErrorCode::NoValidKey &&
        error.detail.find("self-signature") != std::string::npos) {
        return {Reason::BadSelfSignature, "no user ID with a valid self-signature"};
    }
    return {Reason::Unreadable, "key: " + crypto::describe(error)};
}

}  // namespace

const char* to_string(MixKeyReason reason) noexcept {
    switch (reason) {
        case Reason::Unreadable: return "unreadable";
        case Reason::BadSelfSignature: return "bad-self-signature";
        case Reason::UserIdCount: return "user-id-count";
        case Reason::NoAddress: return "no-address";
        case Reason::NotMixAddress: return "not-mix-address";
        case Reason::NoModes: return "no-modes";
        case Reason::UnknownMode: return "unknown-mode";
        case Reason::SigningSubkey: return "signing-subkey";
        case Reason::NeverExpires: return "never-expiring-subkey";
        case Reason::KeyRevoked: return "key-revoked";
        case Reason::KeyExpired: return "key-expired";
        case Reason::NoValidSubkey: return "no-valid-subkey";
    }
    return "unknown";
}

std::string describe(const MixKeyRefusal& refusal) {
    return std::string(to_string(refusal.reason)) + ": " + refusal.detail;
}

Expected<MixKey, MixKeyRefusal> check_mix_key(const crypto::Certificate& cert) {
    MIXTASY_CHECK(check_subkeys(cert, [](const crypto::Subkey& s) { return !s.revoked; }));
    return check_profile(cert);
}

Expected<MixKey, MixKeyRefusal> check_mix_key(const crypto::Certificate& cert, Instant now) {
    const crypto::Timestamp t = crypto::to_timestamp(now);
    if (cert.revoked) return refuse(Reason::KeyRevoked, "the primary key is revoked");
    if (!cert.valid_at(t)) return refuse(Reason::KeyExpired, "the primary key is not valid now");
    // Expired and revoked subkeys are history, not a fault.
    MIXTASY_CHECK(check_subkeys(cert, [t](const crypto::Subkey& s) { return s.valid_at(t); }));
    MIXTASY_TRY(key, check_profile(cert));
    const bool usable = std::any_of(cert.subkeys.begin(), cert.subkeys.end(), [t](const auto& s) {
        return s.encryption_capable() && s.valid_at(t);
    });
    if (!usable) return refuse(Reason::NoValidSubkey, "no encryption subkey is valid now");
    std::erase_if(key->subkeys, [t](const SubkeyWindow& w) { return w.expires <= t; });
    return key;
}

std::vector<CheckedKey> check_armored_keys(std::string_view text, Instant now) {
    std::vector<CheckedKey> out;
    for (std::string_view block : crypto::split_armor_blocks(text, kMaxKeyBlocks)) {
        auto armored = crypto::armor_decode(as_bytes(block));
        if (!armored) {
            out.push_back(
                {"", Unexpected{MixKeyRefusal{Reason::Unreadable,
                                              "armor: " + crypto::describe(armored.error())}}});
            continue;
        }
        auto certs = crypto::parse_certificates(armored->data);
        if (!certs) {
            out.push_back({"", Unexpected{refusal_of(certs.error())}});
            continue;
        }
        for (const auto& cert : *certs)
            out.push_back({crypto::to_hex(cert.fingerprint()), check_mix_key(cert, now)});
    }
    return out;
}

}  // namespace mixtasy::core
