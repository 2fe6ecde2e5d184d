// SPDX-License-Identifier: BSD-2-Clause
// mixtasy send - wrap an original (stdin) for random paths of mixes from
// the directory and submit it, one Mixtasy message per recipient.
//
//   mixtasy send [--hops N] [--chain a,*,*,d] [--exit MIX] [--keep FIELD]...
//                [--dry-run] [--min-rank N] [--dir DIR] [--config FILE] < original.eml
//
// Paths follow seed 000 (cli/send_runner.h, core/sender/path.h), each
// part of a multipart original on its own path to the shared exit; only
// mixes of rank N or more are used (core/sender/ranking.h; default the
// config's MinRank, 0); the
// header is cleaned first (core/sender/original.h; --keep FIELD keeps one
// field, for a signed, non-anonymous message).  Submission through the
// configured sendmail binary or SMTP (core/sender/client_config.h).
// Exit 0 sent, 1 refused before anything was sent, 75 submission failed.
#include <memory>

#include "cli/client_setup.h"
#include "cli/commands.h"
#include "cli/send_runner.h"
#include "core/sender/path.h"

namespace mixtasy::cli {

void add_send(CLI::App& app) {
    auto opts = std::make_shared<SendOptions>();
    auto* sub = app.add_subcommand("send", "send an original (stdin) through random mix paths");
    sub->add_option("--hops", opts->hops, "mixes per path (at least 4)")
        ->check(CLI::Range(core::kMinRouteLength, core::kMaxRouteLength));
    sub->add_option("--chain", opts->chain, "mixes and '*', comma separated, first hop first");
    sub->add_option("--exit", opts->exit, "the last mix");
    sub->add_option("--keep", opts->keep, "keep this header field (repeatable)");
    sub->add_flag("--dry-run", opts->dry_run, "print the paths, parts and sizes; send nothing");
    add_min_rank_option(*sub, opts->min_rank);
    add_location_options(*sub, opts->dir, opts->config);
    sub->callback([opts] {
        auto original = read_original(kMaxOriginalBytes, "mixtasy send");
        set_exit_status(original ? run_send(*opts, "mixtasy send", *original) : kExitUsage);
    });
}

}  // namespace mixtasy::cli
