// SPDX-License-Identifier: BSD-2-Clause
// postconf.h - Postfix's configuration through postconf(1), argv only.
//
// Every call checks postconf's exit status and returns its stderr as the
// error.  config_dir empty means Postfix's default; otherwise `-c DIR` is
// passed on every call (a private instance, or a copy for --dry-run).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/expected.h"
#include "milter/setup/postfix_snippets.h"

namespace mixtasy::milter::setup {

class Postconf {
public:
    explicit Postconf(std::string config_dir, std::string program = "postconf")
        : config_dir_(std::move(config_dir)), program_(std::move(program)) {}

    Expected<std::string, std::string> value(const std::string& name) const;  // effective value
    Expected<bool, std::string> is_explicit(const std::string& name) const;   // written in main.cf
    Expected<void, std::string> set(const std::string& name, const std::string& value) const;
    Expected<void, std::string> unset(const std::string& name) const;
    Expected<std::string, std::string> master_line(const std::string& key) const;  // "" if none
    Expected<void, std::string> add_master(const MasterEntry& entry) const;
    Expected<void, std::string> remove_master(const std::string& key) const;
    // One -o option of a master.cf service (postconf -P SERVICE/TYPE/NAME):
    // nullopt when the service does not set it.  set_master_option refuses
    // a value with blanks (postconf -P does).
    Expected<std::optional<std::string>, std::string> master_option(const std::string& key,
                                                                    const std::string& name) const;
    Expected<void, std::string> set_master_option(const std::string& key, const std::string& name,
                                                  const std::string& value) const;
    Expected<void, std::string> unset_master_option(const std::string& key,
                                                    const std::string& name) const;

private:
    Expected<std::string, std::string> run(std::vector<std::string> args) const;
    std::string config_dir_;
    std::string program_;
};

}  // namespace mixtasy::milter::setup
