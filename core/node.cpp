// node.cpp - Node::open.  The processing node is being written; until it
// lands, open() refuses so that callers fail loudly instead of silently.
#include "core/node.h"

namespace mixtasy::core {

Expected<std::unique_ptr<Node>, std::string> Node::open(const NodeOptions& /*options*/) {
    return Unexpected{std::string("mixtasy node: not implemented yet")};
}

}  // namespace mixtasy::core
