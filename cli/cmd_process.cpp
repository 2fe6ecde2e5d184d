// SPDX-License-Identifier: BSD-2-Clause
// mixtasy process - what a mix node does with one received message.
//
//   mixtasy process --home DIR [--database FILE] [--immediate] [--local-domain D]...
//                   < message.eml
//
// Runs the milter's code path (core::Node::accept) on stdin with the node
// key and the store of DIR (database DIR/node.db unless --database).
// Without --immediate the outcome is pooled as the milter would pool it.
// With --immediate the pool is bypassed for this message only: what it
// produced (the next-hop message, the exit delivery, or the original of a
// multipart set it completed) is written to stdout, with one line on
// stderr naming the decision and the envelope recipient.  Other rows of
// the home's pool, and the rows a daemon on the same home has in flight,
// are left alone; the replay cache and multipart sets are the home's.
// Exit 0 produced or pooled, 3 destroyed (reason on stderr, one line),
// 75 temporary failure, 1 bad arguments or a node that cannot open.
#include <iostream>

#include "cli/commands.h"
#include "core/node/node.h"
#include "core/node/processor.h"

namespace mixtasy::cli {
namespace {

struct ProcessOptions {
    std::string home;
    std::string database;
    std::vector<std::string> local_domains;
    bool immediate = false;
};

class StdoutTransport final : public core::Transport {
public:
    core::SendResult send(const core::OutgoingMessage& msg) override {
        std::cout.write(reinterpret_cast<const char*>(msg.message.data()),
                        static_cast<std::streamsize>(msg.message.size()));
        std::cout.flush();
        std::cerr << "pooled -> " << msg.recipient << " (" << msg.message.size() << " bytes)\n";
        ++sent;
        return std::cout ? core::SendResult::Accepted : core::SendResult::TempFail;
    }
    std::size_t sent = 0;
};

int run_process(const ProcessOptions& o) {
    core::NodeOptions options;
    options.home = o.home;
    options.database = o.database;
    options.local_domains = o.local_domains;
    options.recover_in_flight = false;  // a daemon on this home owns its rows in flight
    auto node = core::Node::open(options);
    if (!node) {
        std::cerr << "mixtasy process: " << node.error().detail << "\n";
        return kExitUsage;
    }
    Bytes message;
    char buf[65536];
    while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
        message.insert(message.end(), buf, buf + std::cin.gcount());
        if (message.size() > core::kMaxReceivedBytes) break;  // accept() refuses it
    }
    const core::Envelope envelope{"", {(*node)->address()}};
    StdoutTransport out;
    const core::Decision d = o.immediate ? (*node)->accept_immediate(envelope, message, out)
                                         : (*node)->accept(envelope, message);
    switch (d.kind) {
        case core::Decision::Kind::Pooled: {
            if (!o.immediate) {
                std::cerr << "pooled\n";
                return kExitOk;
            }
            if (out.sent == 0) std::cerr << "pooled (kept: part of an incomplete multipart set)\n";
            return kExitOk;
        }
        case core::Decision::Kind::Dropped:
        case core::Decision::Kind::Quarantine:
            std::cerr << "destroyed: " << d.reason << "\n";
            return kExitDestroyed;
        case core::Decision::Kind::TempFail:
            std::cerr << "temporary failure: " << d.reason << "\n";
            return kExitTempFail;
    }
    return kExitTempFail;
}

}  // namespace

void add_process(CLI::App& app) {
    auto opts = std::make_shared<ProcessOptions>();
    auto* sub = app.add_subcommand("process", "process one received mix message (stdin) as a node");
    sub->add_option("--home", opts->home, "the node's key home")->required();
    sub->add_option("--database", opts->database, "SQLite store (default HOME/node.db)");
    sub->add_option("--local-domain", opts->local_domains, "local domain for exitprivate delivery");
    sub->add_flag("--immediate", opts->immediate, "bypass the pool: write what leaves to stdout");
    sub->callback([opts] { set_exit_status(run_process(*opts)); });
}

}  // namespace mixtasy::cli
