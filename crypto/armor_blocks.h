// SPDX-License-Identifier: BSD-2-Clause
// armor_blocks.h - a text of concatenated armored blocks, cut into blocks.
//
// What it does
//   split_armor_blocks(text, max_blocks) returns each
//   "-----BEGIN ..." ... "-----END ...-----" block of `text`, in order, as
//   views into `text`: from the BEGIN marker to the end of the END line
//   (its line feed included; the end of `text` if it has none).  Text
//   between blocks is skipped.  Each block is for armor_decode (armor.h),
//   which checks what the splitter does not (labels, base64, CRC).
//
// Guarantees and refusals
//   - At most `max_blocks` blocks: a caller with a limit on keys or messages
//     passes it (or one more, to tell "at the limit" from "past it").
//   - A BEGIN without a later END ends the scan; it is not a block.
//   - No allocation but the returned vector; never reads past `text`.
#pragma once

#include <cstddef>
#include <string_view>
#include <vector>

namespace mixtasy::crypto {

std::vector<std::string_view> split_armor_blocks(std::string_view text, std::size_t max_blocks);

}  // namespace mixtasy::crypto
