// SPDX-License-Identifier: BSD-2-Clause
// mixtasy key - export a node's key, rotate its subkeys, change its modes.
//
//   mixtasy key export --home DIR            armored public key to stdout
//   mixtasy key export --secret --home DIR   armored secret key to stdout
//   mixtasy key rotate --home DIR [--subkey-lifetime DURATION]
//       the daemon's subkey upkeep, now (core/keys/key_rotation.h): a successor
//       at half-life, expired subkeys wiped, under the home's lock so a
//       running daemon is not disturbed (it picks the change up at its next
//       upkeep or SIGUSR1).  Prints what it did and the key's subkeys.
//   mixtasy key mode --home DIR MODE[,MODE]
//       the node's modes changed on the same long-term key
//       (core/keys/mode_change.h): a new user ID with the new
//       "mixtasy-mode:" comment, the old one revoked, primary and subkeys
//       kept.  public.asc then carries both, for the daemon's key publisher
//       or `mixtasy key publish`, and the running daemon uses the new modes
//       after SIGUSR1.
//
// The secret export writes wherever stdout goes, as gpg
// --export-secret-keys does: the operator asked for it by name.  Exit 0 on
// success, 1 when the key cannot be loaded (or, for rotate, saved).
#include <iostream>

#include <botan/mem_ops.h>

#include "cli/commands.h"
#include "cli/duration_option.h"
#include "cli/key_summary.h"
#include "core/keys/key_home.h"
#include "core/keys/key_rotation.h"
#include "core/keys/mode_change.h"
#include "core/keys/node_key.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "crypto/key_io.h"

namespace mixtasy::cli {
namespace {

struct KeyExportOptions {
    std::string home;
    bool secret = false;
};

void run_export(const KeyExportOptions& o) {
    namespace crypto = mixtasy::crypto;
    if (o.secret) {
        auto key = core::load_node_key(o.home);
        if (!key) {
            std::cerr << "mixtasy key export: " << crypto::describe(key.error()) << "\n";
            set_exit_status(kExitUsage);
            return;
        }
        std::string text = crypto::export_secret(*key);
        std::cout << text << std::flush;
        Botan::secure_scrub_memory(text.data(), text.size());
    } else {
        auto cert = core::load_node_certificate(o.home);
        if (!cert) {
            std::cerr << "mixtasy key export: " << crypto::describe(cert.error()) << "\n";
            set_exit_status(kExitUsage);
            return;
        }
        std::cout << crypto::export_public(*cert) << std::flush;
    }
    set_exit_status(kExitOk);
}

struct KeyRotateOptions {
    std::string home;
    std::chrono::seconds subkey_lifetime = core::kDefaultSubkeyValidity;
};

void run_rotate(const KeyRotateOptions& o) {
    core::SystemRandom random;
    auto done =
        core::maintain_key_home(o.home, core::SystemClock{}.now(), o.subkey_lifetime, random);
    if (!done) {
        std::cerr << "mixtasy key rotate: " << core::describe(done.error()) << "\n";
        set_exit_status(kExitUsage);
        return;
    }
    std::cout << done->report.added << " subkey(s) added, " << done->report.removed
              << " expired removed" << (done->report.changed() ? "; publish public.asc" : "")
              << "\n";
    print_key_summary(done->key.cert, std::cout);
    set_exit_status(kExitOk);
}

struct KeyModeOptions {
    std::string home;
    std::string modes;
};

std::vector<std::string> split_comma_list(const std::string& list) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start <= list.size()) {
        const auto comma = list.find(',', start);
        const std::string item = list.substr(start, comma - start);
        if (!item.empty()) out.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
    }
    return out;
}

void run_mode(const KeyModeOptions& o) {
    core::SystemRandom random;
    auto done =
        core::change_modes(o.home, split_comma_list(o.modes), core::SystemClock{}.now(), random);
    if (!done) {
        std::cerr << "mixtasy key mode: " << done.error() << "\n";
        set_exit_status(kExitUsage);
        return;
    }
    std::cout << "user ID: " << done->new_user_id << "\n"
              << "revoked: " << done->old_user_id << "\n"
              << "same key, same subkeys; publish public.asc (a daemon with KeyServer or "
                 "WkdDirectory does within a minute, or: mixtasy key publish --home "
              << o.home << " --keyserver URL) and send the daemon SIGUSR1\n";
    print_key_summary(done->key.cert, std::cout);
    set_exit_status(kExitOk);
}

}  // namespace

void add_key(CLI::App& app) {
    auto* key = app.add_subcommand("key", "export the node key, rotate its subkeys");
    key->require_subcommand(1);
    auto opts = std::make_shared<KeyExportOptions>();
    auto* exp = key->add_subcommand("export", "write the armored key to stdout");
    exp->add_option("--home", opts->home, "key home directory")->required();
    exp->add_flag("--secret", opts->secret, "export the secret key instead of the public one");
    exp->callback([opts] { run_export(*opts); });

    auto rotate_opts = std::make_shared<KeyRotateOptions>();
    auto* rot = key->add_subcommand(
        "rotate", "add the next encryption subkey at half-life, wipe expired ones");
    rot->add_option("--home", rotate_opts->home, "key home directory")->required();
    add_subkey_lifetime_option(*rot, rotate_opts->subkey_lifetime);
    rot->callback([rotate_opts] { run_rotate(*rotate_opts); });

    auto mode_opts = std::make_shared<KeyModeOptions>();
    auto* mode = key->add_subcommand(
        "mode", "change the node's modes on the same key: new user ID, old one revoked");
    mode->add_option("--home", mode_opts->home, "key home directory")->required();
    mode->add_option("modes", mode_opts->modes, "comma list of middleman, exitprivate, exitpublic")
        ->required();
    mode->callback([mode_opts] { run_mode(*mode_opts); });
    add_key_publish(*key);  // cmd_key_publish.cpp
}

}  // namespace mixtasy::cli
