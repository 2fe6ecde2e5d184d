// SPDX-License-Identifier: BSD-2-Clause
// mixtasy dir - the sender's directory of mixes (core/sender/directory.h).
//
//   mixtasy dir [--dir DIR] [--config FILE] import FILE
//   mixtasy dir [--dir DIR] [--config FILE] update
//   mixtasy dir [--dir DIR] [--config FILE] list [--min-rank N]
//   mixtasy dir [--dir DIR] accept ADDRESS
//   mixtasy dir [--dir DIR] [--config FILE] request DOMAIN [--from ADDR]
//   mixtasy dir [--dir DIR] import --reply FILE
//
// import adds the armored keys of FILE, validated as update validates the
// keys it fetches (KeyFile, KeyServer, MixDomain lines of the config);
// update also sends a request (below) to each KeyServiceDomain.
// list shows each mix, its modes, its subkeys' validity windows, where it
// came from and when it was last refreshed, its rank (how many of the
// config's RankingKeys certify it; below --min-rank or MinRank it is not
// used), pending keys, rejected keys
// with their reason, and a warning when the directory is stale.  accept
// makes a mix's pending key its pinned one.  request sends seed 004's Key
// Retrieval request for mixtasy@DOMAIN to keys@DOMAIN through the
// configured submission (the reply goes to --from or EnvelopeSender, so
// that domain learns who asked) and keeps K_auth in the directory
// (key-requests, 0600); import --reply FILE checks the reply mail's HMAC
// against it (cli/key_retrieval.h), validates the key as import does and
// imports it, origin key-service.
// Exit 0 on success, 1 on bad arguments or an unreadable directory or
// config, 75 when no source of an update could be reached or a request
// could not be submitted.
#include <ctime>
#include <fstream>
#include <iostream>
#include <memory>

#include "cli/client_setup.h"
#include "cli/commands.h"
#include "cli/key_retrieval.h"
#include "cli/key_sources.h"
#include "cli/submit.h"
#include "common/expected.h"
#include "core/ports/random.h"
#include "core/sender/file_key_source.h"
#include "core/sender/key_request.h"
#include "core/sender/path.h"

