// SPDX-License-Identifier: BSD-2-Clause
// send_runner.cpp - see send_runner.h.
#include "cli/send_runner.h"

#include <iostream>
#include <sstream>

#include "cli/client_setup.h"
#include "cli/exit_status.h"
#include "cli/submit.h"
#include "common/ascii.h"
#include "core/ports/random.h"
#include "core/sender/send_plan.h"

namespace mixtasy::cli {
namespace {

int refuse(const std::string& command, const std::string& why) {
    std::cerr << command << ": " << why << "; nothing was sent\n";
    return kExitUsage;
}

core::SendRequest request_of(const SendOptions& o, const core::ClientConfig& config) {
    core::SendRequest r;
    r.route.chain = split_chain(o.chain);
    r.route.hops = o.hops;
    if (!o.exit.empty()) r.route.exit = o.exit;
    r.route.sender_domain = config.sender_domain;
    if (r.route.sender_domain.empty() && config.envelope_sender)
        r.route.sender_domain = core::domain_of(*config.envelope_sender);
    r.original.keep = o.keep;
    return r;
}

// Each part's path: parts share the exit, so the paths show where they part.
void print_plan(const std::vector<core::PlannedMessage>& plan) {
    for (const auto& m : plan) {
        std::cout << "recipient " << m.recipient << "\n  parts " << m.parts.size() << "\n";
        for (std::size_t i = 0; i < m.parts.size(); ++i) {
            std::cout << "  part " << i + 1 << ": " << m.parts[i].message.size() << " bytes to "
                      << m.parts[i].first_hop << "\n    path";
            for (const auto& hop : m.routes[i]) std::cout << " " << hop;
            std::cout << "\n";
        }
    }
}

int submit_all(const std::vector<core::PlannedMessage>& plan, const core::ClientConfig& config,
               const std::string& command) {
    std::size_t sent = 0;
    for (const auto& m : plan) {
        for (const auto& part : m.parts) {
            auto ok = submit(config, part.first_hop, part.message);
            if (!ok) {
                std::cerr << command << ": " << ok.error() << "; " << sent
                          << " message(s) were handed over before this one\n";
                return kExitTempFail;
            }
            ++sent;
        }
    }
    std::cerr << command << ": " << sent << " message(s) handed over for " << plan.size()
              << " recipient(s)\n";
    return kExitOk;
}

}  // namespace

std::vector<std::string> split_chain(const std::string& list) {
    std::vector<std::string> out;
    std::stringstream in(list);
    std::string item;
    while (std::getline(in, item, ',')) {
        const std::string_view t = ascii::trim_space(item);
        if (!t.empty()) out.emplace_back(t);
    }
    return out;
}

int run_send(const SendOptions& o, const std::string& command, ByteView original) {
    auto config = load_client_config(o.config, command);
    auto directory = open_directory(o.dir, command);
    if (!config || !directory) return kExitUsage;
    const Instant t = now();
    if (directory->stale(t, config->half_life)) {
        return refuse(command,
                      "the directory is stale (older than a subkey half-life); run "
                      "`mixtasy dir update` first");
    }
    const auto policy = rank_policy(*config, o.min_rank, command);
    if (!policy) return refuse(command, "the ranking cannot be applied");
    const core::KeyRing ring = usable_ring(*directory, *config, *policy, t);
    if (ring.size() == 0) {
        return refuse(command, policy->min_rank > 0
                                   ? "no usable mix of rank " + std::to_string(policy->min_rank) +
                                         " or more in the directory"
                                   : std::string("no usable mix in the directory"));
    }
    if (!o.dry_run) {
        if (auto problem = submission_problem(*config); !problem.empty())
            return refuse(command, problem);
    }
    core::SystemRandom random;
    auto plan = core::plan_send(ring, original, request_of(o, *config), t, random);
    if (!plan) return refuse(command, plan.error().detail);
    if (o.dry_run) {
        print_plan(*plan);
        return kExitOk;
    }
    return submit_all(*plan, *config, command);
}

}  // namespace mixtasy::cli
