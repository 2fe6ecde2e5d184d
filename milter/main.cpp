// main.cpp - mixtasy-milter(8); everything is in daemon_main.cpp.
#include "milter/daemon_main.h"

int main(int argc, char** argv) {
    return mixtasy::milter::daemon_main(argc, argv, mixtasy::core::Node::open);
}
