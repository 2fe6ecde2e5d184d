// SPDX-License-Identifier: BSD-2-Clause
// daemon_main.h - the whole mixtasy-milter program as a function, so that
// main.cpp stays one line and the miltertest/e2e harness can run the very
// same daemon over a scripted node while core is young.
//
// CONTRACT
//   daemon_main(argc, argv, open_node)  parses `-c FILE -f -n -V`, reads the
//   configuration, and runs the daemon with the node open_node returns.
//   Returns the exit status: 0 clean stop, 1 usage or configuration error
//   (each problem printed as FILE:LINE: message), 2 startup failure
//   (socket, privileges, node).
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "common/expected.h"
#include "core/node/node.h"

namespace mixtasy::milter {

using NodeFactory =
    std::function<Expected<std::unique_ptr<core::Node>, core::OpenError>(const core::NodeOptions&)>;

// What -n checks of the node beside the configuration: the scripted node of
// the miltertest harness (tests/milter) has no key home to check.
struct DaemonMainOptions {
    bool check_node_key = true;
};

int daemon_main(int argc, char** argv, const NodeFactory& open_node,
                DaemonMainOptions main_options = {});

}  // namespace mixtasy::milter
