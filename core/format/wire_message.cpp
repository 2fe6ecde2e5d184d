// wire_message.cpp - see wire_message.h.
#include "core/format/wire_message.h"

#include <algorithm>

#include "core/format/mix_fields.h"
#include "core/format/mix_format.h"
#include "core/format/mix_header.h"
#include "crypto/armor.h"

namespace mixtasy::core {

std::optional<ByteView> received_body(ByteView received) {
    const std::string_view text = as_chars(received.first(std::min(received.size(), kMaxReceivedHeaderBytes)));
    // The empty line: LF LF or LF CR LF.
    for (std::size_t i = text.find('\n'); i != std::string_view::npos; i = text.find('\n', i + 1)) {
        if (i + 1 < text.size() && text[i + 1] == '\n') return received.subspan(i + 2);
        if (i + 2 < text.size() && text[i + 1] == '\r' && text[i + 2] == '\n') {
            return received.subspan(i + 3);
        }
    }
    return std::nullopt;
}

Bytes transport_message(std::string_view from, std::string_view to, ByteView binary_body) {
    MixHeader header = intermediate_header(to);
    if (!from.empty()) header.set(kFieldFrom, std::string(from));
    const std::string text = serialize_mix_header(header);
    Bytes out(text.begin(), text.end());
    // CRLF as on the wire; no CRC24 line (RFC 9580 6.1): the next mix checks
    // the Verification hash, which a CRC could only repeat more weakly.
    crypto::armor_append(out, binary_body, crypto::kLabelMessage, {.crlf = true, .checksum = false});
    return out;
}

}  // namespace mixtasy::core
