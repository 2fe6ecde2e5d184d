// SPDX-License-Identifier: BSD-2-Clause
// config.cpp - table-driven parser of mixtasy-milter.conf.
//
// Each key is one row of kKeys: its name and the check that stores its
// value, beside it.  The rows call one helper per value type (boolean,
// duration, size, count, list, path), so a new key is one line and its
// range reads where the key is named.  The table is the single list of keys
// the daemon knows: an unknown key is one that is not in it, and
// known_config_keys() hands the same list to the man-page test.
#include "milter/config.h"

#include <algorithm>
#include <array>
#include <cerrno>
#include <charconv>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "common/ascii.h"
#include "common/duration.h"
#include "core/keys/node_key.h"
#include "core/publish/hkp.h"

namespace mixtasy::milter {
namespace {

using SetResult = std::optional<std::string>;  // nullopt: accepted; else why not
using V = std::string_view;
using Setter = SetResult (*)(Config&, V);
using std::chrono::seconds;
using namespace std::chrono_literals;

using ascii::lower;

constexpr std::uint64_t kKiB = 1024;
constexpr std::uint64_t kMiB = 1024 * 1024;
constexpr seconds kDay = 24h;

// Config text is split at LF before it is trimmed, so ascii's "space" (blank,
// CR, LF) is what this parser strips: blanks and the CR of a CRLF file.

std::optional<std::uint64_t> parse_unsigned(std::string_view s, int base = 10) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

// "262144", "256k", "1m"
std::optional<std::uint64_t> parse_size(std::string_view s) {
    std::uint64_t unit = 1;
    if (!s.empty() && (s.back() == 'k' || s.back() == 'K')) unit = kKiB;
    if (!s.empty() && (s.back() == 'm' || s.back() == 'M')) unit = kMiB;
    if (unit != 1) s.remove_suffix(1);
    auto v = parse_unsigned(s);
    if (!v || *v > kMaxMessageSizeCeiling / unit) return std::nullopt;
    return *v * unit;
}

// As opendkim.conf(5): the first letter decides, t/y/1 or f/n/0, in either
// case; "on" and "off" are read too, as earlier versions of this file did.
std::optional<bool> parse_bool(std::string_view s) {
    const std::string v = lower(s);
    if (v == "on") return true;
    if (v == "off") return false;
    if (v.empty()) return std::nullopt;
    if (v[0] == 't' || v[0] == 'y' || v[0] == '1') return true;
    if (v[0] == 'f' || v[0] == 'n' || v[0] == '0') return false;
    return std::nullopt;
}

// Comma- or blank-separated list.
std::vector<std::string> split_list(std::string_view s) {
    std::vector<std::string> out;
    std::string item;
    for (std::size_t i = 0; i <= s.size(); ++i) {
        if (i < s.size() && s[i] != ',' && !ascii::is_space(s[i])) {
            item.push_back(s[i]);
        } else if (!item.empty()) {
            out.push_back(std::move(item));
            item.clear();
        }
    }
    return out;
}

// ---- one helper per value type ---------------------------------------------

SetResult set_bool(bool& target, V v) {
    auto b = parse_bool(v);
    if (!b) return "expected yes or no (or true/false, 1/0)";
    target = *b;
    return std::nullopt;
}

SetResult set_duration(seconds& target, V v, seconds min, seconds max, const char* range) {
    auto d = parse_duration(v);
    if (!d || *d < min || *d > max)
        return std::string("expected a duration ") + range + " (seconds, or with s/m/h/d)";
    target = *d;
    return std::nullopt;
}

SetResult set_size(std::size_t& target, V v, std::uint64_t min, const char* range) {
    auto n = parse_size(v);
    if (!n || *n < min) return std::string("expected a size ") + range + " (bytes, or with k/m)";
    target = *n;
    return std::nullopt;
}

// The shapes most keys share.
SetResult set_interval(seconds& target, V v) {
    return set_duration(target, v, 1s, 365 * kDay, "from 1s to 365d");
}
SetResult set_message_size(std::size_t& target, V v) {
    return set_size(target, v, kKiB, "from 1k to 64m");
}
SetResult set_byte_cap(std::size_t& target, V v) {
    return set_size(target, v, 0, "up to 64m (0: no cap)");
}

// A message count of 0..1000000.
SetResult set_count(std::size_t& target, V v) {
    auto n = parse_unsigned(v);
    if (!n || *n > 1000000) return "expected 0..1000000";
    target = *n;
    return std::nullopt;
}

// Domains are case-insensitive: stored lower-cased.
SetResult set_domain_list(std::vector<std::string>& target, V v) {
    target.clear();
    for (const std::string& d : split_list(v)) target.push_back(lower(d));
    return std::nullopt;
}

SetResult set_path(std::string& target, V v) {
    if (v.front() != '/') return "expected an absolute path";
    target = v;
    return std::nullopt;
}

SetResult set_text(std::string& target, V v) {
    target = v;
    return std::nullopt;
}

// ---- keys with a check of their own ----------------------------------------

SetResult check_socket(std::string_view v) {
    auto colon = v.find(':');
    if (colon == std::string_view::npos)
        return "expected inet:PORT@HOST, inet6:PORT@HOST or unix:PATH";
    const std::string scheme = lower(v.substr(0, colon));
    const std::string_view rest = v.substr(colon + 1);
    if (scheme == "unix" || scheme == "local") {
        if (rest.empty() || rest.front() != '/') return "unix socket path must be absolute";
        return std::nullopt;
    }
    if (scheme == "inet" || scheme == "inet6") {
        auto at = rest.find('@');
        auto port = parse_unsigned(rest.substr(0, at));
        if (!port || *port == 0 || *port > 65535) return "port must be 1..65535";
        if (at != std::string_view::npos && at + 1 == rest.size()) return "empty host after '@'";
        return std::nullopt;
    }
    return "unknown socket type '" + scheme + "'";
}

SetResult set_socket(Config& c, V v) {
    if (auto bad = check_socket(v)) return bad;
    c.socket = v;
    return std::nullopt;
}
SetResult set_umask(Config& c, V v) {
    auto m = parse_unsigned(v, 8);
    if (!m || *m > 0777) return "expected an octal mask 000..777";
    c.umask = static_cast<mode_t>(*m);
    return std::nullopt;
}
// At least an hour: a shorter subkey would expire inside one pool round
// (the bounds are core's, shared with `mixtasy keygen --subkey-lifetime`).
SetResult set_subkey_lifetime(Config& c, V v) {
    return set_duration(c.node.subkey_validity, v, core::kMinSubkeyValidity,
                        core::kMaxSubkeyValidity, "from 1h to 136 years (e.g. 2d)");
}
SetResult set_socket_group(Config& c, V v) {
    if (std::any_of(v.begin(), v.end(), [](char ch) { return ascii::is_space(ch) || ch == ':'; }))
        return "expected one group name";
    c.socket_group = v;
    return std::nullopt;
}
SetResult set_syslog_facility(Config& c, V v) {
    if (!parse_syslog_facility(v, c.syslog_facility)) return "unknown syslog facility";
    return std::nullopt;
}
SetResult set_log_level(Config& c, V v) {
    if (!parse_log_level(v, c.log_level)) return "expected error, warning, notice, info or debug";
    return std::nullopt;
}
SetResult set_anonymous_from(Config& c, V v) {
    if (v.find('@') == std::string_view::npos) return "expected an address like nobody@example.org";
    c.node.anonymous_from = v;
    return std::nullopt;
}
SetResult set_message_id_domain(Config& c, V v) {
    if (v.find_first_of("@<> \t") != std::string_view::npos || v.front() == '.')
        return "expected a domain like mix.example.org";
    c.node.message_id_domain = lower(v);
    return std::nullopt;
}
// Lower-cased: addresses are compared case-insensitively, and the key's is.
SetResult set_mix_address(Config& c, V v) {
    const auto at = v.find('@');
    if (at == 0 || at == std::string_view::npos || at + 1 == v.size() ||
        v.find_first_of("<> \t\"", 0) != std::string_view::npos || v.find('@', at + 1) != V::npos)
        return "expected an address like mixtasy@mix.example.org";
    c.mix_address = lower(v);
    return std::nullopt;
}
SetResult set_mode(Config& c, V v) {
    std::vector<std::string> modes;
    for (const std::string& m : split_list(v)) {
        const std::string l = lower(m);
        if (l != "middleman" && l != "exitpublic" && l != "exitprivate")
            return "unknown mode '" + m + "' (expected middleman, exitpublic, exitprivate)";
        modes.push_back(l);
    }
    std::sort(modes.begin(), modes.end());
    modes.erase(std::unique(modes.begin(), modes.end()), modes.end());
    c.modes = std::move(modes);
    return std::nullopt;
}
// Reads fd to its end or to `max` bytes; 0, or the errno of a failed read.
int read_up_to(int fd, std::size_t max, std::string& text) {
    text.assign(max, '\0');
    std::size_t got = 0;
    while (got < text.size()) {
        const ssize_t n = ::read(fd, text.data() + got, text.size() - got);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return errno;
        if (n == 0) break;
        got += static_cast<std::size_t>(n);
    }
    text.resize(got);
    return 0;
}

// The block list file, read whole: a regular file (a FIFO or a device would
// block or never end) of at most kMaxBlockListBytes.
SetResult read_block_list_file(const std::string& path, std::string& text) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return "cannot read block list file " + path + ": " + std::strerror(errno);
    struct stat st {};
    SetResult why;
    if (::fstat(fd, &st) != 0)
        why = "cannot read block list file " + path + ": " + std::strerror(errno);
    else if (!S_ISREG(st.st_mode)) why = "block list file " + path + " is not a regular file";
    else if (static_cast<std::uint64_t>(st.st_size) > kMaxBlockListBytes)
        why = "block list file " + path + " is larger than 16 MiB";
    if (!why) {
        if (const int err = read_up_to(fd, kMaxBlockListBytes, text); err != 0)
            why = "cannot read block list file " + path + ": " + std::strerror(err);
    }
    ::close(fd);
    return why;
}

SetResult set_block_list(Config& c, V v) {
    c.block_list_file = v;
    std::string text;
    if (auto why = read_block_list_file(c.block_list_file, text)) return why;
    std::vector<std::string> entries;
    std::string_view rest = text;
    while (!rest.empty()) {
        const auto nl = rest.find('\n');
        const std::string_view entry = ascii::trim_space(rest.substr(0, nl));
        rest.remove_prefix(nl == std::string_view::npos ? rest.size() : nl + 1);
        if (entry.empty() || entry.front() == '#') continue;
        if (entries.size() == kMaxBlockListEntries) return "block list has too many entries";
        entries.push_back(lower(entry));
    }
    c.node.blocked_destinations = std::move(entries);
    return std::nullopt;
}
SetResult set_pool_fraction(Config& c, V v) {
    // from_chars for double is available in GCC 11+.
    double f = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), f);
    if (ec != std::errc() || end != v.data() + v.size() || !(f > 0.0 && f <= 1.0))
        return "expected a fraction in (0, 1]";
    c.node.pool.fraction = f;
    return std::nullopt;
}
SetResult set_reinject_url(Config& c, V v) {
    const std::string l = lower(v);
    if (l.starts_with("smtp://") || l.starts_with("smtps://")) {
        if (v.size() <= 7 + (l.starts_with("smtps") ? 1 : 0)) return "missing host";
    } else if (l.starts_with("sendmail:")) {
        if (v.size() < 10 || v[9] != '/') return "sendmail: needs an absolute path";
    } else {
        return "expected smtp://HOST:PORT, smtps://HOST:PORT or sendmail:/PATH";
    }
    c.reinject_url = v;
    return std::nullopt;
}
// Key publication (issue 12): keyservers the daemon uploads public.asc to
// after each rotation.
SetResult set_key_server(Config& c, V v) {
    std::vector<std::string> servers = split_list(v);
    for (const std::string& item : servers) {
        if (auto s = core::parse_hkp_server(item); !s) return s.error().detail;
    }
    if (servers.size() > 16) return "at most 16 keyservers";
    c.key_servers = std::move(servers);
    return std::nullopt;
}

