// SPDX-License-Identifier: BSD-2-Clause
// wire_message.h - a mix message as it travels between MTAs.
//
// WHAT IT DOES
//   transport_message(from, to, body) writes the outgoing form of a mix
//   message: header (From if known, Remailer-Type, To), the empty line, the
//   binary body armored as PGP MESSAGE, CRLF throughout and no CRC24 line.
//   received_body(received) finds where the body of a received message
//   starts: after the first empty line (LF or CRLF) of its header, whatever
//   fields the MTAs added.
//
// WHAT IT GUARANTEES
//   received_body looks at no more than kMaxReceivedHeaderBytes (read with
//   mail_header.h's HeaderLines); the view it returns points into
//   `received`.  An empty first line does not end the header.
//
// WHAT IT REFUSES
//   received_body: a message whose header does not end within the limit
//   (nullopt).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "common/bytes.h"

namespace mixtasy::core {

// The largest received message a mix looks at: a 30 KiB body armored
// (about 41 KiB) plus a generous MTA header.
inline constexpr std::size_t kMaxReceivedBytes = 256 * 1024;
inline constexpr std::size_t kMaxReceivedHeaderBytes = 64 * 1024;

Bytes transport_message(std::string_view from, std::string_view to, ByteView binary_body);

std::optional<ByteView> received_body(ByteView received);

}  // namespace mixtasy::core
