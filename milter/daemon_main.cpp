// SPDX-License-Identifier: BSD-2-Clause
// daemon_main.cpp - mixtasy-milter: `mixtasy-milter -c FILE [-f] [-n] [-V]`.
//
// Order matters: read the configuration, detach (before any thread), block
// SIGUSR1 (every later thread inherits the mask), open the milter socket as
// the starting user, drop privileges, open the node as the mix user, start
// the flush and reload threads, then hand the process to smfi_main until
// SIGTERM/SIGHUP/SIGINT (libmilter's own signal thread calls its stop).
// Exit status: 0 clean, 1 configuration error, 2 startup failure.
#include "milter/daemon_main.h"

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <optional>
#include <signal.h>
#include <string>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include <curl/curl.h>

#include "common/build_config.h"
#include "core/node/library_versions.h"
#include "milter/callbacks.h"
#include "milter/config.h"
#include "milter/daemon.h"
#include "milter/daemon_check.h"
#include "milter/degraded_node.h"
#include "milter/dropin_check.h"
#include "milter/flush_thread.h"
#include "milter/key_publisher.h"
#include "milter/log.h"
#include "milter/mix_directory_refresh.h"
#include "milter/mode_check.h"

namespace {

using namespace mixtasy;
using namespace mixtasy::milter;

constexpr const char* kVersion = build::kVersion;
constexpr int kExitConfig = 1;
constexpr int kExitStartup = 2;

struct Options {
    std::string config_path = kDefaultConfigPath;
    bool foreground = false;
    bool check_only = false;
    bool version = false;
    bool help = false;
    bool syslog = false;  // -l: log to syslog whatever Syslog says
};

void usage(std::FILE* out) {
    std::fprintf(out,
                 "usage: mixtasy-milter [-c FILE] [-f] [-l] [-n] [-V] [-h]\n"
                 "  -c FILE  configuration (default %s)\n"
                 "  -f       stay in the foreground (logs go where Syslog says)\n"
                 "  -l       log to syslog, also when the configuration says Syslog no\n"
                 "  -n       check the configuration and what start-up needs, and exit\n"
                 "  -V       print the version and those of the libraries, and exit\n"
                 "  -h       print this help and exit\n",
                 kDefaultConfigPath);
}

bool parse_options(int argc, char** argv, Options& o) {
    int c;
    while ((c = ::getopt(argc, argv, "c:fhlnV")) != -1) {
        switch (c) {
            case 'c': o.config_path = optarg; break;
            case 'f': o.foreground = true; break;
            case 'h': o.help = true; break;
            case 'l': o.syslog = true; break;
            case 'n': o.check_only = true; break;
            case 'V': o.version = true; break;
            default: return false;
        }
    }
    return optind == argc;
}

// The node's subkey upkeep (core/keys/key_rotation.h): a successor at half-life,
// expired subkeys wiped.  One line when something changed or failed.
void maintain_keys(core::Node& node) {
    auto r = node.maintain_keys();
    if (!r) {
        log_msg(LogLevel::Error, "keys: subkey rotation failed: %s", r.error().c_str());
        return;
    }
    if (r->changed()) {
        log_msg(LogLevel::Notice,
                "keys: %zu new encryption subkey(s), %zu expired removed; publish public.asc",
                r->added, r->removed);
    }
}

// How often the reload thread looks at the subkeys.  Half-life is a day by
// default, so ten minutes is prompt, and a look that changes nothing costs
// one read of the key files.
constexpr std::chrono::minutes kKeyUpkeepInterval{10};
// How often a degraded node (degraded_node.h) tries to open again: an admin
// who fixed the key home sees mix mail accepted within this, or at once
// with SIGUSR1.
constexpr std::chrono::seconds kDegradedRetryInterval{30};

// SIGUSR1: re-read the configuration (the keys that can change at run time)
// and the node's keys, without touching connections.  Every
// kKeyUpkeepInterval: the subkey upkeep.
class ReloadThread {
public:
    ReloadThread(std::string path, SwitchingNode& node, FlushThread& flusher, const Config& running,
                 bool foreground)
        : path_(std::move(path)),
          node_(node),
          flusher_(flusher),
          running_(running),
          foreground_(foreground) {
        thread_ = std::thread([this] { run(); });
    }
    ~ReloadThread() {
        stop_.store(true);
        thread_.join();
    }
    ReloadThread(const ReloadThread&) = delete;
    ReloadThread& operator=(const ReloadThread&) = delete;

private:
    void run() {
        sigset_t set;
        sigemptyset(&set);
        sigaddset(&set, SIGUSR1);
        auto next_upkeep = std::chrono::steady_clock::now() + kKeyUpkeepInterval;
        auto next_retry = std::chrono::steady_clock::now() + kDegradedRetryInterval;
        while (!stop_.load()) {
            timespec tick{0, 200 * 1000 * 1000};
            if (sigtimedwait(&set, nullptr, &tick) == SIGUSR1) reload();
            if (std::chrono::steady_clock::now() >= next_retry) {
                if (node_.degraded() && node_.try_open()) recovered();
                next_retry = std::chrono::steady_clock::now() + kDegradedRetryInterval;
            }
            if (std::chrono::steady_clock::now() >= next_upkeep) {
                maintain_keys(node_);
                next_upkeep = std::chrono::steady_clock::now() + kKeyUpkeepInterval;
            }
        }
    }
    // The node opened after degraded mode: its keys get their upkeep and
    // the pool its own interval at once.
    void recovered() {
        maintain_keys(node_);
        flusher_.reschedule();
    }
    void reload() {
        const bool was_degraded = node_.degraded();
        auto config = load_config(path_);
        if (!config) {
            log_msg(LogLevel::Error, "reload: configuration has errors, keeping the running one");
            for (const auto& p : config.error())
                log_msg(LogLevel::Error, "%s:%zu: %s", path_.c_str(), p.line, p.message.c_str());
            return;
        }
        log_init(log_target(*config, foreground_));
        update_filter_settings(filter_settings(*config));
        log_restart_only(restart_only_changes(running_, *config));
        // The exit policy (LocalDomains, BlockList, AnonymousFrom,
        // ExitRatePerHour) and the pool (PoolInterval, PoolMinMessages,
        // PoolMinKeep, PoolFraction) apply from the next message and round.
        if (auto policy = node_.reconfigure(config->node); !policy) {
            log_msg(LogLevel::Error, "reload: %s; keeping the running exit and pool policy",
                    policy.error().c_str());
            return;
        }
        flusher_.reschedule();
        auto keys = node_.reload();
        if (!keys) {
            log_msg(LogLevel::Error, "reload: keys: %s", keys.error().c_str());
            return;
        }
        if (was_degraded) recovered();
        log_msg(LogLevel::Notice, "reloaded configuration and keys");
    }