struct KeySpec {
    const char* name;  // as documented; matched case-insensitively
    Setter set;
};

// One row a key: its name, and the check of its value beside it.  A row is
// `KEY(name, expression)`, the expression over the Config `c` and the value
// text `v`; clang-format is off so that each row stays one line (a merge of
// rows added at the same time is then a merge of lines).
#define KEY(name, ...)                          \
    KeySpec {                                   \
        name, [](Config& c, V v) -> SetResult { \
            return __VA_ARGS__;                 \
        }                                       \
    }
// clang-format off
constexpr std::array kKeys{
    // Daemon
    KEY("Socket", set_socket(c, v)),
    KEY("UMask", set_umask(c, v)),
    KEY("UserID", set_text(c.user_id, v)),
    KEY("AllowRoot", set_bool(c.allow_root, v)),
    KEY("SocketGroup", set_socket_group(c, v)),
    KEY("PidFile", set_path(c.pid_file, v)),
    KEY("Syslog", set_bool(c.syslog, v)),
    KEY("SyslogFacility", set_syslog_facility(c, v)),
    KEY("LogLevel", set_log_level(c, v)),
    // The node
    KEY("Home", set_path(c.node.home, v)),
    KEY("Mode", set_mode(c, v)),
    KEY("MixAddress", set_mix_address(c, v)),
    KEY("SubkeyLifetime", set_subkey_lifetime(c, v)),
    KEY("Database", set_path(c.node.database, v)),
    KEY("LocalDomains", set_domain_list(c.node.local_domains, v)),
    KEY("AnonymousFrom", set_anonymous_from(c, v)),
    KEY("MessageIdDomain", set_message_id_domain(c, v)),
    KEY("BlockList", set_block_list(c, v)),
    KEY("ExitRatePerHour", set_count(c.node.exit_rate_per_hour, v)),
    KEY("ExitDomainRatePerHour", set_count(c.node.exit_domain_rate_per_hour, v)),
    KEY("ExitGlobalRatePerHour", set_count(c.node.exit_global_rate_per_hour, v)),
    // Pool
    KEY("PoolInterval", set_interval(c.node.pool.interval, v)),
    KEY("PoolMinMessages", set_count(c.node.pool.min_pool, v)),
    KEY("PoolMinKeep", set_count(c.node.pool.min_keep, v)),
    KEY("PoolFraction", set_pool_fraction(c, v)),
    KEY("PoolRetryBase", set_interval(c.node.retry.retry_base, v)),
    KEY("PoolRetryMax", set_interval(c.node.retry.retry_max, v)),
    // Messages and multipart sets (core/node/reassembly.h).  Whether the caps
    // fit the largest original is checked where they meet, when the node opens.
    KEY("MaxMessageSize", set_message_size(c.max_message_size, v)),
    KEY("MaxOriginalSize", set_message_size(c.node.max_original_bytes, v)),
    KEY("MultipartMaxSets", set_count(c.node.multipart.max_open_sets, v)),
    KEY("MultipartMaxBytes", set_byte_cap(c.node.multipart.max_buffer_bytes, v)),
    KEY("MultipartWindow", set_interval(c.node.multipart.window, v)),
    KEY("MultipartWindowSets", set_count(c.node.multipart.max_window_sets, v)),
    KEY("MultipartWindowBytes", set_byte_cap(c.node.multipart.max_window_bytes, v)),
    KEY("Quarantine", set_bool(c.quarantine, v)),
    // Resending
    KEY("ReinjectURL", set_reinject_url(c, v)),
    KEY("ReinjectTimeout", set_duration(c.reinject_timeout, v, 1s, 1h, "from 1s to 1h")),
    // Key publication
    KEY("KeyServer", set_key_server(c, v)),
    KEY("WkdDirectory", set_path(c.wkd_directory, v)),
    // Key service and admin replies (core/node/service_desk.h)
    KEY("ServiceDomains", set_domain_list(c.node.service_domains, v)),
    KEY("KeyPublicationOnInet", set_bool(c.key_publication_on_inet, v)),
    KEY("ReplyRatePerHour", set_count(c.node.replies.per_requester_per_hour, v)),
    KEY("ReplyGlobalRatePerHour", set_count(c.node.replies.global_per_hour, v)),
    // The node's own view of the network (milter/mix_directory_refresh.h)
    KEY("MixDomains", set_domain_list(c.mix_domains, v)),
    KEY("MixDirectoryRefresh", set_duration(c.mix_directory_refresh, v, 0s, 365 * kDay, "from 0 (off) to 365d")),
};
// clang-format on
#undef KEY

