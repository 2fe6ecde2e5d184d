// SPDX-License-Identifier: BSD-2-Clause
// duration_option.cpp - see duration_option.h.
#include "cli/duration_option.h"

#include "common/duration.h"
#include "core/keys/node_key.h"

namespace mixtasy::cli {

CLI::Option* add_subkey_lifetime_option(CLI::App& app, std::chrono::seconds& target) {
    auto* option = app.add_option_function<std::string>(
        "--subkey-lifetime",
        [&target](const std::string& text) {
            auto d = parse_duration(text);
            if (!d || *d < core::kMinSubkeyValidity || *d > core::kMaxSubkeyValidity) {
                throw CLI::ValidationError(
                    "--subkey-lifetime",
                    "'" + text +
                        "' is not a duration from 1h to 136 years (seconds, or with s/m/h/d: 2d)");
            }
            target = *d;
        },
        "how long a new encryption subkey is valid: seconds, or with s/m/h/d, at least 1h "
        "(default 2d)");
    option->type_name("DURATION");
    return option;
}

}  // namespace mixtasy::cli
