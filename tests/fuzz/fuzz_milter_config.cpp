// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the mixtasy-milter.conf parser (milter/config.h).
// Input: the file's text.  Invariants checked: no crash; every problem names
// a line of the input (or 0, the file); an accepted file parses the same a
// second time.  BlockList values may name files: the parser reads only
// regular files, bounded, so a fuzzer's "/dev/zero" or a FIFO cannot hang it.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "milter/config.h"

using namespace mixtasy::milter;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    const std::size_t lines =
        static_cast<std::size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
    auto parsed = parse_config(text);
    if (!parsed) {
        if (parsed.error().empty()) std::abort();
        for (const ConfigProblem& p : parsed.error())
            if (p.line > lines || p.message.empty()) std::abort();
        return 0;
    }
    auto again = parse_config(text);
    if (!again || again->socket != parsed->socket || again->node.home != parsed->node.home ||
        again->modes != parsed->modes)
        std::abort();
    return 0;
}
