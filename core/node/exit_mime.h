// SPDX-License-Identifier: BSD-2-Clause
// exit_mime.h - what an exit normalises in an original before its header is
// rebuilt (exit_headers.h): the one recipient it delivers to, and the MIME
// details that name the sender's software or files (Mixmaster v2 6.5 is the
// floor, issue 11 Medium 7).
//
// WHAT IT DOES
//   normalise_original(original, recipient, limits) returns the original
//   with:
//     - exactly one To field, "To: <recipient>", where the first To was
//       (the exit delivers to that one address, so its header says no
//       more); every other To and every Cc removed;
//     - the boundary of a multipart message replaced by a neutral one
//       ("=_mixtasy_<n>", the smallest n not found in the message), in its
//       Content-Type and on every delimiter line, and likewise the
//       boundaries that parts declare, up to MimeLimits::max_boundaries;
//     - a Content-Disposition filename and a Content-Type name reduced to
//       the file's name without directories ("C:\Users\alice\x.pdf" ->
//       "x.pdf"), in the header and in the part headers.
//   Nothing else of the body changes.  Inside a message that holds a
//   multipart/signed part (RFC 1847), only the outermost boundary and the
//   outer header are touched: the signature covers the signed part's
//   headers and the boundaries inside it, and a broken signature would say
//   more than the client's boundary.
//
// WHAT IT GUARANTEES
//   Bounded: one pass over the header and one over the body per boundary
//   replaced (at most max_boundaries), plus the search for free names.
//   Never throws.  The result is still a message exit_headers.h reads.
//
// WHAT IT REFUSES
//   Nothing: a header it cannot read (over `limits`, malformed) is returned
//   as it is, and exit_headers.h refuses it with the reason.  RFC 2231
//   parameter continuations (filename*0=...) are not rewritten.
#pragma once

#include <cstddef>
#include <string_view>

#include "common/bytes.h"
#include "core/node/exit_headers.h"

namespace mixtasy::core {

struct MimeLimits {
    std::size_t max_boundaries = 8;  // boundaries replaced per message
};

Bytes normalise_original(ByteView original, std::string_view recipient, const HeaderLimits& limits,
                         const MimeLimits& mime = {});

}  // namespace mixtasy::core
