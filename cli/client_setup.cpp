// SPDX-License-Identifier: BSD-2-Clause
// client_setup.cpp - see client_setup.h.
#include "cli/client_setup.h"

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>

namespace mixtasy::cli {
namespace {

std::filesystem::path default_config_path() {
    const char* config = std::getenv("XDG_CONFIG_HOME");
    if (config != nullptr && config[0] == '/')
        return std::filesystem::path(config) / "mixtasy" / "mixtasy.conf";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : ".") / ".config" / "mixtasy" /
           "mixtasy.conf";
}

}  // namespace

void add_location_options(CLI::App& sub, std::string& dir, std::string& config) {
    sub.add_option("--dir", dir, "the directory (default ~/.local/share/mixtasy/directory)");
    sub.add_option("--config", config, "client config (default ~/.config/mixtasy/mixtasy.conf)");
}

void add_min_rank_option(CLI::App& sub, int& min_rank) {
    sub.add_option("--min-rank", min_rank,
                   "use only mixes certified by at least N ranking keys (default: MinRank)")
        ->check(CLI::Range(0, static_cast<int>(core::kMaxMinRank)));
}

std::optional<core::RankPolicy> rank_policy(const core::ClientConfig& config, int min_rank,
                                            const std::string& command) {
    core::RankPolicy policy;
    policy.min_rank = min_rank >= 0 ? static_cast<std::size_t>(min_rank) : config.min_rank;
    auto keys = core::read_ranking_keys(config.ranking_keys);
    if (!keys) {
        std::cerr << command << ": " << keys.error().detail << "\n";
        return std::nullopt;
    }
    policy.keys = std::move(*keys);
    if (policy.min_rank > policy.keys.size()) {
        // No mix could reach it: say so rather than find "no usable mix".
        std::cerr << command << ": a minimum rank of " << policy.min_rank << " needs at least "
                  << policy.min_rank << " ranking keys (RankingKey), " << policy.keys.size()
                  << " configured\n";
        return std::nullopt;
    }
    return policy;
}

core::KeyRing usable_ring(const core::Directory& directory, const core::ClientConfig& config,
                          const core::RankPolicy& policy, Instant t) {
    return core::ranked(directory.usable(t, config.min_subkey_validity), policy, t);
}

Instant now() { return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now()); }

std::optional<core::ClientConfig> load_client_config(const std::string& path,
                                                     const std::string& command) {
    const std::filesystem::path file =
        path.empty() ? default_config_path() : std::filesystem::path(path);
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        if (path.empty()) return core::ClientConfig{};
        std::cerr << command << ": cannot read " << file.string() << "\n";
        return std::nullopt;
    }
    std::string text(core::kMaxConfigBytes + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    auto config = core::parse_client_config(text);
    if (!config) {
        std::cerr << command << ": " << file.string() << ":" << config.error().line << ": "
                  << config.error().detail << "\n";
        return std::nullopt;
    }
    return std::move(*config);
}

std::optional<core::Directory> open_directory(const std::string& dir, const std::string& command) {
    auto loaded = core::Directory::load(dir.empty() ? core::default_directory_path()
                                                    : std::filesystem::path(dir));
    if (!loaded) {
        std::cerr << command << ": directory: " << loaded.error().detail << "\n";
        return std::nullopt;
    }
    return std::move(*loaded);
}

std::optional<Bytes> read_original(std::size_t limit, const std::string& command) {
    Bytes original;
    char buf[65536];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
        original.insert(original.end(), buf, buf + std::cin.gcount());
        if (original.size() > limit) {
            std::cerr << command << ": original message over " << limit / (1024 * 1024) << " MiB\n";
            return std::nullopt;
        }
    }
    return original;
}

}  // namespace mixtasy::cli