const KeySpec* find_key(std::string_view key) {
    const std::string k = lower(key);
    for (const KeySpec& spec : kKeys) {
        if (k == lower(spec.name)) return &spec;
    }
    return nullptr;
}

Config defaults() {
    Config c;
    c.syslog_facility = LOG_MAIL;
    c.node.home = build::kDefaultStateDir;
    return c;
}

// The part of `line` before a '#' that is not inside double quotes, and
// whether a quote was left open.
struct Uncommented {
    std::string_view text;
    bool open_quote = false;
};
Uncommented strip_comment(std::string_view line) {
    bool quoted = false;
    for (std::size_t i = 0; i < line.size(); ++i) {
        if (line[i] == '"') quoted = !quoted;
        else if (line[i] == '#' && !quoted) return {line.substr(0, i), false};
    }
    return {line, quoted};
}

// A value written "in quotes" (to hold a '#' or blanks at its ends) is
// stored without them.
std::string_view unquote(std::string_view v) {
    if (v.size() >= 2 && v.front() == '"' && v.back() == '"') return v.substr(1, v.size() - 2);
    return v;
}

// One non-blank, uncommented line: its key checked and its value stored.
void read_line(std::string_view line, std::size_t line_no, Config& config,
               std::set<std::string>& seen, ConfigProblems& problems) {
    const auto gap = std::find_if(line.begin(), line.end(), ascii::is_space) - line.begin();
    const std::string_view key = line.substr(0, static_cast<std::size_t>(gap));
    const std::string_view value =
        unquote(ascii::trim_space(line.substr(static_cast<std::size_t>(gap))));
    const KeySpec* spec = find_key(key);
    if (spec == nullptr) {
        problems.push_back({line_no, "unknown key '" + std::string(key) + "'"});
    } else if (value.empty()) {
        problems.push_back({line_no, std::string(key) + ": missing value"});
    } else if (!seen.insert(spec->name).second) {
        problems.push_back({line_no, std::string(key) + ": given more than once"});
    } else if (auto why = spec->set(config, value)) {
        problems.push_back({line_no, std::string(key) + ": " + *why});
    } else {
        config.key_lines.emplace(spec->name, line_no);
    }
}

}  // namespace