    static void log_restart_only(const std::vector<std::string>& keys) {
        if (keys.empty()) return;
        std::string names;
        for (const std::string& k : keys) names += (names.empty() ? "" : ", ") + k;
        log_msg(LogLevel::Notice, "reload: %s changed; takes effect at restart only",
                names.c_str());
    }

    std::string path_;
    SwitchingNode& node_;
    FlushThread& flusher_;
    Config running_;
    bool foreground_;
    std::atomic<bool> stop_{false};
    std::thread thread_;
};

// Before the daemon is up, an error goes to the log and, when the log is
// syslog, to stderr too: the admin who started it sees why it stopped
// (the detached parent waits for this, daemon.h detach()).
bool g_errors_to_stderr_too = false;

void startup_error(const char* format, ...) __attribute__((format(printf, 1, 2)));
void startup_error(const char* format, ...) {
    char line[2048];
    va_list args;
    va_start(args, format);
    std::vsnprintf(line, sizeof line, format, args);
    va_end(args);
    log_msg(LogLevel::Error, "%s", line);
    if (g_errors_to_stderr_too) std::fprintf(stderr, "mixtasy-milter: %s\n", line);
}

// Best effort: a stale socket file would only be replaced at the next start.
void remove_unix_socket(const std::string& socket) {
    if (const std::string path = unix_socket_path(socket); !path.empty()) ::unlink(path.c_str());
}

bool open_milter_socket(const Config& config) {
    if (auto dir = prepare_socket_dir(config); !dir) {
        startup_error("%s", dir.error().c_str());
        return false;
    }
    std::string socket = config.socket;
    smfiDesc desc = filter_description();
    errno = 0;  // libmilter says only "failed"; the OS's reason is errno's
    if (smfi_setconn(socket.data()) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS ||
        smfi_opensocket(true) != MI_SUCCESS) {
        const int why = errno;
        startup_error("cannot open milter socket %s: %s", config.socket.c_str(),
                      why != 0 ? std::strerror(why) : "refused by libmilter");
        return false;
    }
    if (auto g = give_socket_to_user(config); !g) {
        startup_error("%s", g.error().c_str());
        return false;
    }
    return true;
}

// The node behind a SwitchingNode.  Keys or store that cannot be used are
// degraded mode (the daemon runs, ordinary mail passes); options that
// contradict themselves are a configuration error and stop the start.
std::unique_ptr<SwitchingNode> open_switching_node(const Config& config,
                                                   const NodeFactory& open_node) {
    using Code = core::OpenError::Code;
    auto first = open_node(config.node);
    if (!first && first.error().code != Code::Keys && first.error().code != Code::Store) {
        startup_error("cannot open the mix node (%s): %s", core::to_string(first.error().code),
                      first.error().detail.c_str());
        return nullptr;
    }
    DegradedSettings settings;
    settings.flush_interval = config.node.pool.interval;
    // The open above is handed over once, so that start-up opens one node.
    using Opened = Expected<std::unique_ptr<core::Node>, core::OpenError>;
    auto pending = std::make_shared<std::optional<Opened>>(std::move(first));
    auto opener = [options = config.node, open_node, pending]() -> Opened {
        if (!pending->has_value()) return open_node(options);
        Opened taken = std::move(**pending);
        pending->reset();
        return taken;
    };
    auto node = std::make_unique<SwitchingNode>(node_addresses(config), opener, settings);
    node->try_open();
    return node;
}

int run(const Options& options, const Config& config, const NodeFactory& open_node) {
    if (!options.foreground) {
        if (auto d = detach(); !d) {
            std::fprintf(stderr, "mixtasy-milter: %s\n", d.error().c_str());
            return kExitStartup;
        }
    }
    log_init(log_target(config, options.foreground));
    g_errors_to_stderr_too = log_target(config, options.foreground).use_syslog;
    route_core_log();

    // Threads created from here on inherit this mask: SIGUSR1 is taken only
    // by sigtimedwait in the reload thread, SIGHUP/SIGTERM/SIGINT only by
    // libmilter's signal thread (sigwait), which stops smfi_main; unblocked,
    // they would kill the process in whichever thread they hit.  SIGPIPE
    // never kills us.
    sigset_t handled;
    sigemptyset(&handled);
    for (int sig : {SIGUSR1, SIGHUP, SIGTERM, SIGINT}) sigaddset(&handled, sig);
    pthread_sigmask(SIG_BLOCK, &handled, nullptr);
    ::signal(SIGPIPE, SIG_IGN);
    curl_global_init(CURL_GLOBAL_DEFAULT);

    if (!config.pid_file.empty()) {
        if (auto p = write_pid_file(config.pid_file); !p) {
            startup_error("%s", p.error().c_str());
            return kExitStartup;
        }
    }
    ::umask(config.umask);
    if (!open_milter_socket(config)) return kExitStartup;
    if (!config.user_id.empty()) {
        if (auto d = drop_privileges(config.user_id); !d) {
            startup_error("%s", d.error().c_str());
            return kExitStartup;
        }
    }
    auto node = open_switching_node(config, open_node);
    if (!node) return kExitStartup;
    // A node that was down past its subkey's half-life or expiry gets its
    // successor before the first message, not ten minutes later.
    maintain_keys(*node);
    set_milter_runtime(node.get(), filter_settings(config));
    auto transport = make_transport(config);
    FlushThread flusher(*node, *transport);
    flusher.start();
    ReloadThread reloader(options.config_path, *node, flusher, config, options.foreground);
    // public.asc to KeyServer and WkdDirectory now and after each rotation.
    KeyPublisher publisher(config.node.home, config.key_servers, config.wkd_directory);
    // mixes.asc from the KeyServers and MixDomains now and every
    // MixDirectoryRefresh; each new file is reloaded, so dummies run from it.
    MixDirectoryRefresh directory(
        known_mixes_path(config.node), node->address(), {config.key_servers, config.mix_domains},
        config.mix_directory_refresh, [&mix = *node] {
            if (auto r = mix.reload(); !r)
                log_msg(LogLevel::Error, "reload after the mix directory refresh: %s",
                        r.error().c_str());
        });

    log_msg(LogLevel::Notice, "mixtasy-milter %s listening on %s", kVersion, config.socket.c_str());
    detach_done();  // the waiting parent exits 0 now
    g_errors_to_stderr_too = false;
    const int status = smfi_main();

    // libmilter stopped accepting; let messages already inside the node get
    // their reply (bounded), then stop the pool.
    for (int i = 0; i < 300 && messages_in_progress() > 0; ++i)
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    flusher.stop();
    log_msg(LogLevel::Notice, "mixtasy-milter stopped");
    if (!config.pid_file.empty()) ::unlink(config.pid_file.c_str());
    remove_unix_socket(config.socket);
    return status == MI_SUCCESS ? 0 : kExitStartup;
}

// -V: ours, then each library's as loaded at run time (what a bug report needs).
void print_versions() {
    std::printf("mixtasy-milter %s\n", kVersion);
    for (const auto& [name, version] : core::library_versions())
        std::printf("  %s %s\n", name.c_str(), version.c_str());
    unsigned int major = 0, minor = 0, patch = 0;
    smfi_version(&major, &minor, &patch);
    std::printf("  libmilter %u.%u.%u\n", major, minor, patch);
    std::printf("  libcurl %s\n", curl_version_info(CURLVERSION_NOW)->version);
}

// -n: one line per problem start-up would meet, or "ok".
int check_startup(const std::string& path, const Config& config, bool check_node_key) {
    std::vector<std::string> found = startup_problems(config, check_node_key);
    if (auto mode = key_mode_problem(config)) found.push_back(*mode);
    if (auto address = mix_address_problem(config)) found.push_back(*address);
    ConfigProblems problems;
    for (std::string& p : found) problems.push_back(locate_problem(config, std::move(p)));
    std::fputs(format_problems(path, problems).c_str(), stderr);
    // Warnings, not problems: the daemon starts, but the feature fails.
    ConfigProblems warnings;
    for (std::string& w : dropin_warnings(config)) {
        ConfigProblem located = locate_problem(config, std::move(w));
        located.message = "warning: " + located.message;
        warnings.push_back(std::move(located));
    }
    std::fputs(format_problems(path, warnings).c_str(), stderr);
    if (!problems.empty()) return kExitConfig;
    std::puts("ok");
    return 0;
}

}  // namespace

namespace mixtasy::milter {

int daemon_main(int argc, char** argv, const NodeFactory& open_node,
                DaemonMainOptions main_options) {
    Options options;
    if (!parse_options(argc, argv, options)) {
        usage(stderr);
        return kExitConfig;
    }
    if (options.help) {
        usage(stdout);
        return 0;
    }
    if (options.version) {
        print_versions();
        return 0;
    }
    auto config = load_config(options.config_path);
    if (!config) {
        std::fputs(format_problems(options.config_path, config.error()).c_str(), stderr);
        return kExitConfig;
    }
    // Before -n's verdict and before detaching: the admin sees it on stderr.
    if (auto identity = check_identity(*config, ::geteuid()); !identity) {
        std::fprintf(stderr, "%s: %s\n", options.config_path.c_str(), identity.error().c_str());
        return kExitConfig;
    }
    if (options.syslog) config->syslog = true;
    if (options.check_only)
        return check_startup(options.config_path, *config, main_options.check_node_key);
    return run(options, *config, open_node);
}

}  // namespace mixtasy::milter
