// SPDX-License-Identifier: BSD-2-Clause
// subpacket.h - signature subpacket areas (RFC 4880 5.2.3.1).
//
// What it does
//   parse_subpackets() splits one hashed or unhashed area into Subpackets;
//   append_subpacket() writes one.  The subpacket length uses its own
//   1/2/5-octet encoding (no partial lengths; 192..254 start a 2-octet
//   length here) and counts the type octet.
//
// Guarantees and refusals
//   - At most `max_subpackets` per area (limit_exceeded); a zero length or a
//     length running past the area is bad_packet / truncated with the
//     absolute offset of the subpacket.
#pragma once

#include <vector>

#include "common/bytes.h"
#include "crypto/error.h"
#include "crypto/signature.h"

namespace mixtasy::crypto {

Result<std::vector<Subpacket>> parse_subpackets(ByteView area, std::size_t base,
                                                std::size_t max_subpackets);

void append_subpacket(Bytes& area, SubpacketType type, ByteView data, bool critical = false);

// True for the subpacket types this implementation interprets (the rest,
// when critical, invalidate the signature).
bool subpacket_understood(uint8_t type) noexcept;

}  // namespace mixtasy::crypto
