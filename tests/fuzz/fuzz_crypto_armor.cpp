// SPDX-License-Identifier: BSD-2-Clause
// fuzz_crypto_armor - armor decoding on arbitrary text; what decodes must
// re-encode and decode to the same bytes, in both writers' styles (LF with
// CRC as for keys, CRLF without CRC as for mix messages).  The block
// splitter runs on the same text: every block lies inside it, in order, at
// most as many as asked.  is_armored agrees with armor_decode about text
// before the BEGIN line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "crypto/armor.h"
#include "crypto/armor_blocks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mixtasy::crypto;
    const std::string_view text = mixtasy::as_chars(mixtasy::ByteView(data, size));
    const auto blocks = split_armor_blocks(text, 8);
    if (blocks.size() > 8) std::abort();
    const char* last_end = text.data();
    for (std::string_view block : blocks) {
        if (block.data() < last_end || block.data() + block.size() > text.data() + text.size())
            std::abort();
        if (block.substr(0, 11) != "-----BEGIN ") std::abort();
        last_end = block.data() + block.size();
    }
    auto a = armor_decode(mixtasy::ByteView(data, size));
    if (!a) return 0;
    // What decodes is armor to is_armored too (armor.h), unless it starts
    // like a binary packet (bit 7 of the first non-space byte).
    const std::size_t first = text.find_first_not_of(" \t\r\n");
    const bool binary_start =
        first != std::string_view::npos && (static_cast<unsigned char>(text[first]) & 0x80);
    if (!binary_start && !is_armored(mixtasy::ByteView(data, size))) std::abort();
    const std::string again = armor_encode(a->data, a->label.empty() ? "X" : a->label);
    auto b = armor_decode(mixtasy::as_bytes(again));
    if (!b || b->data != a->data) std::abort();
    mixtasy::Bytes wire;
    armor_append(wire, a->data, a->label.empty() ? "X" : a->label,
                 {.crlf = true, .checksum = false});
    auto c = armor_decode(wire);
    if (!c || c->data != a->data || c->had_checksum) std::abort();
    return 0;
}
