// mix_key.cpp - see mix_key.h.
#include "core/keys/mix_key.h"

#include "common/ascii.h"
#include "core/format/mix_fields.h"
#include "core/keys/node_key.h"

namespace mixtasy::core {
namespace {

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

}  // namespace

Expected<MixKey, std::string> check_mix_key(const crypto::Certificate& cert) {
    if (cert.user_ids.size() != 1) return Unexpected{std::string("not exactly one user ID")};
    const std::string& uid = cert.user_ids.front().text;
    const std::string addr = address_of(uid);
    auto parsed = parse_address(addr);
    if (!parsed) return Unexpected{std::string("user ID has no plain address")};
    MixKey key;
    key.address = ascii::lower(*parsed);
    if (!key.address.starts_with("mixtasy@")) {
        return Unexpected{std::string("address is not mixtasy@fqdn")};
    }
    const auto modes = modes_of_user_id(uid);
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

}  // namespace mixtasy::core
