// mixtasy key - show and export a node's key.
//
//   mixtasy key export --home DIR            armored public key to stdout
//   mixtasy key export --secret --home DIR   armored secret key to stdout
//
// The secret export writes wherever stdout goes, as gpg
// --export-secret-keys does: the operator asked for it by name.  Exit 0 on
// success, 1 when the key cannot be loaded.
#include <iostream>

#include <botan/mem_ops.h>

#include "cli/commands.h"
#include "crypto/key_home.h"

namespace mixtasy::cli {
namespace {

struct KeyExportOptions {
    std::string home;
    bool secret = false;
};

void run_export(const KeyExportOptions& o) {
    namespace crypto = mixtasy::crypto;
    if (o.secret) {
        auto key = crypto::load_node_key(o.home);
        if (!key) {
            std::cerr << "mixtasy key export: " << crypto::to_string(key.error()) << "\n";
            set_exit_status(kExitUsage);
            return;
        }
        std::string text = crypto::export_secret(*key);
        std::cout << text << std::flush;
        Botan::secure_scrub_memory(text.data(), text.size());
    } else {
        auto cert = crypto::load_node_certificate(o.home);
        if (!cert) {
            std::cerr << "mixtasy key export: " << crypto::to_string(cert.error()) << "\n";
            set_exit_status(kExitUsage);
            return;
        }
        std::cout << crypto::export_public(*cert) << std::flush;
    }
    set_exit_status(kExitOk);
}

}  // namespace

void add_key(CLI::App& app) {
    auto* key = app.add_subcommand("key", "show and export the node key");
    key->require_subcommand(1);
    auto opts = std::make_shared<KeyExportOptions>();
    auto* exp = key->add_subcommand("export", "write the armored key to stdout");
    exp->add_option("--home", opts->home, "key home directory")->required();
    exp->add_flag("--secret", opts->secret, "export the secret key instead of the public one");
    exp->callback([opts] { run_export(*opts); });
}

}  // namespace mixtasy::cli
