// SPDX-License-Identifier: BSD-2-Clause
// mixtasy mixmaster - the Mixmaster-compatible entry point for mutt's
// remailer menu (mutt's remailer.c; `set mixmaster="mixtasy mixmaster"`,
// or the installed `mixtasy-mixmaster` wrapper).
//
//   mixtasy mixmaster -T                       list the mixes, one a line
//   mixtasy mixmaster -m -l A,B,*,D < message  send the message
//   (both take --dir DIR and --config FILE)
//
// -T prints the type2 list mutt parses: five blank-separated tokens a line,
// `shortname address keyid version caps`: the shortname is the mix's
// domain, the key ID the last 16 digits of its primary fingerprint, the
// version `Mixtasy-v1`, and caps never empty: `M` for a mix that cannot be
// last (it runs no exit mode, which mutt then refuses as a chain's end),
// else letters for its modes (E exit, R relay), which mutt ignores.
// -l takes what mutt sends: shortnames, addresses or `*` (mutt's
// <random>), at least four; the recipient comes from the message's To, Cc
// and Bcc, as `mixtasy send` reads it.  Refusals go to stderr, which mutt
// shows; exit statuses as `mixtasy send`.
#include <iostream>
#include <memory>

#include "cli/client_setup.h"
#include "cli/commands.h"
#include "cli/send_runner.h"
#include "common/ascii.h"
#include "core/sender/path.h"

namespace mixtasy::cli {
namespace {

constexpr const char* kCommand = "mixtasy mixmaster";

struct MixmasterOptions {
    bool list = false;
    bool mail = false;
    std::string chain;
    std::string dir;
    std::string config;
};

std::string caps_of(const core::MixModes& m) {
    if (!m.exitpublic && !m.exitprivate) return "M";
    return m.middleman ? "ER" : "E";
}

int run_list(const MixmasterOptions& o) {
    auto config = load_client_config(o.config, kCommand);
    auto d = open_directory(o.dir, kCommand);
    if (!config || !d) return kExitUsage;
    const auto policy = rank_policy(*config, -1, kCommand);
    if (!policy) return kExitUsage;
    const core::KeyRing ring = usable_ring(*d, *config, *policy, now());
    for (const auto& address : ring.addresses()) {
        const core::MixKey* key = ring.find(address);
        const std::string id = key->fingerprint.substr(key->fingerprint.size() - 16);
        std::cout << core::domain_of(address) << " " << address << " " << id << " Mixtasy-v1 "
                  << caps_of(key->modes) << "\n";
    }
    if (d->stale(now(), config->half_life))
        std::cerr << kCommand << ": warning: the directory is stale; run `mixtasy dir update`\n";
    return kExitOk;
}

// mutt's shortnames (domains) back to mix addresses; `*` and addresses as
// they are.
std::string chain_of(const std::vector<std::string>& tokens) {
    std::string out;
    for (const auto& t : tokens) {
        if (!out.empty()) out += ",";
        const bool plain = t == core::kRandomHop || t.find('@') != std::string::npos;
        out += plain ? t : "mixtasy@" + ascii::lower(t);
    }
    return out;
}

int run_mail(const MixmasterOptions& o) {
    const auto tokens = split_chain(o.chain);
    if (tokens.size() < core::kMinRouteLength) {
        std::cerr << kCommand << ": a Mixtasy chain needs at least " << core::kMinRouteLength
                  << " remailers (seed 000 6.1.3); this one has " << tokens.size()
                  << "; nothing was sent\n";
        return kExitUsage;
    }
    auto original = read_original(kMaxOriginalBytes, kCommand);
    if (!original) return kExitUsage;
    SendOptions send;
    send.dir = o.dir;
    send.config = o.config;
    send.chain = chain_of(tokens);
    return run_send(send, kCommand, *original);
}

}  // namespace

void add_mixmaster(CLI::App& app) {
    auto opts = std::make_shared<MixmasterOptions>();
    auto* sub = app.add_subcommand("mixmaster", "Mixmaster-compatible entry point for mutt");
    sub->add_flag("-T", opts->list, "list the directory's mixes (type2 list)");
    sub->add_flag("-m", opts->mail, "send the message on stdin");
    sub->add_option("-l", opts->chain, "remailer chain, comma separated ('*' random)");
    add_location_options(*sub, opts->dir, opts->config);
    sub->callback([opts] {
        if (opts->list) return set_exit_status(run_list(*opts));
        if (opts->mail) return set_exit_status(run_mail(*opts));
        std::cerr << kCommand << ": give -T or -m -l CHAIN\n";
        set_exit_status(kExitUsage);
    });
}

}  // namespace mixtasy::cli
