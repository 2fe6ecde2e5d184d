// SPDX-License-Identifier: BSD-2-Clause
// duration_option.h - command-line options that take a duration.
//
//   add_subkey_lifetime_option(app, target)
//       --subkey-lifetime DURATION for `mixtasy keygen` and `key rotate`:
//       read with common/duration.h's parser (seconds, or s/m/h/d), within
//       core/keys/node_key.h's kMinSubkeyValidity..kMaxSubkeyValidity, the
//       same parser and bounds as mixtasy-milter.conf's SubkeyLifetime, so a
//       value the daemon would refuse is refused here too.
// REFUSES: anything else, with CLI11's usage error (exit 1).
#pragma once

#include <chrono>

#include <CLI/CLI.hpp>

namespace mixtasy::cli {

CLI::Option* add_subkey_lifetime_option(CLI::App& app, std::chrono::seconds& target);

}  // namespace mixtasy::cli
