// SPDX-License-Identifier: BSD-2-Clause
// armor_blocks.cpp - see armor_blocks.h.
#include "crypto/armor_blocks.h"

namespace mixtasy::crypto {

std::vector<std::string_view> split_armor_blocks(std::string_view text, std::size_t max_blocks) {
    std::vector<std::string_view> blocks;
    std::size_t pos = 0;
    while (blocks.size() < max_blocks) {
        const auto begin = text.find("-----BEGIN ", pos);
        if (begin == std::string_view::npos) break;
        const auto end = text.find("-----END ", begin);
        if (end == std::string_view::npos) break;
        const auto line_end = text.find('\n', end);
        const auto stop = line_end == std::string_view::npos ? text.size() : line_end + 1;
        blocks.push_back(text.substr(begin, stop - begin));
        pos = stop;
    }
    return blocks;
}

}  // namespace mixtasy::crypto
