// SPDX-License-Identifier: BSD-2-Clause
// config.h - mixtasy-milter.conf: `Key value` lines, as OpenDKIM admins know them.
//
// CONTRACT
//   parse_config(text)   reads the whole file text and returns a Config with
//                        every default of conf/mixtasy-milter.conf filled
//                        in, or the list of every problem found, each with
//                        its 1-based line number (0: the file as a whole).
//   load_config(path)    the same for a file (at most kMaxConfigBytes).
//
//   known_config_keys()  the name of every key, as documented (PoolInterval),
//                        in the order of the table: what a man page or the
//                        sample file must cover.
//
// Syntax, as opendkim.conf(5): one `Key value` per line; the key is
// case-insensitive and ends at the first blank; the value is the rest of the
// line, trimmed.  `#` starts a comment anywhere on a line unless it is
// inside double quotes; a value in double quotes ("/srv/a#b") is taken
// without them.  Booleans: the first letter decides, t/y/1 or f/n/0 (any
// case), and on/off.  Durations: seconds, or a number with s/m/h/d.  Sizes:
// bytes, or with k/m.  Every key may appear once.
//
// REFUSES: unknown keys, a key without a value, a repeated key, values out of
// their named range, an unclosed quote, lines longer than kMaxLineLength, a
// BlockList file that cannot be read (the message names it and the OS's
// reason), is not a regular file, is larger than kMaxBlockListBytes or
// holds more than kMaxBlockListEntries entries.
#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

#include "common/build_config.h"
#include "common/expected.h"
#include "core/node/node.h"
#include "milter/log.h"

namespace mixtasy::milter {

inline constexpr std::size_t kMaxConfigBytes = 1024 * 1024;
inline constexpr std::size_t kMaxLineLength = 4096;
inline constexpr std::size_t kMaxBlockListEntries = 100000;
inline constexpr std::size_t kMaxBlockListBytes = 16 * 1024 * 1024;
inline constexpr std::size_t kMaxMessageSizeCeiling = 64 * 1024 * 1024;
inline constexpr const char* kDefaultConfigPath = build::kDefaultConfigPath;
inline constexpr const char* kDefaultSocket = "unix:/var/spool/postfix/mixtasy/milter.sock";
inline constexpr mode_t kUnixSocketMode = 0660;

struct ConfigProblem {
    std::size_t line;  // 1-based; 0 for the file as a whole
    std::string message;
};
using ConfigProblems = std::vector<ConfigProblem>;

struct Config {
    // Daemon
    // A unix socket, mode 0660, group SocketGroup: only the MTA may speak the
    // milter protocol to us (on an inet socket any local process could, and
    // claim any SMTP macro).  Under Postfix's chroot (Debian's smtpd runs in
    // /var/spool/postfix), so the MTA finds it as /mixtasy/milter.sock.
    std::string socket = kDefaultSocket;
    std::string socket_group = "postfix";  // the MTA's group
    mode_t umask = 007;
    std::string user_id;      // "user" or "user:group"; empty: keep the starting identity
    bool allow_root = false;  // without UserID, refuse to run as root unless set
    std::string pid_file;     // empty: none
    bool syslog = true;
    int syslog_facility = 0;  // filled with LOG_MAIL by parse_config
    LogLevel log_level = LogLevel::Info;

    // Message handling
    std::size_t max_message_size = 256 * 1024;
    bool quarantine = true;  // off: a Quarantine decision discards instead

    // Resend
    std::string reinject_url = "smtp://127.0.0.1:10026";  // or sendmail:/usr/sbin/sendmail
    std::chrono::seconds reinject_timeout{60};

    // Node (home, database, domains, anonymous From, block list, pool)
    core::NodeOptions node;
    std::string block_list_file;

    // Key publication after each rotation (milter/key_publisher.h)
    std::vector<std::string> key_servers;  // KeyServer: hkp://, hkps://, http(s):// URLs
    std::string wkd_directory;             // WkdDirectory: empty, no WKD tree

    // Seed 004's key service (core/node/service_desk.h).  On an inet socket
    // any local process may speak the milter protocol and claim any
    // {auth_authen}: Key Publication is refused there unless this is set.
    // parse_config folds it, with the socket, into node.key_publication.
    bool key_publication_on_inet = false;
    // The node's own view of the network (milter/mix_directory_refresh.h):
    // <Home>/mixes.asc from every KeyServer and the WKD of each MixDomains
    // domain, every MixDirectoryRefresh (0: never; the file is left alone).
    std::vector<std::string> mix_domains;                 // MixDomains
    std::chrono::seconds mix_directory_refresh{3600};     // MixDirectoryRefresh

    // Mode: the modes the admin means the node to have (sorted, unique);
    // empty: whatever the key's user ID says.  `-n` compares them with the
    // key (mode_mismatch) and names `mixtasy key mode` as the fix.
    std::vector<std::string> modes;

    // MixAddress: the node's mix address, so that the milter knows which
    // recipients are the node's also when the key cannot be read (degraded
    // mode, milter/degraded_node.h).  Empty: the key's user ID says.
    std::string mix_address;

    // The line each key was set on, by its documented name; a key left at
    // its default has none.  For `-n`, which names file:line (locate_problem).
    std::map<std::string, std::size_t, std::less<>> key_lines;
};

// The names of every key the parser knows, as documented.
std::vector<std::string_view> known_config_keys();

// With a Mode that differs from the modes of the key's user ID (in any
// order): the line for `-n`, naming the command that changes the key's
// user ID without a new key; nullopt when they agree or Mode is not given.
std::optional<std::string> mode_mismatch(const Config& config,
                                         const std::vector<std::string>& key_modes);

// Renders problems as "FILE:LINE: message" lines for `mixtasy-milter -n`.
// A problem that start-up checks find (daemon_check.h, mode_check.h) begins
// with the name of the key it is about ("UserID: ...", "Home /x: ..."):
// locate_problem gives it that key's line, or 0 when the key was not set.
ConfigProblem locate_problem(const Config& config, std::string message);
std::string format_problems(std::string_view file, const ConfigProblems& problems);

Expected<Config, ConfigProblems> parse_config(std::string_view text);
Expected<Config, ConfigProblems> load_config(const std::string& path);

}  // namespace mixtasy::milter
