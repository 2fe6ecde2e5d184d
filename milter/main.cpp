// main.cpp - mixtasy-milter(8); everything is in daemon_main.cpp.
#include "milter/daemon_main.h"

int main(int argc, char** argv) {
    // A lambda, not the function name: Node::open may be overloaded.
    return mixtasy::milter::daemon_main(argc, argv, [](const mixtasy::core::NodeOptions& options) {
        return mixtasy::core::Node::open(options);
    });
}
