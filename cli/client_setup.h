// SPDX-License-Identifier: BSD-2-Clause
// client_setup.h - what every sender command (`dir`, `send`, `mixmaster`)
// sets up the same way: the client's configuration file, the directory,
// the original on standard input.
//
// WHAT IT DOES
//   load_client_config(path) reads the config (empty `path`: the default,
//   $XDG_CONFIG_HOME/mixtasy/mixtasy.conf or ~/.config/mixtasy/mixtasy.conf;
//   a missing default file is the defaults, a missing named one an error).
//   open_directory(dir) loads the directory at `dir` or, when empty, at
//   core::default_directory_path().  read_original(limit) reads stdin.
//   add_location_options(sub, dir, config) gives a command the --dir and
//   --config options that every sender command takes.
//   rank_policy(config, min_rank) reads the RankingKey files; the minimum
//   rank is --min-rank when given (min_rank >= 0), else MinRank.
//   usable_ring(directory, config, policy) is what a sender may use now:
//   the directory's usable keys (MinSubkeyValidity) ranked by the policy.
//
// WHAT IT REFUSES
//   A config over 64 KiB or with a bad line (its line number), an
//   unreadable directory, an original over `limit` bytes, a ranking key
//   file that cannot be read, a minimum rank without ranking keys: one line on
//   stderr, prefixed with the command's name, and nullopt.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/bytes.h"
#include "core/sender/client_config.h"
#include "core/sender/directory.h"
#include "core/sender/ranking.h"

namespace mixtasy::cli {

inline constexpr std::size_t kMaxOriginalBytes = 4 * 1024 * 1024;

std::optional<core::ClientConfig> load_client_config(const std::string& path,
                                                     const std::string& command);
std::optional<core::Directory> open_directory(const std::string& dir, const std::string& command);
std::optional<Bytes> read_original(std::size_t limit, const std::string& command);

void add_location_options(CLI::App& sub, std::string& dir, std::string& config);

// --min-rank N on `sub`; `min_rank` stays -1 when the option is not given.
void add_min_rank_option(CLI::App& sub, int& min_rank);
std::optional<core::RankPolicy> rank_policy(const core::ClientConfig& config, int min_rank,
                                            const std::string& command);
core::KeyRing usable_ring(const core::Directory& directory, const core::ClientConfig& config,
                          const core::RankPolicy& policy, Instant now);

// The real time, in whole seconds.
Instant now();

}  // namespace mixtasy::cli