std::vector<std::string_view> known_config_keys() {
    std::vector<std::string_view> names;
    for (const KeySpec& spec : kKeys) names.emplace_back(spec.name);
    return names;
}

std::optional<std::string> mode_mismatch(const Config& config,
                                         const std::vector<std::string>& key_modes) {
    if (config.modes.empty()) return std::nullopt;
    std::vector<std::string> have;
    for (const std::string& m : key_modes) have.push_back(lower(m));
    std::sort(have.begin(), have.end());
    have.erase(std::unique(have.begin(), have.end()), have.end());
    if (have == config.modes) return std::nullopt;
    auto join = [](const std::vector<std::string>& v) {
        std::string out;
        for (const std::string& m : v) out += (out.empty() ? "" : ",") + m;
        return out.empty() ? std::string("none") : out;
    };
    const std::string want = join(config.modes);
    return "Mode " + want + " differs from the key's mode " + join(have) + " in " +
           config.node.home + "; run `mixtasy key mode --home " + config.node.home + " " + want +
           "` (keeps the key, adds the new user ID, revokes the old) and publish the key";
}

ConfigProblem locate_problem(const Config& config, std::string message) {
    const std::string_view text = message;
    const std::string_view key = text.substr(0, text.find_first_of(" :"));
    const auto it = config.key_lines.find(key);
    return {it == config.key_lines.end() ? 0 : it->second, std::move(message)};
}

