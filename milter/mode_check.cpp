// SPDX-License-Identifier: BSD-2-Clause
// mode_check.cpp - see mode_check.h.
#include "milter/mode_check.h"

#include "core/keys/key_home.h"
#include "core/keys/node_key.h"

namespace mixtasy::milter {

std::optional<std::string> key_mode_problem(const Config& config) {
    if (config.modes.empty()) return std::nullopt;
    auto cert = core::load_node_certificate(config.node.home);
    if (!cert || cert->user_ids.size() != 1) return std::nullopt;
    return mode_mismatch(config, core::modes_of_user_id(cert->user_ids.front().text));
}

}  // namespace mixtasy::milter
