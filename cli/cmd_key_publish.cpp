// SPDX-License-Identifier: BSD-2-Clause
// mixtasy key publish / key wkd - the node key's publication by hand, the
// same code the daemon runs after each rotation (core/publish/).
//
//   mixtasy key publish --home DIR --keyserver URL [--keyserver URL ...]
//                       [--wkd-dir DIR] [--ca-file FILE]
//       uploads <home>/public.asc to each keyserver (hkp://, hkps://,
//       http://, https://; HKP /pks/add) and, with --wkd-dir, rewrites the
//       WKD tree there.  One line per target.
//   mixtasy key wkd --home DIR --out DIR
//       writes the Web Key Directory tree (advanced and direct layout,
//       policy files) for the node's mix address into DIR, atomically.
//   mixtasy key revoke --home DIR [--subkey FPR] [--keyserver URL ...]
//       revokes the whole key, or one subkey (which also leaves the key
//       files at once), and uploads the revocation to each keyserver
//       (core/publish/revoke.h).  A revoked key stays in public.asc, so the
//       daemon keeps publishing it.
//
// Exit 0 when every target took the key, 75 (try again later) when some
// failed temporarily and none for good, 1 for a bad key home, a bad URL or
// a refusal that trying again will not change.
#include <iostream>

#include "cli/commands.h"
#include "core/keys/key_home.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"
#include "core/publish/curl_http.h"
#include "core/publish/publish_targets.h"
#include "core/publish/revoke.h"
#include "crypto/error.h"

namespace mixtasy::cli {
namespace {

struct KeyPublishOptions {
    std::string home;
    std::vector<std::string> keyservers;
    std::string wkd_dir;
    std::string ca_file;
};

bool load(const std::string& home, const char* command, crypto::Certificate& out) {
    auto cert = core::load_node_certificate(home);
    if (!cert) {
        std::cerr << "mixtasy key " << command << ": " << crypto::describe(cert.error()) << "\n";
        set_exit_status(kExitUsage);
        return false;
    }
    out = std::move(*cert);
    return true;
}

bool servers_of(const std::vector<std::string>& urls, const char* command,
                core::PublishConfig& config) {
    for (const std::string& url : urls) {
        auto server = core::parse_hkp_server(url);
        if (!server) {
            std::cerr << "mixtasy key " << command << ": " << server.error().detail << "\n";
            set_exit_status(kExitUsage);
            return false;
        }
        config.keyservers.push_back(*server);
    }
    return true;
}

// Each target once; the exit status says how the worst one went.
void publish_all(const core::PublishConfig& config, const std::string& ca_file,
                 const crypto::Certificate* cert, const std::string* armored) {
    core::CurlHttpOptions http_options;
    http_options.ca_file = ca_file;
    core::CurlHttpClient http(http_options);
    bool permanent = false, temporary = false;
    for (const core::PublishTarget& target : core::all_targets(config)) {
        core::PublishOutcome out;
        if (cert) {
            out = core::publish_to(http, target, *cert);
        } else if (auto up = core::hkp_upload(http, target.server, *armored)) {
            out = core::PublishOutcome{true, false, target.server.name + ": uploaded"};
        } else {
            out = core::PublishOutcome{false, up.error().temporary(), up.error().detail};
        }
        std::cout << (out.ok ? "ok: " : "failed: ") << out.detail << "\n";
        permanent |= !out.ok && !out.temporary;
        temporary |= !out.ok && out.temporary;
    }
    set_exit_status(permanent ? kExitUsage : temporary ? kExitTempFail : kExitOk);
}

void run_publish(const KeyPublishOptions& o) {
    crypto::Certificate cert;
    if (!load(o.home, "publish", cert)) return;
    core::PublishConfig config;
    config.wkd_directory = o.wkd_dir;
    if (!servers_of(o.keyservers, "publish", config)) return;
    publish_all(config, o.ca_file, &cert, nullptr);
}

struct KeyRevokeOptions {
    std::string home;
    std::string subkey;
    std::vector<std::string> keyservers;
    std::string ca_file;
};

void run_revoke(const KeyRevokeOptions& o) {
    core::PublishConfig config;
    if (!servers_of(o.keyservers, "revoke", config)) return;
    core::SystemRandom random;
    const auto now = core::SystemClock{}.now();
    auto armored = o.subkey.empty() ? core::revoke_key(o.home, now, random)
                                    : core::revoke_subkey(o.home, o.subkey, now, random);
    if (!armored) {
        std::cerr << "mixtasy key revoke: " << armored.error() << "\n";
        set_exit_status(kExitUsage);
        return;
    }
    std::cout << (o.subkey.empty() ? "key revoked" : "subkey revoked and removed") << "\n";
    publish_all(config, o.ca_file, nullptr, &*armored);
}

void run_wkd(const std::string& home, const std::string& out_dir) {
    crypto::Certificate cert;
    if (!load(home, "wkd", cert)) return;
    core::PublishConfig config;
    config.wkd_directory = out_dir;
    core::CurlHttpClient unused;
    const core::PublishOutcome out =
        core::publish_to(unused, core::all_targets(config).at(0), cert);
    (out.ok ? std::cout : std::cerr) << (out.ok ? "" : "mixtasy key wkd: ") << out.detail << "\n";
    set_exit_status(out.ok ? kExitOk : kExitUsage);
}

}  // namespace

void add_key_publish(CLI::App& key) {
    auto o = std::make_shared<KeyPublishOptions>();
    auto* pub = key.add_subcommand("publish", "upload public.asc to keyservers (HKP), write WKD");
    pub->add_option("--home", o->home, "key home directory")->required();
    pub->add_option("--keyserver", o->keyservers, "hkp://, hkps://, http(s):// keyserver")
        ->take_all();
    pub->add_option("--wkd-dir", o->wkd_dir, "also write the WKD tree into this document root");
    pub->add_option("--ca-file", o->ca_file, "trust these CA certificates instead of the system's");
    pub->callback([o] {
        if (o->keyservers.empty() && o->wkd_dir.empty()) {
            std::cerr << "mixtasy key publish: name a --keyserver or a --wkd-dir\n";
            set_exit_status(kExitUsage);
            return;
        }
        run_publish(*o);
    });

    auto home = std::make_shared<std::string>();
    auto out = std::make_shared<std::string>();
    auto* wkd = key.add_subcommand("wkd", "write the Web Key Directory tree for the node key");
    wkd->add_option("--home", *home, "key home directory")->required();
    wkd->add_option("--out", *out, "document root to write .well-known/openpgpkey into")
        ->required();
    wkd->callback([home, out] { run_wkd(*home, *out); });

    auto r = std::make_shared<KeyRevokeOptions>();
    auto* rev = key.add_subcommand("revoke", "revoke the node key or one subkey, and publish it");
    rev->add_option("--home", r->home, "key home directory")->required();
    rev->add_option("--subkey", r->subkey, "fingerprint of the subkey to revoke (hex)");
    rev->add_option("--keyserver", r->keyservers, "keyserver to upload the revocation to")
        ->take_all();
    rev->add_option("--ca-file", r->ca_file, "trust these CA certificates instead of the system's");
    rev->callback([r] { run_revoke(*r); });
}

}  // namespace mixtasy::cli
