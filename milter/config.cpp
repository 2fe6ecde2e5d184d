// config.cpp - table-driven parser of mixtasy-milter.conf.
//
// Each key has one setter that checks its value and stores it; the table is
// the single list of keys the daemon knows, so an unknown key is simply one
// that is not in it.
#include "milter/config.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <syslog.h>

#include "common/ascii.h"
#include "core/publish/hkp.h"

namespace mixtasy::milter {
namespace {

using SetResult = std::optional<std::string>;  // nullopt: accepted; else why not
using Setter = SetResult (*)(Config&, std::string_view);

using ascii::lower;

// Config text is split at LF before it is trimmed, so ascii's "space" (blank,
// CR, LF) is what this parser strips: blanks and the CR of a CRLF file.

std::optional<std::uint64_t> parse_unsigned(std::string_view s, int base = 10) {
    std::uint64_t v = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v, base);
    if (ec != std::errc() || end != s.data() + s.size() || s.empty()) return std::nullopt;
    return v;
}

// "300", "300s", "5m", "2h", "1d"
std::optional<std::uint64_t> parse_seconds(std::string_view s) {
    std::uint64_t unit = 1;
    if (!s.empty()) {
        switch (s.back()) {
            case 's':
            case 'S':
                unit = 1;
                s.remove_suffix(1);
                break;
            case 'm':
            case 'M':
                unit = 60;
                s.remove_suffix(1);
                break;
            case 'h':
            case 'H':
                unit = 3600;
                s.remove_suffix(1);
                break;
            case 'd':
            case 'D':
                unit = 86400;
                s.remove_suffix(1);
                break;
            default: break;
        }
    }
    auto v = parse_unsigned(s);
    if (!v || *v > 365ULL * 86400 / unit) return std::nullopt;
    return *v * unit;
}

// "262144", "256k", "1m"
std::optional<std::uint64_t> parse_size(std::string_view s) {
    std::uint64_t unit = 1;
    if (!s.empty()) {
        switch (s.back()) {
            case 'k':
            case 'K':
                unit = 1024;
                s.remove_suffix(1);
                break;
            case 'm':
            case 'M':
                unit = 1024 * 1024;
                s.remove_suffix(1);
                break;
            default: break;
        }
    }
    auto v = parse_unsigned(s);
    if (!v || *v > kMaxMessageSizeCeiling / unit) return std::nullopt;
    return *v * unit;
}

std::optional<bool> parse_bool(std::string_view s) {
    const std::string v = lower(s);
    if (v == "yes" || v == "true" || v == "on" || v == "1") return true;
    if (v == "no" || v == "false" || v == "off" || v == "0") return false;
    return std::nullopt;
}

// Comma- or blank-separated list, lower-cased (domains are case-insensitive).
std::vector<std::string> parse_domain_list(std::string_view s) {
    std::vector<std::string> out;
    std::string item;
    auto flush = [&] {
        if (!item.empty()) out.push_back(lower(item));
        item.clear();
    };
    for (char c : s) {
        if (c == ',' || ascii::is_space(c)) flush();
        else item.push_back(c);
    }
    flush();
    return out;
}

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

SetResult set_socket(Config& c, std::string_view v) {
    if (auto bad = check_socket(v)) return bad;
    c.socket = v;
    return std::nullopt;
}
SetResult set_umask(Config& c, std::string_view v) {
    auto m = parse_unsigned(v, 8);
    if (!m || *m > 0777) return "expected an octal mask 000..777";
    c.umask = static_cast<mode_t>(*m);
    return std::nullopt;
}
SetResult set_user_id(Config& c, std::string_view v) {
    c.user_id = v;
    return std::nullopt;
}
SetResult set_allow_root(Config& c, std::string_view v) {
    auto b = parse_bool(v);
    if (!b) return "expected yes or no";
    c.allow_root = *b;
    return std::nullopt;
}
SetResult set_socket_group(Config& c, std::string_view v) {
    if (std::any_of(v.begin(), v.end(), [](char ch) { return ascii::is_space(ch) || ch == ':'; }))
        return "expected one group name";
    c.socket_group = v;
    return std::nullopt;
}
SetResult set_pid_file(Config& c, std::string_view v) {
    if (v.front() != '/') return "PidFile must be an absolute path";
    c.pid_file = v;
    return std::nullopt;
}
SetResult set_syslog(Config& c, std::string_view v) {
    auto b = parse_bool(v);
    if (!b) return "expected yes or no";
    c.syslog = *b;
    return std::nullopt;
}
SetResult set_syslog_facility(Config& c, std::string_view v) {
    if (!parse_syslog_facility(v, c.syslog_facility)) return "unknown syslog facility";
    return std::nullopt;
}
SetResult set_log_level(Config& c, std::string_view v) {
    if (!parse_log_level(v, c.log_level)) return "expected error, warning, notice, info or debug";
    return std::nullopt;
}
SetResult set_home(Config& c, std::string_view v) {
    if (v.front() != '/') return "Home must be an absolute path";
    c.node.home = v;
    return std::nullopt;
}
SetResult set_database(Config& c, std::string_view v) {
    if (v.front() != '/') return "Database must be an absolute path";
    c.node.database = v;
    return std::nullopt;
}
SetResult set_local_domains(Config& c, std::string_view v) {
    c.node.local_domains = parse_domain_list(v);
    return std::nullopt;
}
SetResult set_anonymous_from(Config& c, std::string_view v) {
    if (v.find('@') == std::string_view::npos) return "expected an address like nobody@example.org";
    c.node.anonymous_from = v;
    return std::nullopt;
}
SetResult set_block_list(Config& c, std::string_view v) {
    c.block_list_file = v;
    std::ifstream in{std::string(v)};
    if (!in) return "cannot read block list file";
    std::vector<std::string> entries;
    std::string line;
    while (std::getline(in, line)) {
        std::string_view entry = ascii::trim_space(line);
        if (entry.empty() || entry.front() == '#') continue;
        if (entries.size() == kMaxBlockListEntries) return "block list has too many entries";
        entries.push_back(lower(entry));
    }
    c.node.blocked_destinations = std::move(entries);
    return std::nullopt;
}
SetResult set_pool_interval(Config& c, std::string_view v) {
    auto s = parse_seconds(v);
    if (!s || *s == 0) return "expected a positive duration (e.g. 900, 15m)";
    c.node.pool.interval = std::chrono::seconds(*s);
    return std::nullopt;
}
SetResult set_subkey_lifetime(Config& c, std::string_view v) {
    auto s = parse_seconds(v);
    // At least an hour: a shorter key would expire inside one pool round.
    if (!s || *s < 3600 || *s > 0xffffffffu)
        return "expected a duration from 1h to 136 years (e.g. 2d)";
    c.node.subkey_validity = std::chrono::seconds(*s);
    return std::nullopt;
}
// A message count of 0..1000000 into `target`.
SetResult set_count(std::size_t& target, std::string_view v) {
    auto n = parse_unsigned(v);
    if (!n || *n > 1000000) return "expected 0..1000000";
    target = *n;
    return std::nullopt;
}
SetResult set_pool_min_messages(Config& c, std::string_view v) {
    return set_count(c.node.pool.min_pool, v);
}
SetResult set_pool_min_keep(Config& c, std::string_view v) {
    return set_count(c.node.pool.min_keep, v);
}
SetResult set_exit_rate_per_hour(Config& c, std::string_view v) {
    return set_count(c.node.exit_rate_per_hour, v);
}
SetResult set_exit_domain_rate_per_hour(Config& c, std::string_view v) {
    return set_count(c.node.exit_domain_rate_per_hour, v);
}
SetResult set_exit_global_rate_per_hour(Config& c, std::string_view v) {
    return set_count(c.node.exit_global_rate_per_hour, v);
}
SetResult set_pool_fraction(Config& c, std::string_view v) {
    // from_chars for double is available in GCC 11+.
    double f = 0;
    auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), f);
    if (ec != std::errc() || end != v.data() + v.size() || !(f > 0.0 && f <= 1.0))
        return "expected a fraction in (0, 1]";
    c.node.pool.fraction = f;
    return std::nullopt;
}
SetResult set_max_message_size(Config& c, std::string_view v) {
    auto n = parse_size(v);
    if (!n || *n < 1024) return "expected a size from 1k to 64m";
    c.max_message_size = *n;
    return std::nullopt;
}
// Multipart sets (core/node/reassembly.h).  Whether the caps fit the
// largest original is checked where they meet, when the node opens.
SetResult set_max_original_size(Config& c, std::string_view v) {
    auto n = parse_size(v);
    if (!n || *n < 1024) return "expected a size from 1k to 64m";
    c.node.max_original_bytes = *n;
    return std::nullopt;
}
SetResult set_multipart_size(std::size_t& target, std::string_view v) {
    auto n = parse_size(v);
    if (!n) return "expected a size up to 64m (0: no cap)";
    target = *n;
    return std::nullopt;
}
SetResult set_multipart_max_sets(Config& c, std::string_view v) {
    return set_count(c.node.multipart.max_open_sets, v);
}
SetResult set_multipart_max_bytes(Config& c, std::string_view v) {
    return set_multipart_size(c.node.multipart.max_buffer_bytes, v);
}
SetResult set_multipart_window(Config& c, std::string_view v) {
    auto s = parse_seconds(v);
    if (!s || *s == 0) return "expected a positive duration (e.g. 1h)";
    c.node.multipart.window = std::chrono::seconds(*s);
    return std::nullopt;
}
SetResult set_multipart_window_sets(Config& c, std::string_view v) {
    return set_count(c.node.multipart.max_window_sets, v);
}
SetResult set_multipart_window_bytes(Config& c, std::string_view v) {
    return set_multipart_size(c.node.multipart.max_window_bytes, v);
}
SetResult set_reinject_url(Config& c, std::string_view v) {
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
SetResult set_reinject_timeout(Config& c, std::string_view v) {
    auto s = parse_seconds(v);
    if (!s || *s == 0 || *s > 3600) return "expected 1s..1h";
    c.reinject_timeout = std::chrono::seconds(*s);
    return std::nullopt;
}
SetResult set_quarantine(Config& c, std::string_view v) {
    auto b = parse_bool(v);
    if (!b) return "expected yes or no";
    c.quarantine = *b;
    return std::nullopt;
}

// Key publication (issue 12): keyservers the daemon uploads public.asc to
// after each rotation, and the WKD document root it rewrites.
SetResult set_key_server(Config& c, std::string_view v) {
    // A list, comma or blank separated: every key may appear once.
    std::vector<std::string> servers;
    std::string item;
    for (std::size_t i = 0; i <= v.size(); ++i) {
        if (i < v.size() && v[i] != ',' && !ascii::is_space(v[i])) {
            item.push_back(v[i]);
            continue;
        }
        if (item.empty()) continue;
        if (auto s = core::parse_hkp_server(item); !s) return s.error().detail;
        servers.push_back(item);
        item.clear();
    }
    if (servers.size() > 16) return "at most 16 keyservers";
    c.key_servers = std::move(servers);
    return std::nullopt;
}
SetResult set_wkd_directory(Config& c, std::string_view v) {
    if (v.front() != '/') return "WkdDirectory must be an absolute path";
    c.wkd_directory = v;
    return std::nullopt;
}

struct KeySpec {
    const char* name;  // lower case
    Setter set;
};

constexpr std::array kKeys{
    KeySpec{"socket", set_socket},
    KeySpec{"umask", set_umask},
    KeySpec{"userid", set_user_id},
    KeySpec{"allowroot", set_allow_root},
    KeySpec{"socketgroup", set_socket_group},
    KeySpec{"pidfile", set_pid_file},
    KeySpec{"syslog", set_syslog},
    KeySpec{"syslogfacility", set_syslog_facility},
    KeySpec{"loglevel", set_log_level},
    KeySpec{"home", set_home},
    KeySpec{"subkeylifetime", set_subkey_lifetime},
    KeySpec{"database", set_database},
    KeySpec{"localdomains", set_local_domains},
    KeySpec{"anonymousfrom", set_anonymous_from},
    KeySpec{"blocklist", set_block_list},
    KeySpec{"exitrateperhour", set_exit_rate_per_hour},
    KeySpec{"exitdomainrateperhour", set_exit_domain_rate_per_hour},
    KeySpec{"exitglobalrateperhour", set_exit_global_rate_per_hour},
    KeySpec{"poolinterval", set_pool_interval},
    KeySpec{"poolminmessages", set_pool_min_messages},
    KeySpec{"poolminkeep", set_pool_min_keep},
    KeySpec{"poolfraction", set_pool_fraction},
    KeySpec{"maxmessagesize", set_max_message_size},
    KeySpec{"maxoriginalsize", set_max_original_size},
    KeySpec{"multipartmaxsets", set_multipart_max_sets},
    KeySpec{"multipartmaxbytes", set_multipart_max_bytes},
    KeySpec{"multipartwindow", set_multipart_window},
    KeySpec{"multipartwindowsets", set_multipart_window_sets},
    KeySpec{"multipartwindowbytes", set_multipart_window_bytes},
    KeySpec{"reinjecturl", set_reinject_url},
    KeySpec{"reinjecttimeout", set_reinject_timeout},
    KeySpec{"quarantine", set_quarantine},
    KeySpec{"keyserver", set_key_server},
    KeySpec{"wkddirectory", set_wkd_directory},
};

const KeySpec* find_key(std::string_view key) {
    const std::string k = lower(key);
    for (const KeySpec& spec : kKeys) {
        if (k == spec.name) return &spec;
    }
    return nullptr;
}

Config defaults() {
    Config c;
    c.syslog_facility = LOG_MAIL;
    c.node.home = "/var/lib/mixtasy-milter";
    return c;
}

}  // namespace

