// mixtasy dir - the sender's directory of mixes (core/sender/directory.h).
//
//   mixtasy dir [--dir DIR] [--config FILE] import FILE
//   mixtasy dir [--dir DIR] [--config FILE] update
//   mixtasy dir [--dir DIR] list
//   mixtasy dir [--dir DIR] accept ADDRESS
//
// import adds the armored keys of FILE, validated as update validates the
// keys it fetches (KeyFile, KeyServer, MixDomain lines of the config).
// list shows each mix, its modes, its subkeys' validity windows, where it
// came from and when it was last refreshed, pending keys, rejected keys
// with their reason, and a warning when the directory is stale.  accept
// makes a mix's pending key its pinned one.
// Exit 0 on success, 1 on bad arguments or an unreadable directory or
// config, 75 when no source of an update could be reached.
#include <ctime>
#include <iostream>
#include <memory>

#include "cli/client_setup.h"
#include "cli/commands.h"
#include "cli/key_sources.h"
#include "core/sender/file_key_source.h"

namespace mixtasy::cli {
namespace {

constexpr const char* kCommand = "mixtasy dir";

struct DirOptions {
    std::string dir;
    std::string config;
    std::string file;
    std::string address;
};

std::string utc(Instant t) {
    const std::time_t s = static_cast<std::time_t>(to_unix(t));
    std::tm tm{};
    ::gmtime_r(&s, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M UTC", &tm);
    return buf;
}

std::string utc(crypto::Timestamp t) { return utc(from_unix(static_cast<std::int64_t>(t))); }

std::string modes_of(const core::MixModes& m) {
    std::string out;
    for (auto [on, name] :
         {std::pair{m.middleman, "middleman"}, std::pair{m.exitprivate, "exitprivate"},
          std::pair{m.exitpublic, "exitpublic"}}) {
        if (!on) continue;
        if (!out.empty()) out += ",";
        out += name;
    }
    return out;
}

void print_report(const core::ImportReport& r, const std::string& where) {
    std::cout << where << ": " << r.added << " added, " << r.refreshed << " refreshed, "
              << r.replaced << " replaced by WKD, " << r.pending << " pending, " << r.rejected
              << " rejected\n";
}

int save(core::Directory& d) {
    auto saved = d.save();
    if (saved) return kExitOk;
    std::cerr << kCommand << ": " << saved.error().detail << "\n";
    return kExitUsage;
}

int run_import(const DirOptions& o) {
    auto d = open_directory(o.dir, kCommand);
    if (!d) return kExitUsage;
    core::FileKeySource source(o.file);
    auto fetched = source.fetch_all();
    if (!fetched) {
        std::cerr << kCommand << ": " << fetched.error().detail << "\n";
        return kExitUsage;
    }
    const Instant t = now();
    for (const auto& f : *fetched) print_report(d->import(f, t), f.where);
    d->mark_updated(t);
    return save(*d);
}

int run_update(const DirOptions& o) {
    auto config = load_client_config(o.config, kCommand);
    auto d = open_directory(o.dir, kCommand);
    if (!config || !d) return kExitUsage;
    auto configured = configured_sources(*config);
    for (const auto& name : configured.unavailable)
        std::cerr << kCommand << ": " << name << ", skipped\n";
    if (configured.sources.empty()) {
        std::cerr << kCommand << ": no key source configured (KeyFile, KeyServer, MixDomain)\n";
        return kExitUsage;
    }
    const Instant t = now();
    std::size_t reached = 0;
    for (auto& source : configured.sources) {
        auto fetched = source->fetch_all();
        if (!fetched) {
            std::cerr << kCommand << ": " << source->where() << ": " << fetched.error().detail
                      << "\n";
            continue;
        }
        ++reached;
        for (const auto& f : *fetched) print_report(d->import(f, t), f.where);
    }
    if (reached == 0) return kExitTempFail;
    d->mark_updated(t);
    return save(*d);
}

void print_entry(const core::Directory& d, const core::DirectoryEntry& e, Instant t,
                 std::chrono::seconds half_life) {
    const crypto::Certificate* cert = d.certificate(e.pinned.fingerprint);  // load() checked it
    const auto profile = core::check_mix_key(*cert);
    std::cout << e.address << "  modes " << (profile ? modes_of(profile->modes) : "?") << "\n"
              << "  key      " << e.pinned.fingerprint << "\n"
              << "  origin   " << core::to_string(e.pinned.origin) << " " << e.pinned.where << "\n"
              << "  seen     " << utc(e.pinned.seen) << ", refreshed " << utc(e.refreshed)
              << (t - e.refreshed > half_life ? "  (STALE)" : "") << "\n";
    if (profile) {
        for (const auto& s : profile->subkeys)
            std::cout << "  subkey   " << s.fingerprint << "  " << utc(s.created) << " .. "
                      << utc(s.expires) << (s.expires <= crypto::to_timestamp(t) ? "  expired" : "")
                      << "\n";
    }
    auto usable = d.usable_key(e, t);
    if (!usable) std::cout << "  NOT USED " << core::describe(usable.error()) << "\n";
    if (e.pending) {
        std::cout << "  PENDING  a different key " << e.pending->fingerprint << " from "
                  << core::to_string(e.pending->origin) << " " << e.pending->where << ", seen "
                  << utc(e.pending->seen) << ": not used until `mixtasy dir accept " << e.address
                  << "`\n";
    }
}

int run_list(const DirOptions& o) {
    auto config = load_client_config(o.config, kCommand);
    auto d = open_directory(o.dir, kCommand);
    if (!config || !d) return kExitUsage;
    const Instant t = now();
    for (const auto& e : d->entries()) print_entry(*d, e, t, config->half_life);
    for (const auto& r : d->rejected()) {
        std::cout << "rejected " << core::to_string(r.origin) << " " << r.where << " "
                  << (r.fingerprint.empty() ? "-" : r.fingerprint) << ": "
                  << core::describe(r.refusal) << "\n";
    }
    std::cout << d->entries().size() << " mixes, "
              << d->usable(t, config->min_subkey_validity).size() << " usable now\n";
    if (d->stale(t, config->half_life)) {
        std::cout << "WARNING: the directory "
                  << (d->updated() ? "was last updated " + utc(*d->updated())
                                   : std::string("was never updated"))
                  << ", longer ago than a subkey half-life: mixes may have rotated their keys. "
                     "Run `mixtasy dir update`.\n";
    }
    return kExitOk;
}

int run_accept(const DirOptions& o) {
    auto d = open_directory(o.dir, kCommand);
    if (!d) return kExitUsage;
    if (auto ok = d->accept(o.address, now()); !ok) {
        std::cerr << kCommand << ": " << ok.error().detail << "\n";
        return kExitUsage;
    }
    std::cout << o.address << ": the pending key is now pinned\n";
    return save(*d);
}

}  // namespace

void add_dir(CLI::App& app) {
    auto opts = std::make_shared<DirOptions>();
    auto* dir = app.add_subcommand("dir", "the directory of mixes: import, update, list, accept");
    add_location_options(*dir, opts->dir, opts->config);
    dir->require_subcommand(1);
    auto* import = dir->add_subcommand("import", "add the armored mix keys of FILE");
    import->add_option("FILE", opts->file, "armored public keys")->required();
    import->callback([opts] { set_exit_status(run_import(*opts));
});
dir->add_subcommand("update", "fetch every mix key from the configured sources")->callback([opts] {
    set_exit_status(run_update(*opts));
});
dir->add_subcommand("list", "each mix, its modes, subkeys, origin and freshness")->callback([opts] {
    set_exit_status(run_list(*opts));
});
auto* accept = dir->add_subcommand("accept", "use a mix's pending (changed) key");
accept->add_option("ADDRESS", opts->address, "mixtasy@fqdn")->required();
accept->callback([opts] { set_exit_status(run_accept(*opts)); });
}  // namespace mixtasy::cli

}  // namespace mixtasy::cli
