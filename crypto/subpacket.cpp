// SPDX-License-Identifier: BSD-2-Clause
// subpacket.cpp - signature subpacket areas; see subpacket.h.
#include "crypto/subpacket.h"

#include <string>

#include "crypto/cursor.h"
#include "crypto/packet.h"

namespace mixtasy::crypto {

Result<std::vector<Subpacket>> parse_subpackets(ByteView area, std::size_t base,
                                                std::size_t max_subpackets) {
    Cursor in(area, base);
    std::vector<Subpacket> out;
    while (!in.empty()) {
        const std::size_t at = in.offset();
        if (out.size() >= max_subpackets)
            return fail(ErrorCode::LimitExceeded, at,
                        "more than " + std::to_string(max_subpackets) + " subpackets");
        MIXTASY_TRY(o1, in.u8("subpacket length"));
        std::size_t length = *o1;
        if (*o1 >= 192 && *o1 < 255) {
            MIXTASY_TRY(o2, in.u8("subpacket length"));
            length = ((std::size_t{*o1} - 192) << 8) + *o2 + 192;
        } else if (*o1 == 255) {
            MIXTASY_TRY(v, in.u32("subpacket length"));
            length = *v;
        }
        if (length == 0) return fail(ErrorCode::BadPacket, at, "subpacket of length 0");
        if (length > in.remaining())
            return fail(ErrorCode::Truncated, at, "subpacket runs past the end of its area");
        const uint8_t type_octet = *in.u8();
        MIXTASY_TRY(data, in.take(length - 1, "subpacket data"));
        Subpacket sp;
        sp.type = type_octet & 0x7f;
        sp.critical = (type_octet & 0x80) != 0;
        sp.data.assign(data->begin(), data->end());
        sp.offset = at;
        out.push_back(std::move(sp));
    }
    return out;
}

void append_subpacket(Bytes& area, SubpacketType type, ByteView data, bool critical) {
    append_new_length(area, static_cast<uint32_t>(data.size() + 1));
    area.push_back(static_cast<uint8_t>(static_cast<uint8_t>(type) | (critical ? 0x80 : 0)));
    area.insert(area.end(), data.begin(), data.end());
}

bool subpacket_understood(uint8_t type) noexcept {
    switch (type) {
        case 2:
        case 3:
        case 4:
        case 7:
        case 9:
        case 11:
        case 16:
        case 21:
        case 22:
        case 23:
        case 24:
        case 25:
        case 26:
        case 27:
        case 28:
        case 29:
        case 30:
        case 31:
        case 32:
        case 33:
        case 34:
        case 35:
        case 39: return true;
        default: return false;
    }
}

}  // namespace mixtasy::crypto
