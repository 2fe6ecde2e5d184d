// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the HKP machine-readable index parser
// (core/publish/hkp_index.h), which reads whatever a keyserver answers.
// Invariants checked: no crash; an accepted index respects every limit,
// and each key ID is 8, 16, 40 or 64 upper-case hex digits.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/publish/hkp_index.h"

using namespace mixtasy::core;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    HkpIndexLimits limits;
    limits.max_entries = 16;
    limits.max_uids_per_entry = 4;
    limits.max_line_length = 512;
    auto index = parse_hkp_index(text, limits);
    if (!index) return 0;
    if (index->size() > limits.max_entries) std::abort();
    for (const auto& e : *index) {
        if (e.uids.size() > limits.max_uids_per_entry) std::abort();
        const std::size_t n = e.key_id.size();
        if (n != 8 && n != 16 && n != 40 && n != 64) std::abort();
        for (char c : e.key_id)
            if (!((c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'))) std::abort();
    }
    return 0;
}
