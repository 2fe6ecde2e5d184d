// SPDX-License-Identifier: BSD-2-Clause
#include "milter/setup/setup_main.h"

#include <getopt.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "common/build_config.h"
#include "milter/config.h"
#include "milter/setup/host_setup.h"
#include "milter/setup/postfix_setup.h"
#include "milter/setup/run_command.h"
#include "milter/setup/sendmail_setup.h"

namespace mixtasy::milter::setup {
namespace {

namespace fs = std::filesystem;

constexpr int kExitUsage = 1;
constexpr int kExitFailed = 2;

struct Options {
    std::string mta;  // postfix or sendmail
    bool dry_run = false;
    bool undo = false;
    std::string config_path = kDefaultConfigPath;
    std::string config_dir;  // MTA's; empty: its default
    std::string snippets = build::kSnippetDir;
    TlsChoice tls;       // level from --tls, mix domains from MixDomains
    std::string domain;  // the node's: MixAddress's, else --address's
    std::string home;  // empty: the configuration's Home
    HostSetup host;
};

void usage() {
    std::fprintf(stderr,
                 "usage: mixtasy-milter setup postfix|sendmail [options]\n"
                 "  --dry-run          print the change as a diff, change nothing\n"
                 "  --undo             remove what an earlier setup added\n"
                 "  -c FILE            mixtasy-milter configuration (default %s)\n"
                 "  --config-dir DIR   the MTA's configuration directory\n"
                 "  --snippets DIR     the snippets (default %s)\n"
                 "  --tls LEVEL        may (default): opportunistic TLS; encrypt: mandatory to MixDomains\n"
                 "  --home DIR         state directory (default: Home of the configuration)\n"
                 "  --user NAME        the daemon's user (default mixtasy, or UserID)\n"
                 "  --address ADDR     mix address for a new node key (default mixtasy@myhostname)\n"
                 "  --systemd-dir DIR  where the unit's drop-ins go (default /etc/systemd/system)\n"
                 "  --mixtasy PATH     the client that makes a node key (default %s/mixtasy)\n",
                 kDefaultConfigPath, build::kSnippetDir, build::kBinDir);
}

bool parse(int argc, char** argv, Options& o) {
    enum { kDry = 256, kUndo, kConfigDir, kSnippets, kTls, kHome, kUser, kAddress, kSystemd, kMixtasy };
    static const option longs[] = {
        {"dry-run", no_argument, nullptr, kDry},          {"undo", no_argument, nullptr, kUndo},
        {"config-dir", required_argument, nullptr, kConfigDir}, {"snippets", required_argument, nullptr, kSnippets},
        {"tls", required_argument, nullptr, kTls},        {"home", required_argument, nullptr, kHome},
        {"user", required_argument, nullptr, kUser},      {"address", required_argument, nullptr, kAddress},
        {"systemd-dir", required_argument, nullptr, kSystemd}, {"mixtasy", required_argument, nullptr, kMixtasy}, {"help", no_argument, nullptr, 'h'},
        {nullptr, 0, nullptr, 0}};
    optind = 1;
    for (int c; (c = ::getopt_long(argc, argv, "c:h", longs, nullptr)) != -1;) {
        switch (c) {
            case 'c': o.config_path = optarg; break;
            case kDry: o.dry_run = true; break;
            case kUndo: o.undo = true; break;
            case kConfigDir: o.config_dir = optarg; break;
            case kSnippets: o.snippets = optarg; break;
            case kTls: o.tls.level = optarg; break;
            case kHome: o.home = optarg; break;
            case kUser: o.host.user = optarg; break;
            case kAddress: o.host.address = optarg; break;
            case kSystemd: o.host.systemd_dir = optarg; break;
            case kMixtasy: o.host.mixtasy = optarg; break;
            default: return false;
        }
    }
    if (optind + 1 != argc) return false;
    o.mta = argv[optind];
    return (o.mta == "postfix" || o.mta == "sendmail") && (o.tls.level == "may" || o.tls.level == "encrypt");
}

int failed(const std::string& why) {
    std::fprintf(stderr, "mixtasy-milter setup: %s\n", why.c_str());
    return kExitFailed;
}

// diff -u of two files, printed; diff's status 1 ("they differ") is success.
int print_diff(const std::string& before, const std::string& after, const std::string& label) {
    CommandResult r = run_command({"diff", "-u", "--label", label, "--label", label + " (after setup)", before, after});
    if (r.status > 1) return failed("diff: " + r.err);
    std::fputs(r.out.c_str(), stdout);
    return 0;
}

// A private copy of the files setup edits, for --dry-run.
struct Scratch {
    std::string dir;
    Scratch() {
        char tmpl[] = "/tmp/mixtasy-setup-XXXXXX";
        if (::mkdtemp(tmpl) != nullptr) dir = tmpl;
    }
    ~Scratch() {
        std::error_code ec;
        if (!dir.empty()) fs::remove_all(dir, ec);
    }
    Scratch(const Scratch&) = delete;
    Scratch& operator=(const Scratch&) = delete;
};

std::string postfix_dir(const Options& o) {
    if (!o.config_dir.empty()) return o.config_dir;
    auto dir = Postconf("").value("config_directory");
    return dir ? *dir : "/etc/postfix";
}

int postfix_changes(const Options& o, const Postconf& pc, SetupState& state) {
    std::vector<std::string> notes;
    if (o.undo) {
        if (auto r = undo_postfix(pc, state, notes); !r) return failed(r.error());
    } else {
        auto snippets = load_postfix_snippets(o.snippets);
        if (!snippets) return failed(snippets.error());
        snippets->main = for_domain(std::move(snippets->main), o.domain);
        if (auto r = apply_postfix(pc, *snippets, o.tls, state, notes); !r) return failed(r.error());
    }
    for (const std::string& n : notes) std::fprintf(stderr, "mixtasy-milter setup: %s\n", n.c_str());
    return 0;
}

int postfix_dry_run(const Options& o, const Config& config, const SetupState& state) {
    Scratch scratch;
    if (scratch.dir.empty()) return failed("cannot make a scratch directory");
    const std::string dir = postfix_dir(o);
    std::error_code ec;
    for (const char* f : {"main.cf", "master.cf"}) {
        if (!fs::copy_file(dir + "/" + f, scratch.dir + "/" + f, ec)) return failed(dir + "/" + f + ": " + ec.message());
    }
    auto scratch_state = SetupState::load(scratch.dir + "/state");
    for (const Change& c : state.changes()) (void)scratch_state->record(c);
    if (int rc = postfix_changes(o, Postconf(scratch.dir), *scratch_state); rc != 0) return rc;
    for (const char* f : {"main.cf", "master.cf"}) {
        if (int rc = print_diff(dir + "/" + f, scratch.dir + "/" + f, dir + "/" + f); rc != 0) return rc;
    }
    if (!o.undo) {
        for (const std::string& line : describe_host_changes(config, o.host)) std::printf("%s\n", line.c_str());
    }
    return 0;
}

int setup_postfix(const Options& o, const Config& config, SetupState& state) {
    if (o.dry_run) return postfix_dry_run(o, config, state);
    const Postconf pc(o.config_dir);
    if (o.undo) {
        if (int rc = postfix_changes(o, pc, state); rc != 0) return rc;
        std::vector<std::string> notes;
        undo_host(state, notes);
        for (const std::string& n : notes) std::fprintf(stderr, "mixtasy-milter setup: %s\n", n.c_str());
        if (auto r = state.remove(); !r) return failed(r.error());
        std::printf("undone; reload Postfix: postfix reload\n");
        return 0;
    }
    if (auto r = setup_socket(config, o.host, state); !r) return failed(r.error());
    if (auto r = setup_dropins(config, o.host, state); !r) return failed(r.error());
    if (int rc = postfix_changes(o, pc, state); rc != 0) return rc;
    return 0;
}

int setup_sendmail(const Options& o, const Config& config, SetupState& state) {
    const std::string dir = o.config_dir.empty() ? "/etc/mail" : o.config_dir;
    const SendmailPaths paths{dir + "/sendmail.mc", dir + "/sendmail.cf", fs::path(state.path()).parent_path() / "sendmail.cf.before-setup"};
    auto snippet = read_text_file(o.snippets + "/sendmail.mc.snippet", kMaxSnippetBytes);
    if (!snippet) return failed(snippet.error());
    if (o.dry_run) {
        Scratch scratch;
        auto mc = read_text_file(paths.mc, 1024 * 1024);
        if (!mc) return failed(mc.error());
        auto after = o.undo ? mc_without_block(*mc) : mc_with_block(*mc, *snippet);
        if (!after) return failed(after.error());
        if (auto r = write_text_file(scratch.dir + "/sendmail.mc", *after, 0600); !r) return failed(r.error());
        int rc = print_diff(paths.mc, scratch.dir + "/sendmail.mc", paths.mc);
        if (rc == 0 && !o.undo) std::printf("would rebuild %s with m4\n", paths.cf.c_str());
        return rc;
    }
    if (o.undo) {
        if (auto r = undo_sendmail(paths, state); !r) return failed(r.error());
        std::vector<std::string> notes;
        undo_host(state, notes);
        if (auto r = state.remove(); !r) return failed(r.error());
        std::printf("undone; restart Sendmail\n");
        return 0;
    }
    if (auto r = setup_dropins(config, o.host, state); !r) return failed(r.error());
    if (auto r = apply_sendmail(paths, *snippet, state); !r) return failed(r.error());
    return 0;
}

void default_address(Options& o) {
    if (!o.host.address.empty()) return;
    auto host = Postconf(o.mta == "postfix" ? o.config_dir : "").value("myhostname");
    char name[256] = "localhost";
    if (!host) ::gethostname(name, sizeof name - 1);
    o.host.address = "mixtasy@" + (host ? *host : std::string(name));
}

}  // namespace

int setup_main(int argc, char** argv) {
    Options o;
    o.host.mixtasy = std::string(build::kBinDir) + "/mixtasy";
    if (!parse(argc, argv, o)) {
        usage();
        return kExitUsage;
    }
    // Sendmail's client already uses STARTTLS whenever the peer offers it
    // (may); making it mandatory per domain needs TLS_Rcpt: entries in the
    // admin's access database, which setup does not own.
    if (o.mta == "sendmail" && o.tls.level == "encrypt") {
        std::fputs("mixtasy-milter setup: --tls encrypt is for Postfix only; for Sendmail add "
                   "\"TLS_Rcpt:DOMAIN ENCR:128\" for each MixDomains domain to the access "
                   "database (FEATURE(`access_db')) and rebuild it\n",
                   stderr);
        return kExitUsage;
    }
    o.host.snippets = o.snippets;
    auto config = load_config(o.config_path);
    if (!config) {
        std::fputs(format_problems(o.config_path, config.error()).c_str(), stderr);
        return kExitUsage;
    }
    if (!o.home.empty()) config->node.home = o.home;
    auto state = SetupState::load(config->node.home + "/setup-" + o.mta + ".state");
    if (!state) return failed(state.error());
    default_address(o);
    const std::string& address = config->mix_address.empty() ? o.host.address : config->mix_address;
    o.domain = address.substr(address.rfind('@') + 1);
    o.tls.mix_domains = config->mix_domains;
    if (!o.dry_run && !o.undo) {
        auto made = ensure_node_key(*config, o.host);
        if (!made) return failed(made.error());
        if (*made) std::printf("made the node key in %s for %s\n", config->node.home.c_str(), o.host.address.c_str());
    }
    const int rc = o.mta == "postfix" ? setup_postfix(o, *config, *state) : setup_sendmail(o, *config, *state);
    if (rc == 0 && !o.dry_run && !o.undo) {
        std::printf("done (%zu changes recorded in %s); reload the MTA%s\n", state->changes().size(),
                    state->path().c_str(), o.mta == "postfix" ? ": postfix reload" : "");
    }
    return rc;
}

}  // namespace mixtasy::milter::setup
