// mixtasy keygen - create a node's key in its key home.
//
//   mixtasy keygen --home DIR --address mixtasy@FQDN [--name NAME]
//                  [--modes middleman,exitprivate,exitpublic] [--force]
//
// Writes DIR/secret.asc (0600) and DIR/public.asc (see crypto/key_home.h):
// an Ed25519 primary key with one user ID carrying the modes, and one
// Curve25519 encryption subkey valid two days.  Refuses to overwrite an
// existing key unless --force.  Prints the fingerprint and the subkey, never
// secret material.  Exit 0 on success, 1 on bad arguments or I/O failure.
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include <botan/auto_rng.h>

#include "cli/commands.h"
#include "crypto/key_home.h"
#include "crypto/keygen.h"

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
    bool force = false;
};

void run_keygen(const KeygenOptions& o) {
    namespace crypto = mixtasy::crypto;
    if (!o.force && std::filesystem::exists(std::filesystem::path(o.home) / crypto::kSecretKeyFile)) {
        std::cerr << "mixtasy keygen: " << o.home << " already holds a key (use --force to replace it)\n";
        set_exit_status(kExitUsage);
        return;
    }
    crypto::NodeKeyParams params;
    params.name = o.name;
    params.address = o.address;
    params.modes = split_modes(o.modes);
    params.created = crypto::to_timestamp(std::chrono::system_clock::now());
    Botan::AutoSeeded_RNG rng;
    auto key = crypto::generate_node_key(params, rng);
    if (!key) {
        std::cerr << "mixtasy keygen: " << key.error().detail << "\n";
        set_exit_status(kExitUsage);
        return;
    }
    if (auto saved = crypto::save_node_key(o.home, *key); !saved) {
        std::cerr << "mixtasy keygen: " << saved.error().detail << "\n";
        set_exit_status(kExitUsage);
        return;
    }
    const auto& cert = key->cert;
    std::cout << "fingerprint " << crypto::to_hex(cert.fingerprint()) << "\n"
              << "user ID     " << cert.user_ids.front().text << "\n";
    for (const auto& sub : cert.subkeys)
        std::cout << "subkey      " << crypto::to_hex(sub.key.key_id) << " encrypt, expires "
                  << (sub.expires ? std::to_string(*sub.expires) : std::string("never")) << "\n";
    set_exit_status(kExitOk);
}

}  // namespace

void add_keygen(CLI::App& app) {
    auto opts = std::make_shared<KeygenOptions>();
    auto* sub = app.add_subcommand("keygen", "create a node key (Ed25519 primary, Curve25519 2-day subkey)");
    sub->add_option("--home", opts->home, "key home directory (secret.asc, public.asc)")->required();
    sub->add_option("--address", opts->address, "mix address, mixtasy@FQDN")->required();
    sub->add_option("--name", opts->name, "name in the user ID");
    sub->add_option("--modes", opts->modes, "comma list of middleman, exitprivate, exitpublic");
    sub->add_flag("--force", opts->force, "replace an existing key");
    sub->callback([opts] { run_keygen(*opts); });
}

}  // namespace mixtasy::cli