std::string format_problems(std::string_view file, const ConfigProblems& problems) {
    std::ostringstream out;
    for (const ConfigProblem& p : problems) {
        out << file;
        if (p.line != 0) out << ':' << p.line;
        out << ": " << p.message << '\n';
    }
    return out.str();
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
        const std::string_view line = ascii::trim_space(raw);
        if (line.empty() || line.front() == '#') continue;
        const auto gap = std::find_if(line.begin(), line.end(), ascii::is_space) - line.begin();
        const std::string_view key = line.substr(0, static_cast<std::size_t>(gap));
        const std::string_view value =
            ascii::trim_space(line.substr(static_cast<std::size_t>(gap)));
        const KeySpec* spec = find_key(key);
        if (spec == nullptr) {
            problems.push_back({line_no, "unknown key '" + std::string(key) + "'"});
            continue;
        }
        if (value.empty()) {
            problems.push_back({line_no, std::string(key) + ": missing value"});
            continue;
        }
        if (!seen.insert(spec->name).second) {
            problems.push_back({line_no, std::string(key) + ": given more than once"});
            continue;
        }
        if (auto why = spec->set(config, value)) {
            problems.push_back({line_no, std::string(key) + ": " + *why});
        }
    }
    if (config.node.database.empty()) config.node.database = config.node.home + "/node.db";
    if (!problems.empty()) return Unexpected{std::move(problems)};
    return config;
}

Expected<Config, ConfigProblems> load_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Unexpected{ConfigProblems{{0, "cannot open configuration file"}}};
    std::string text;
    text.resize(kMaxConfigBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > kMaxConfigBytes) {
        return Unexpected{ConfigProblems{{0, "configuration file larger than 1 MiB"}}};
    }
    return parse_config(text);
}

}  // namespace mixtasy::milter
