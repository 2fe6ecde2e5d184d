// fuzz_crypto_armor - armor decoding on arbitrary text; what decodes must
// re-encode and decode to the same bytes, in both writers' styles (LF with
// CRC as for keys, CRLF without CRC as for mix messages).
#include <cstddef>
#include <cstdint>
#include <cstdlib>

#include "crypto/armor.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    using namespace mixtasy::crypto;
    auto a = armor_decode(mixtasy::ByteView(data, size));
    if (!a) return 0;
    const std::string again = armor_encode(a->data, a->label.empty() ? "X" : a->label);
    auto b = armor_decode(mixtasy::as_bytes(again));
    if (!b || b->data != a->data) std::abort();
    mixtasy::Bytes wire;
    armor_append(wire, a->data, a->label.empty() ? "X" : a->label, {.crlf = true, .checksum = false});
    auto c = armor_decode(wire);
    if (!c || c->data != a->data || c->had_checksum) std::abort();
    return 0;
}
