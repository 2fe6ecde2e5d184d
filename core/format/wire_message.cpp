// SPDX-License-Identifier: BSD-2-Clause
// wire_message.cpp - see wire_message.h.
#include "core/format/wire_message.h"

#include "core/format/mail_header.h"
#include "core/format/mix_fields.h"
#include "core/format/mix_format.h"
#include "core/format/mix_header.h"
#include "crypto/armor.h"

namespace mixtasy::core {

std::optional<ByteView> received_body(ByteView received) {
    // Only the end of the header matters here, not its fields: whatever the
    // MTAs added is read as lines, within the limit and nothing else.
    HeaderLines lines(as_chars(received), kMaxReceivedHeaderBytes, kMaxReceivedHeaderBytes);
    while (true) {
        auto line = lines.next();
        if (!line || !*line) return std::nullopt;
        // An empty line one does not end the header: this reader has always
        // looked for the empty line after a line end.
        if ((*line)->terminated && (*line)->text.empty() && (*line)->offset > 0) {
            return received.subspan((*line)->next);
        }
    }
}

Bytes transport_message(std::string_view from, std::string_view to, ByteView binary_body) {
    MixHeader header = intermediate_header(to);
    if (!from.empty()) header.set(kFieldFrom, std::string(from));
    const std::string text = serialize_mix_header(header);
    Bytes out(text.begin(), text.end());
    // CRLF as on the wire; no CRC24 line (RFC 9580 6.1): the next mix checks
    // the Verification hash, which a CRC could only repeat more weakly.
    crypto::armor_append(out, binary_body, crypto::kLabelMessage,
                         {.crlf = true, .checksum = false});
    return out;
}

}  // namespace mixtasy::core
