// SPDX-License-Identifier: BSD-2-Clause
#include "milter/setup/postconf.h"

#include "common/ascii.h"
#include "milter/setup/run_command.h"

namespace mixtasy::milter::setup {

Expected<std::string, std::string> Postconf::run(std::vector<std::string> args) const {
    std::vector<std::string> argv{program_};
    if (!config_dir_.empty()) {
        argv.push_back("-c");
        argv.push_back(config_dir_);
    }
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult r = run_command(argv);
    if (r.status != 0) {
        return Unexpected{describe(argv) + " failed (status " + std::to_string(r.status) +
                          "): " + std::string(ascii::trim_space(r.err))};
    }
    return std::move(r.out);
}

Expected<std::string, std::string> Postconf::value(const std::string& name) const {
    auto out = run({"-h", name});
    if (!out) return out;
    return std::string(ascii::trim_space(*out));
}

Expected<bool, std::string> Postconf::is_explicit(const std::string& name) const {
    // -n prints only what main.cf sets: nothing at all for a default, a
    // line (perhaps empty) for an explicit setting.
    auto out = run({"-n", "-h", name});
    if (!out) return Unexpected{out.error()};
    return !out->empty();
}

Expected<void, std::string> Postconf::set(const std::string& name, const std::string& value) const {
    auto out = run({"-e", name + "=" + value});
    if (!out) return Unexpected{out.error()};
    return {};
}

Expected<void, std::string> Postconf::unset(const std::string& name) const {
    auto out = run({"-X", name});
    if (!out) return Unexpected{out.error()};
    return {};
}

Expected<std::string, std::string> Postconf::master_line(const std::string& key) const {
    auto out = run({"-M", key});
    if (!out) return out;
    return std::string(ascii::trim_space(*out));
}

namespace {

// The entry's -o options as master.cf arguments.  Why not `postconf -P`:
// it refuses a value with blanks ("-Pe does not accept whitespace"), and a
// per-milter list such as { inet:..., default_action=tempfail } has them;
// `-M` takes Postfix 3's "-o { name = value }" form inside the entry.
std::string option_arguments(const MasterEntry& entry) {
    std::string args;
    for (const auto& [name, value] : entry.options) {
        const bool blanks = value.find_first_of(" \t") != std::string::npos;
        args += blanks ? " -o { " + name + " = " + value + " }" : " -o " + name + "=" + value;
    }
    return args;
}

}  // namespace

Expected<void, std::string> Postconf::add_master(const MasterEntry& entry) const {
    auto out = run({"-M", entry.key() + "=" + entry.line() + option_arguments(entry)});
    if (!out) return Unexpected{out.error()};
    return {};
}

Expected<void, std::string> Postconf::remove_master(const std::string& key) const {
    auto out = run({"-MX", key});
    if (!out) return Unexpected{out.error()};
    return {};
}

Expected<std::optional<std::string>, std::string> Postconf::master_option(
    const std::string& key, const std::string& name) const {
    // Without -h, postconf prints "KEY/NAME = VALUE" for a set option and
    // nothing for an unset one, so an empty value stays distinguishable.
    auto out = run({"-P", key + "/" + name});
    if (!out) return Unexpected{out.error()};
    const std::string_view line = ascii::trim_space(*out);
    if (line.empty()) return std::optional<std::string>{};
    const std::size_t eq = line.find('=');
    if (eq == std::string_view::npos) return Unexpected{"postconf -P " + key + "/" + name + ": unexpected output"};
    return std::optional<std::string>{std::string(ascii::trim_space(line.substr(eq + 1)))};
}

Expected<void, std::string> Postconf::set_master_option(const std::string& key, const std::string& name,
                                                        const std::string& value) const {
    auto out = run({"-P", key + "/" + name + "=" + value});
    if (!out) return Unexpected{out.error()};
    return {};
}

Expected<void, std::string> Postconf::unset_master_option(const std::string& key, const std::string& name) const {
    auto out = run({"-PX", key + "/" + name});
    if (!out) return Unexpected{out.error()};
    return {};
}

}  // namespace mixtasy::milter::setup
