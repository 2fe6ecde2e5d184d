// SPDX-License-Identifier: BSD-2-Clause
// mpi.cpp - OpenPGP MPIs; see mpi.h.
#include "crypto/mpi.h"

#include <string>

namespace mixtasy::crypto {

Result<ByteView> read_mpi(Cursor& in, unsigned max_bits, const char* what) {
    const std::size_t at = in.offset();
    MIXTASY_TRY(bits, in.u16(what));
    if (*bits > max_bits)
        return fail(ErrorCode::LimitExceeded, at,
                    std::string(what) + ": " + std::to_string(*bits) + " bits, limit " +
                        std::to_string(max_bits));
    return in.take((std::size_t{*bits} + 7) / 8, what);
}

}  // namespace mixtasy::crypto
