// SPDX-License-Identifier: BSD-2-Clause
// mode_check.h - whether the key in Home has the modes the configuration's
// Mode names (for `mixtasy-milter -n`).
//
// CONTRACT
//   key_mode_problem(config)  nullopt when Mode is not set, when it matches
//                             the modes of the key's user ID, or when the
//                             key cannot be read (that is the key check's
//                             to report); otherwise the one line for -n,
//                             naming `mixtasy key mode` as the fix
//                             (config.h mode_mismatch).
//   mix_address_problem(config)  the -n line when MixAddress is set and the
//                             key's user ID names another address; nullopt
//                             otherwise (also when the key cannot be read).
//   node_addresses(config)    the addresses that are the node's
//                             (degraded_node.h): MixAddress, else the key's
//                             address when the key can be read, else none
//                             (every mixtasy@ then counts).
#pragma once

#include <optional>
#include <string>

#include "milter/config.h"
#include "milter/degraded_node.h"

namespace mixtasy::milter {

std::optional<std::string> key_mode_problem(const Config& config);
std::optional<std::string> mix_address_problem(const Config& config);
NodeAddresses node_addresses(const Config& config);

}  // namespace mixtasy::milter
