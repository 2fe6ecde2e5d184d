// SPDX-License-Identifier: BSD-2-Clause
// fuzz_crypto_packet - packet framing and the packet dump on arbitrary bytes.
#include <cstddef>
#include <cstdint>
#include <sstream>

#include "crypto/dump.h"
#include "crypto/packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mixtasy::crypto;
    const mixtasy::ByteView input(data, size);
    PacketLimits limits;
    limits.max_packet_size = 1 << 20;
    limits.max_partial_chunks = 1024;
    (void)read_packets(input, limits);
    std::ostringstream out;
    (void)dump(input, out, limits);
    return 0;
}
