// SPDX-License-Identifier: BSD-2-Clause
// mixtasy keygen - create a node's key in its key home.
//
//   mixtasy keygen --home DIR --address mixtasy@FQDN [--name NAME]
//                  [--modes middleman,exitprivate,exitpublic]
//                  [--subkey-lifetime DURATION] [--force]
//   (hidden, for tests: --faked-system-time UNIX, the key's creation time, as
//   gpg's option of that name)
//
// Writes DIR/secret.asc (0600) and DIR/public.asc (see core/keys/key_home.h):
// an Ed25519 primary key with one user ID carrying the modes, and one
// Curve25519 encryption subkey valid two days (or --subkey-lifetime: seconds or
// s/m/h/d, at least 1h, as the daemon's SubkeyLifetime).  Refuses to
// overwrite an existing key unless --force.  Prints the fingerprint and the subkey, never
// secret material.  Exit 0 on success, 1 on bad arguments or I/O failure.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <botan/auto_rng.h>

#include "cli/commands.h"
#include "cli/duration_option.h"
#include "cli/key_summary.h"
#include "core/keys/key_home.h"
#include "core/keys/node_key.h"

namespace mixtasy::cli {
namespace {

std::vector<std::string> split_modes(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream in(list);
    std::string m;
    while (std::getline(in, m, ',')) out.push_back(m);
    return out;
}

struct KeygenOptions {
    std::string home;
    std::string address;
    std::string name = "Mixtasy node";
    std::string modes = "middleman";
    std::chrono::seconds subkey_lifetime = core::kDefaultSubkeyValidity;
    bool force = false;
    std::int64_t faked_time = 0;  // 0: now
};

void run_keygen(const KeygenOptions& o) {
    namespace crypto = mixtasy::crypto;
    if (!o.force && std::filesystem::exists(std::filesystem::path(o.home) / core::kSecretKeyFile)) {
        std::cerr << "mixtasy keygen: " << o.home
                  << " already holds a key (use --force to replace it)\n";
        set_exit_status(kExitUsage);
        return;
    }
    core::NodeKeyParams params;
    params.name = o.name;
    params.address = o.address;
    params.modes = split_modes(o.modes);
    params.created = o.faked_time > 0 ? static_cast<crypto::Timestamp>(o.faked_time)
                                      : crypto::to_timestamp(std::chrono::system_clock::now());
    params.subkey_validity = static_cast<std::uint32_t>(o.subkey_lifetime.count());
    Botan::AutoSeeded_RNG rng;
    auto key = core::generate_node_key(params, rng);
    if (!key) {
        std::cerr << "mixtasy keygen: " << key.error().detail << "\n";
        set_exit_status(kExitUsage);
        return;
    }
    if (auto saved = core::save_node_key(o.home, *key); !saved) {
        std::cerr << "mixtasy keygen: " << saved.error().detail << "\n";
        set_exit_status(kExitUsage);
        return;
    }
    print_key_summary(key->cert, std::cout);
    set_exit_status(kExitOk);
}

}  // namespace

void add_keygen(CLI::App& app) {
    auto opts = std::make_shared<KeygenOptions>();
    auto* sub = app.add_subcommand("keygen",
                                   "create a node key (Ed25519 primary, Curve25519 2-day subkey)");
    sub->add_option("--home", opts->home, "key home directory (secret.asc, public.asc)")
        ->required();
    sub->add_option("--address", opts->address, "mix address, mixtasy@FQDN")->required();
    sub->add_option("--name", opts->name, "name in the user ID");
    sub->add_option("--modes", opts->modes, "comma list of middleman, exitprivate, exitpublic");
    add_subkey_lifetime_option(*sub, opts->subkey_lifetime);
    sub->add_flag("--force", opts->force, "replace an existing key");
    // As gpg's --faked-system-time: a key made in the past, whose subkey has
    // already expired, lets a test see the daemon's upkeep at start without
    // a lifetime shorter than the one the daemon allows.  Hidden from --help.
    sub->add_option("--faked-system-time", opts->faked_time, "key creation time, Unix seconds")
        ->check(CLI::Range(std::int64_t{1}, std::int64_t{0xffffffffLL}))
        ->group("");
    sub->callback([opts] { run_keygen(*opts); });
}

}  // namespace mixtasy::cli
