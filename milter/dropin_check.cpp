// SPDX-License-Identifier: BSD-2-Clause
// dropin_check.cpp - see dropin_check.h.
#include "milter/dropin_check.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace mixtasy::milter {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kMaxDropinBytes = 64 * 1024;
constexpr int kMaxDropins = 64;

std::string read_head(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::string text(kMaxDropinBytes, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(in ? text.size() : static_cast<std::size_t>(in.gcount()));
    return text;
}

// The drop-ins' text, one string per *.conf (bounded, see the header).
std::vector<std::string> dropins(const std::string& dir) {
    std::vector<std::string> texts;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (static_cast<int>(texts.size()) == kMaxDropins) break;
        if (entry.path().extension() == ".conf") texts.push_back(read_head(entry.path()));
    }
    return texts;
}

// The blank-separated words after `key=` on each line that sets key
// (blanks around the key and '=' allowed).
std::vector<std::string> values_of(const std::string& text, const std::string& key) {
    std::vector<std::string> values;
    std::istringstream lines(text);
    std::string line;
    while (std::getline(lines, line)) {
        const std::size_t k = line.find_first_not_of(" \t");
        if (k == std::string::npos || line.compare(k, key.size(), key) != 0) continue;
        const std::size_t eq = line.find_first_not_of(" \t", k + key.size());
        if (eq == std::string::npos || line[eq] != '=') continue;
        std::istringstream words(line.substr(eq + 1));
        for (std::string w; words >> w;) values.push_back(w);
    }
    return values;
}

// `path` is `dir` or below it, judged on the names alone.
bool is_within(const fs::path& path, const fs::path& dir) {
    const std::string rel = path.lexically_normal().lexically_relative(dir.lexically_normal()).string();
    return !rel.empty() && rel.rfind("..", 0) != 0;
}

// A ReadWritePaths= entry ('-' and '+' prefixes dropped) that is `dir` or
// one of its parents.
bool covers(std::string entry, const fs::path& dir) {
    while (!entry.empty() && (entry.front() == '-' || entry.front() == '+')) entry.erase(0, 1);
    return !entry.empty() && is_within(dir, entry);
}

bool has_sendmail_dropin(const std::vector<std::string>& texts) {
    for (const std::string& t : texts) {
        for (const std::string& v : values_of(t, "NoNewPrivileges"))
            if (v == "no" || v == "false" || v == "0") return true;
    }
    return false;
}

bool has_wkd_dropin(const std::vector<std::string>& texts, const std::string& wkd) {
    for (const std::string& t : texts) {
        for (const std::string& v : values_of(t, "ReadWritePaths"))
            if (covers(v, wkd)) return true;
    }
    return false;
}

bool unit_installed(const DropinPaths& paths) {
    std::error_code ec;
    return std::any_of(paths.units.begin(), paths.units.end(),
                       [&](const std::string& u) { return fs::exists(u, ec); });
}

}  // namespace

bool needs_sendmail_dropin(const Config& config) { return config.reinject_url.rfind("sendmail:", 0) == 0; }

bool needs_wkd_dropin(const Config& config) {
    return !config.wkd_directory.empty() && !is_within(config.wkd_directory, config.node.home);
}

std::vector<std::string> dropin_warnings(const Config& config, const DropinPaths& paths) {
    std::vector<std::string> warnings;
    if (!unit_installed(paths)) return warnings;
    const std::vector<std::string> texts = dropins(paths.dropin_dir);
    if (needs_sendmail_dropin(config) && !has_sendmail_dropin(texts)) {
        warnings.push_back("ReinjectURL " + config.reinject_url +
                           " needs NoNewPrivileges=no, which no drop-in in " + paths.dropin_dir +
                           " sets (the unit's hardening stops the setgid sendmail binary): "
                           "run mixtasy-milter setup, or install sendmail-transport.conf from the examples");
    }
    if (needs_wkd_dropin(config) && !has_wkd_dropin(texts, config.wkd_directory)) {
        warnings.push_back("WkdDirectory " + config.wkd_directory + " is outside Home and no drop-in in " +
                           paths.dropin_dir +
                           " names it in ReadWritePaths= (ProtectSystem=strict makes it read-only): "
                           "run mixtasy-milter setup, or install wkd-directory.conf from the examples");
    }
    return warnings;
}

}  // namespace mixtasy::milter
