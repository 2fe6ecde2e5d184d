// SPDX-License-Identifier: BSD-2-Clause
// mode_check.cpp - see mode_check.h.
#include "milter/mode_check.h"

#include "core/keys/key_home.h"
#include "core/keys/mix_key.h"
#include "core/keys/node_key.h"
#include "core/node/service_desk.h"

namespace mixtasy::milter {

std::optional<std::string> key_mode_problem(const Config& config) {
    if (config.modes.empty()) return std::nullopt;
    auto cert = core::load_node_certificate(config.node.home);
    if (!cert || cert->user_ids.size() != 1) return std::nullopt;
    return mode_mismatch(config, core::modes_of_user_id(cert->user_ids.front().text));
}

namespace {

// The address of the key's user ID; empty when the key cannot be read or
// is no Mixtasy key (the key check reports that).
std::string key_address(const std::string& home) {
    auto cert = core::load_node_certificate(home);
    if (!cert) return {};
    auto mix = core::check_mix_key(*cert);
    return mix ? mix->address : std::string();
}

}  // namespace

std::optional<std::string> mix_address_problem(const Config& config) {
    if (config.mix_address.empty()) return std::nullopt;
    const std::string key = key_address(config.node.home);
    if (key.empty() || key == config.mix_address) return std::nullopt;
    return "MixAddress " + config.mix_address + " differs from the key's user ID address " + key +
           " (set MixAddress to the key's address, or make a key for " + config.mix_address + ")";
}

NodeAddresses node_addresses(const Config& config) {
    NodeAddresses a;
    a.mix_address = config.mix_address.empty() ? key_address(config.node.home) : config.mix_address;
    a.service_domains = core::service_domains_or_default(config.node.service_domains, a.mix_address);
    return a;
}

}  // namespace mixtasy::milter