std::string format_problems(std::string_view file, const ConfigProblems& problems) {
    std::ostringstream out;
    for (const ConfigProblem& p : problems) {
        out << file;
        if (p.line != 0) out << ':' << p.line;
        out << ": " << p.message << '\n';
    }
    return out.str();
}

// What the node needs from keys that are not its own: the size limit
// remailer-conf reports, and whether {auth_authen} can be trusted (only the
// MTA can reach a unix socket of mode 0660).
static void finish_node_options(Config& config) {
    config.node.max_message_bytes = config.max_message_size;
    const std::string scheme = lower(config.socket.substr(0, config.socket.find(':')));
    const bool unix_socket = scheme == "unix" || scheme == "local";
    config.node.key_publication = unix_socket || config.key_publication_on_inet;
}

Expected<Config, ConfigProblems> parse_config(std::string_view text) {
    Config config = defaults();
    ConfigProblems problems;
    std::set<std::string> seen;
    std::size_t line_no = 0;
    while (!text.empty()) {
        ++line_no;
        const auto nl = text.find('\n');
        std::string_view raw = text.substr(0, nl);
        text.remove_prefix(nl == std::string_view::npos ? text.size() : nl + 1);
        if (raw.size() > kMaxLineLength) {
            problems.push_back(
                {line_no, "line longer than " + std::to_string(kMaxLineLength) + " bytes"});
            continue;
        }
        const Uncommented kept = strip_comment(raw);
        if (kept.open_quote) {
            problems.push_back({line_no, "a '\"' without its closing '\"'"});
            continue;
        }
        const std::string_view line = ascii::trim_space(kept.text);
        if (!line.empty()) read_line(line, line_no, config, seen, problems);
    }
    if (config.node.database.empty()) config.node.database = config.node.home + "/node.db";
    finish_node_options(config);
    if (!problems.empty()) return Unexpected{std::move(problems)};
    return config;
}

Expected<Config, ConfigProblems> load_config(const std::string& path) {
    // The path is the prefix of every problem line (format_problems), so
    // the message adds only the OS's reason.
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        return Unexpected{ConfigProblems{
            {0, std::string("cannot open configuration file: ") + std::strerror(errno)}}};
    }
    std::string text;
    const int read_errno = read_up_to(fd, kMaxConfigBytes + 1, text);
    ::close(fd);
    if (read_errno != 0) {
        return Unexpected{ConfigProblems{
            {0, std::string("cannot read configuration file: ") + std::strerror(read_errno)}}};
    }
    if (text.size() > kMaxConfigBytes) {
        return Unexpected{ConfigProblems{{0, "configuration file larger than 1 MiB"}}};
    }
    return parse_config(text);
}

}  // namespace mixtasy::milter
