// SPDX-License-Identifier: BSD-2-Clause
// scripted_milter_main.cpp - the real mixtasy-milter daemon over the
// scripted node (test harness only; never installed).
#include "milter/daemon_main.h"
#include "tests/milter/scripted_node.h"

// The scripted node has no key home: -n checks everything else.
int main(int argc, char** argv) {
    mixtasy::milter::DaemonMainOptions options;
    options.check_node_key = false;
    return mixtasy::milter::daemon_main(argc, argv, mixtasy::milter::testing::open_scripted_node,
                                        options);
}