namespace mixtasy::cli {
namespace {

constexpr const char* kCommand = "mixtasy dir";

struct DirOptions {
    std::string dir;
    std::string config;
    std::string file;
    std::string address;
    std::string reply;   // import --reply FILE
    std::string domain;  // request DOMAIN
    std::string from;    // request --from ADDR
    int min_rank = -1;   // list --min-rank; -1: the config's MinRank
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

int fail(const std::string& why) {
    std::cerr << kCommand << ": " << why << "\n";
    return kExitUsage;
}

int save(core::Directory& d) {
    auto saved = d.save();
    if (saved) return kExitOk;
    std::cerr << kCommand << ": " << saved.error().detail << "\n";
    return kExitUsage;
}

int run_import_reply(const DirOptions& o);

int run_import(const DirOptions& o) {
    if (o.file.empty() == o.reply.empty()) return fail("give one of FILE and --reply FILE");
    if (!o.reply.empty()) return run_import_reply(o);
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

std::optional<std::string> read_small_file(const std::string& path, std::size_t limit) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text(limit + 1, '\0');
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.size() > limit) return std::nullopt;
    return text;
}

// import --reply: a seed 004 Key Retrieval reply, checked against the
// pending request's K_auth before its key is validated and imported.
int run_import_reply(const DirOptions& o) {
    auto d = open_directory(o.dir, kCommand);
    if (!d) return kExitUsage;
    const Instant t = now();
    auto requests = core::KeyRequests::load(d->path(), t);
    if (!requests) return fail(requests.error().detail);
    const auto mail = read_small_file(o.reply, core::kMaxReplyBytes);
    if (!mail) return fail("cannot read " + o.reply + " (or it is over 512 KiB)");
    auto checked = check_key_reply(*mail, *requests);
    if (!checked) return fail(o.reply + ": " + checked.error());
    const auto report =
        d->import(core::FetchedKey{core::KeyOrigin::KeyService,
                                   "keys@" + core::domain_of(checked->address), checked->armored},
                  t);
    print_report(report, o.reply);
    if (report.rejected > 0) return fail(checked->address + ": the key is not valid, not used");
    (void)requests->take(checked->address);  // K_auth is used once
    if (auto saved = requests->save(); !saved) return fail(saved.error().detail);
    return save(*d);
}

// Seed 004's Key Retrieval request for mixtasy@DOMAIN.  K_auth is kept
// (0600) before the request leaves, so a reply can always be checked.
int send_key_request(const core::ClientConfig& config, const core::Directory& d,
                     const std::string& domain, const std::string& from) {
    const Instant t = now();
    core::SystemRandom random;
    auto request = core::new_key_request(domain, random, t);
    if (!request) return fail(request.error().detail);
    auto mail = core::request_mail(*request, from);
    if (!mail) return fail(mail.error().detail);
    auto requests = core::KeyRequests::load(d.path(), t);
    if (!requests) return fail(requests.error().detail);
    if (auto added = requests->add(*request); !added) return fail(added.error().detail);
    if (auto saved = requests->save(); !saved) return fail(saved.error().detail);
    if (auto sent = submit(config, request->service(), as_bytes(*mail)); !sent) {
        std::cerr << kCommand << ": " << sent.error() << "\n";
        return kExitTempFail;
    }
    std::cout << "asked " << request->service() << " for " << request->address
              << "; import the reply with `mixtasy dir import --reply FILE`\n";
    return kExitOk;
}

// Where a key service's reply comes back to, or why a request cannot leave.
Expected<std::string, std::string> reply_address(const core::ClientConfig& config,
                                                 const std::string& from) {
    const std::string to = !from.empty() ? from : config.envelope_sender.value_or("");
    if (to.empty())
        return Unexpected{std::string(
            "the reply needs an address to come back to: give --from or EnvelopeSender")};
    if (auto problem = submission_problem(config); !problem.empty()) return Unexpected{problem};
    return to;
}

int run_request(const DirOptions& o) {
    auto config = load_client_config(o.config, kCommand);
    auto d = open_directory(o.dir, kCommand);
    if (!config || !d) return kExitUsage;
    auto from = reply_address(*config, o.from);
    if (!from) return fail(from.error());
    return send_key_request(*config, *d, o.domain, *from);
}

// update's part for KeyServiceDomain: one request each; how many left.
std::size_t request_from_key_services(const core::ClientConfig& config, const core::Directory& d) {
    if (config.key_service_domains.empty()) return 0;
    auto from = reply_address(config, "");
    if (!from) {
        std::cerr << kCommand << ": KeyServiceDomain skipped: " << from.error() << "\n";
        return 0;
    }
    std::size_t sent = 0;
    for (const auto& domain : config.key_service_domains)
        if (send_key_request(config, d, domain, *from) == kExitOk) ++sent;
    return sent;
}

int run_update(const DirOptions& o) {
    auto config = load_client_config(o.config, kCommand);
    auto d = open_directory(o.dir, kCommand);
    if (!config || !d) return kExitUsage;
    auto configured = configured_sources(*config);
    for (const auto& name : configured.unavailable)
        std::cerr << kCommand << ": " << name << ", skipped\n";
    if (configured.sources.empty() && config->key_service_domains.empty()) {
        std::cerr
            << kCommand
            << ": no key source configured (KeyFile, KeyServer, MixDomain, KeyServiceDomain)\n";
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
    const std::size_t asked = request_from_key_services(*config, *d);
    if (reached == 0) return asked > 0 ? kExitOk : kExitTempFail;
    d->mark_updated(t);
    return save(*d);
}

// The mix's rank (seed 000 6.3.3) and whether it is enough to be used.
void print_rank(const crypto::Certificate& cert, const core::RankPolicy& policy, Instant t) {
    const std::size_t rank = core::mix_rank(cert, policy.keys, t);
    std::cout << "  rank     " << rank << " (certified by " << rank << " of " << policy.keys.size()
              << " ranking keys)\n";
    if (rank < policy.min_rank)
        std::cout << "  NOT USED rank " << rank << " is below the minimum rank " << policy.min_rank
                  << "\n";
}

void print_entry(const core::Directory& d, const core::DirectoryEntry& e, Instant t,
                 std::chrono::seconds half_life, const core::RankPolicy& policy) {
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
    print_rank(*cert, policy, t);
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
    const auto policy = rank_policy(*config, o.min_rank, kCommand);
    if (!policy) return kExitUsage;
    const Instant t = now();
    for (const auto& e : d->entries()) print_entry(*d, e, t, config->half_life, *policy);
    for (const auto& r : d->rejected()) {
        std::cout << "rejected " << core::to_string(r.origin) << " " << r.where << " "
                  << (r.fingerprint.empty() ? "-" : r.fingerprint) << ": "
                  << core::describe(r.refusal) << "\n";
    }
    std::cout << d->entries().size() << " mixes, " << usable_ring(*d, *config, *policy, t).size()
              << " usable now\n";
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
    import->add_option("FILE", opts->file, "armored public keys");
    import->add_option("--reply", opts->reply, "a Key Retrieval reply mail (dir request)");
    import->callback([opts] { set_exit_status(run_import(*opts));
});
dir->add_subcommand("update", "fetch every mix key from the configured sources")->callback([opts] {
    set_exit_status(run_update(*opts));
});
auto* list = dir->add_subcommand("list", "each mix, its modes, subkeys, rank, origin, freshness");
add_min_rank_option(*list, opts->min_rank);
list->callback([opts] { set_exit_status(run_list(*opts)); });
auto* request = dir->add_subcommand("request", "ask keys@DOMAIN for its mix key by mail");
request->add_option("DOMAIN", opts->domain, "the mix's domain")->required();
request->add_option("--from", opts->from, "where the reply goes (default EnvelopeSender)");
request->callback([opts] { set_exit_status(run_request(*opts)); });
auto* accept = dir->add_subcommand("accept", "use a mix's pending (changed) key");
accept->add_option("ADDRESS", opts->address, "mixtasy@fqdn")->required();
accept->callback([opts] { set_exit_status(run_accept(*opts)); });
}  // namespace mixtasy::cli

}  // namespace mixtasy::cli
