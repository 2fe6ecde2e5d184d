// SPDX-License-Identifier: BSD-2-Clause
// node_key.cpp - the node key profile; see node_key.h.
#include "core/keys/node_key.h"

#include <algorithm>
#include <array>

#include "crypto/keygen.h"

namespace mixtasy::core {
namespace {

using crypto::ErrorCode;
using crypto::fail;

constexpr std::array<std::string_view, 3> kModes{"middleman", "exitprivate", "exitpublic"};
constexpr std::string_view kModeFeature = "mixtasy-mode:";

bool has_any(std::string_view s, std::string_view chars) {
    return s.find_first_of(chars) != std::string_view::npos;
}

crypto::Result<void> check_address(std::string_view a) {
    const auto at = a.find('@');
    if (a.empty() || at == std::string_view::npos || at == 0 || at + 1 == a.size() ||
        a.find('@', at + 1) != std::string_view::npos || has_any(a, " \t\r\n<>()\""))
        return fail(ErrorCode::BadKey, 0, "address must look like mixtasy@fqdn");
    return {};
}

// "a,b" after checking each is a known mode listed once.
crypto::Result<std::string> mode_list(const std::vector<std::string>& modes) {
    if (modes.empty()) return fail(ErrorCode::BadKey, 0, "at least one mixtasy mode is needed");
    std::string list;
    for (const auto& m : modes) {
        if (std::find(kModes.begin(), kModes.end(), m) == kModes.end())
            return fail(ErrorCode::BadKey, 0, "unknown mixtasy mode '" + m + "'");
        if (std::count(modes.begin(), modes.end(), m) > 1)
            return fail(ErrorCode::BadKey, 0, "mixtasy mode '" + m + "' listed twice");
        if (!list.empty()) list.push_back(',');
        list += m;
    }
    return list;
}

// The comma list of a "mixtasy-mode:a,b" statement, empty parts skipped.
std::vector<std::string> split_mode_list(std::string_view list) {
    std::vector<std::string> out;
    while (!list.empty()) {
        const auto comma = list.find(',');
        if (auto m = list.substr(0, comma); !m.empty()) out.emplace_back(m);
        if (comma == std::string_view::npos) break;
        list.remove_prefix(comma + 1);
    }
    return out;
}

}  // namespace

crypto::Result<std::string> node_user_id(const NodeKeyParams& params) {
    MIXTASY_CHECK(check_address(params.address));
    if (has_any(params.name, "()<>\r\n"))
        return fail(ErrorCode::BadKey, 0, "name must not contain ( ) < >");
    MIXTASY_TRY(modes, mode_list(params.modes));
    std::string uid;
    if (!params.name.empty()) uid = params.name + " ";
    uid += "(" + std::string(kModeFeature) + *modes + ") <" + params.address + ">";
    return uid;
}

std::vector<std::string> modes_of_user_id(std::string_view uid) {
    const auto open = uid.find('(');
    const auto close = uid.find(')', open == std::string_view::npos ? 0 : open);
    if (open == std::string_view::npos || close == std::string_view::npos) return {};
    std::string_view comment = uid.substr(open + 1, close - open - 1);
    // Feature statements are space separated; find ours.
    while (!comment.empty()) {
        const auto space = comment.find(' ');
        std::string_view statement = comment.substr(0, space);
        if (statement.substr(0, kModeFeature.size()) == kModeFeature)
            return split_mode_list(statement.substr(kModeFeature.size()));
        if (space == std::string_view::npos) break;
        comment.remove_prefix(space + 1);
    }
    return {};
}

crypto::Result<crypto::SecretCertificate> generate_node_key(const NodeKeyParams& params,
                                                            Botan::RandomNumberGenerator& rng) {
    MIXTASY_TRY(uid, node_user_id(params));
    crypto::KeyGenParams generic;
    generic.user_id = std::move(*uid);
    generic.created = params.created;
    generic.subkey_validity = params.subkey_validity;
    return crypto::generate_key(generic, rng);
}

}  // namespace mixtasy::core
