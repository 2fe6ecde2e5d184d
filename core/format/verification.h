// SPDX-License-Identifier: BSD-2-Clause
// verification.h - the Verification hash of a mix message (seed 000 6.4.1).
//
// WHAT IT DOES
//   verification_hash(rest) is SHA-1 (Botan), as 40 lower-case hex digits,
//   over the first kVerifiedSpan (20480) bytes of `rest`, which the caller
//   passes starting at the message's second line, the bytes exactly as they
//   stand (no canonicalisation: any change is a tagging attempt).
//   verification_matches(claimed, rest) compares in constant time.
//
// WHAT IT REFUSES
//   verification_matches() is false when `rest` is shorter than the span: a
//   real mix message is always at least that long after its first line, so a
//   shorter one was truncated.  A claimed value that is not exactly 40
//   lower-case hex digits never matches.
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"

namespace mixtasy::core {

std::string verification_hash(ByteView rest);
bool verification_matches(std::string_view claimed, ByteView rest);

}  // namespace mixtasy::core
