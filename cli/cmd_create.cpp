// SPDX-License-Identifier: BSD-2-Clause
// mixtasy create - wrap an original message for a path of mixes.
//
//   mixtasy create (--keyring FILE | --dir DIR) --path A,B,C,D [--out-dir DIR]
//                  [--min-rank N [--config FILE]] < original.eml
//
// FILE holds the mixes' armored public keys, concatenated (or --dir names a
// sender's directory, `mixtasy dir`); A..D are their mix addresses (at
// least four, never the same twice in a row; inner mixes must run
// middleman, the last one an exit mode), or `*` for a mix drawn under seed
// 000's rules (core/sender/path.h) for the original's To: recipient, anew
// for each part (the parts share the exit).  The original must carry
// a To: address.  One part: the first-hop message goes to stdout.  More
// parts (originals over about 20 KiB), or --out-dir: one file per part,
// DIR/part-NNN.eml, each to be sent to its first hop, which stderr names.
// --min-rank N uses only the mixes that N of the config's RankingKeys
// certify (core/sender/ranking.h), for `*` hops and named ones alike.
// Exit 0 on success, 1 on bad arguments, unknown mixes, an unreadable key
// ring or an original that cannot be wrapped (the reason in one line).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <optional>
#include <sstream>

#include "cli/client_setup.h"
#include "cli/commands.h"
#include "core/keys/keyring.h"
#include "core/ports/random.h"
#include "core/sender/creator.h"
#include "core/sender/directory.h"
#include "core/sender/send_plan.h"

namespace mixtasy::cli {
namespace {

struct CreateOptions {
    std::string keyring;
    std::string dir;
    std::string path;
    std::string out_dir;
    std::string config;
    int min_rank = -1;  // -1: no ranking (create is the low-level tool)
};

std::vector<std::string> split_path(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream in(list);
    std::string item;
    while (std::getline(in, item, ',')) {
        if (!item.empty()) out.push_back(item);
    }
    return out;
}

int fail(const std::string& why) {
    std::cerr << "mixtasy create: " << why << "\n";
    return kExitUsage;
}

std::optional<core::KeyRing> load_ring(const CreateOptions& o, Instant now) {
    if (!o.dir.empty()) {
        auto d = core::Directory::load(o.dir);
        if (!d) {
            fail("directory: " + d.error().detail);
            return std::nullopt;
        }
        return d->usable(now);
    }
    std::ifstream ring_file(o.keyring, std::ios::binary);
    if (!ring_file) {
        fail("cannot read key ring " + o.keyring);
        return std::nullopt;
    }
    const std::string ring_text((std::istreambuf_iterator<char>(ring_file)),
                                std::istreambuf_iterator<char>());
    core::KeyRing ring = core::KeyRing::parse(ring_text);
    for (const auto& why : ring.rejected())
        std::cerr << "mixtasy create: ignoring key: " << why << "\n";
    return ring;
}

// The paths of the parts: a path without `*` as given, for every part; with
// `*`, each part's hops drawn anew (one shared exit), as `send` draws them.
std::optional<std::vector<std::vector<std::string>>> resolve_paths(
    const core::KeyRing& ring, const std::vector<std::string>& path, ByteView original,
    core::Random& random) {
    if (std::find(path.begin(), path.end(), core::kRandomHop) == path.end())
        return std::vector<std::vector<std::string>>{path};
    core::RouteRequest request;
    request.chain = path;
    request.recipient = core::original_recipient(original);
    request.parts = std::max<std::size_t>(1, core::part_count(original.size()));
    auto routes = core::choose_routes(core::mix_choices(ring), request, random);
    if (!routes) {
        fail("no path: " + routes.error().detail);
        return std::nullopt;
    }
    return std::move(*routes);
}

// --min-rank: only the mixes that enough of the config's RankingKeys certify.
std::optional<core::KeyRing> apply_rank(const CreateOptions& o, core::KeyRing ring, Instant now) {
    if (o.min_rank < 0) return ring;
    auto config = load_client_config(o.config, "mixtasy create");
    if (!config) return std::nullopt;
    auto policy = rank_policy(*config, o.min_rank, "mixtasy create");
    if (!policy) return std::nullopt;
    return core::ranked(ring, *policy, now);
}

int run_create(const CreateOptions& o) {
    const auto now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (o.keyring.empty() == o.dir.empty()) return fail("give one of --keyring and --dir");
    auto loaded = load_ring(o, now);
    if (!loaded) return kExitUsage;
    const auto ring = apply_rank(o, std::move(*loaded), now);
    if (!ring) return kExitUsage;

    Bytes original;
    char buf[65536];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
        original.insert(original.end(), buf, buf + std::cin.gcount());
        if (original.size() > kMaxOriginalBytes) return fail("original message over 4 MiB");
    }
    core::SystemRandom random;
    const auto paths = resolve_paths(*ring, split_path(o.path), original, random);
    if (!paths) return kExitUsage;
    auto created = paths->size() == 1
                       ? core::create_messages(*ring, paths->front(), original, now, random)
                       : core::create_messages_on_paths(*ring, *paths, original, now, random);
    if (!created) return fail(created.error().detail);

    if (o.out_dir.empty() && created->size() == 1) {
        const Bytes& m = created->front().message;
        std::cout.write(reinterpret_cast<const char*>(m.data()),
                        static_cast<std::streamsize>(m.size()));
        std::cout.flush();
        std::cerr << "first hop: " << created->front().first_hop << "\n";
        return std::cout ? kExitOk : fail("cannot write to stdout");
    }
    if (o.out_dir.empty()) {
        return fail(std::to_string(created->size()) +
                    " parts: give --out-dir for one file per part");
    }
    std::error_code ec;
    std::filesystem::create_directories(o.out_dir, ec);
    for (std::size_t i = 0; i < created->size(); ++i) {
        char name[32];
        std::snprintf(name, sizeof name, "part-%03zu.eml", i + 1);
        const auto file = std::filesystem::path(o.out_dir) / name;
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        const Bytes& m = (*created)[i].message;
        out.write(reinterpret_cast<const char*>(m.data()), static_cast<std::streamsize>(m.size()));
        if (!out) return fail("cannot write " + file.string());
        std::cerr << file.string() << " first hop: " << (*created)[i].first_hop << "\n";
    }
    return kExitOk;
}

}  // namespace

void add_create(CLI::App& app) {
    auto opts = std::make_shared<CreateOptions>();
    auto* sub =
        app.add_subcommand("create", "wrap an original message (stdin) for a path of mixes");
    sub->add_option("--keyring", opts->keyring, "file of the mixes' armored public keys");
    sub->add_option("--dir", opts->dir, "a sender's directory of mixes (mixtasy dir)");
    sub->add_option("--path", opts->path, "mix addresses or '*', comma separated, first hop first")
        ->required();
    sub->add_option("--out-dir", opts->out_dir, "write one file per part into this directory");
    add_min_rank_option(*sub, opts->min_rank);
    sub->add_option("--config", opts->config, "client config with the RankingKey files");
    sub->callback([opts] { set_exit_status(run_create(*opts)); });
}

}  // namespace mixtasy::cli
