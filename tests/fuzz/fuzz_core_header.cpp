// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the Mixtasy v1 header parser and field checks
// (core/format/mix_header.h, core/format/mix_fields.h) and the received-body splitter.
// Invariants checked: no crash; a parsed header re-serializes and parses
// again to the same fields; offsets stay inside the input.
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "core/format/mix_fields.h"
#include "core/format/mix_header.h"
#include "core/format/wire_message.h"

using namespace mixtasy;
using namespace mixtasy::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const ByteView input(data, size);
    (void)received_body(input);
    auto parsed = parse_mix_header(input);
    if (!parsed) return 0;
    if (parsed->body_offset > size || parsed->second_line_offset > parsed->body_offset)
        std::abort();
    (void)interpret_mix_fields(parsed->header);
    const std::string again = serialize_mix_header(parsed->header);
    auto reparsed = parse_mix_header(as_bytes(again));
    if (!reparsed) return 0;  // e.g. an unfolded line now over the line limit
    if (reparsed->header.fields.size() != parsed->header.fields.size()) std::abort();
    if (reparsed->header.verification != parsed->header.verification) std::abort();
    return 0;
}
