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
//
// WHAT IT REFUSES
//   A config over 64 KiB or with a bad line (its line number), an
//   unreadable directory, an original over `limit` bytes: one line on
//   stderr, prefixed with the command's name, and nullopt.
#pragma once

#include <cstddef>
#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "common/bytes.h"
#include "core/sender/client_config.h"
#include "core/sender/directory.h"

namespace mixtasy::cli {

inline constexpr std::size_t kMaxOriginalBytes = 4 * 1024 * 1024;

std::optional<core::ClientConfig> load_client_config(const std::string& path,
                                                     const std::string& command);
std::optional<core::Directory> open_directory(const std::string& dir, const std::string& command);
std::optional<Bytes> read_original(std::size_t limit, const std::string& command);

void add_location_options(CLI::App& sub, std::string& dir, std::string& config);

// The real time, in whole seconds.
Instant now();

}  // namespace mixtasy::cli
