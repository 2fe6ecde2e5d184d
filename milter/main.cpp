// SPDX-License-Identifier: BSD-2-Clause
// main.cpp - mixtasy-milter(8); the daemon is in daemon_main.cpp.
#include <cstdio>
#include <cstring>

#include "common/build_config.h"
#include "milter/daemon_main.h"
#include "milter/setup/setup_main.h"

int main(int argc, char** argv) {
    // getopt knows no long options; --version is what packagers' scripts try.
    if (argc == 2 && std::strcmp(argv[1], "--version") == 0) {
        std::printf("mixtasy-milter %s\n", mixtasy::build::kVersion);
        return 0;
    }
    // `setup` wires the node into the MTA and exits (milter/setup/).
    if (argc >= 2 && std::strcmp(argv[1], "setup") == 0) {
        return mixtasy::milter::setup::setup_main(argc - 1, argv + 1);
    }
    // A lambda, not the function name: Node::open may be overloaded.
    return mixtasy::milter::daemon_main(argc, argv, [](const mixtasy::core::NodeOptions& options) {
        return mixtasy::core::Node::open(options);
    });
}
