// SPDX-License-Identifier: BSD-2-Clause
// creator.h - building Mixtasy v1 messages (seed 000 6.2, 7.3.1).
//
// WHAT IT DOES
//   create_messages(ring, path, original, now, random) wraps `original`
//   (an RFC 5322 message with a To: field) for the given path of mixes:
//     - splits it into as few parts as fit a final mix message (one
//       singlepart, or 2..kMaxParts multipart parts sharing a Mixtasy-ID),
//     - builds each final mix message (exactly 20 KiB, final_message.h),
//     - wraps it in one layer per mix from the last to the first, each
//       encrypted to that mix's newest valid encryption subkey, each inner
//       layer with its Verification header,
//     - pads the outermost body to exactly 30 KiB and armors it.
//   create_messages_on_paths(ring, paths, ...) does the same with one path
//   per part (paths[i] for part i+1), as seed 000 wants of a multipart
//   original: the parts meet only at the shared exit.  part_count(size)
//   says how many paths it needs for an original of `size` bytes.
//   With create_messages every part takes the same path.  Every part
//   carries the same Mixtasy-ID, fresh
//   for each original and never its Message-ID: 128 random bits and a
//   hash binding the parts to the original (format/mixtasy_id.h), which
//   the exit checks after reassembly.  The result is one complete message
//   per part, to be sent to its path's first mix (CreatedMessage::first_hop).
//   create_dummy(ring, hops, ...) builds a dummy (Mixtasy-Type dummy, random
//   payload) through `hops` random usable mixes.
//
// WHAT IT REFUSES (CreateError: a code to branch on, a one-line detail)
//   BadPath      a path shorter than four mixes (dummies: one) or with the
//                same mix twice in a row; per-part paths whose count is not
//                the part count or whose exits differ
//   UnknownMix   a mix not in the ring
//   WrongMode    an inner mix that does not run middleman, or a last mix
//                that runs no exit mode
//   NoSubkey     a mix without a valid encryption subkey now
//   NoRecipient  an original without a plain To: address
//   TooLarge     an original over max_original bytes (kMaxOriginalSize by
//                default: what exits reassemble, core/node/reassembly.h) or
//                needing more than kMaxParts parts, or a path too long for
//                the 30 KiB body
//   Crypto       sealing a layer failed (Botan)
#pragma once

#include <cstddef>
#include <ostream>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/format/mix_format.h"
#include "core/keys/keyring.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"

namespace mixtasy::core {

struct CreateError {
    enum class Code { BadPath, UnknownMix, WrongMode, NoSubkey, NoRecipient, TooLarge, Crypto };
    Code code;
    std::string detail;  // one line, naming the mix where there is one
};

const char* to_string(CreateError::Code code) noexcept;
// The detail, as `mixtasy create` prints it.
std::ostream& operator<<(std::ostream& out, const CreateError& error);

struct CreatedMessage {
    std::string first_hop;  // RCPT TO: path[0]
    Bytes message;          // complete RFC 5322 message, CRLF
};

Expected<std::vector<CreatedMessage>, CreateError> create_messages(
    const KeyRing& ring, std::span<const std::string> path, ByteView original, Instant now,
    Random& random, std::size_t max_original = kMaxOriginalSize);

// One path per part: paths.size() must be part_count(original.size()),
// and every path must end at the same mix (compared case-insensitively).
Expected<std::vector<CreatedMessage>, CreateError> create_messages_on_paths(
    const KeyRing& ring, std::span<const std::vector<std::string>> paths, ByteView original,
    Instant now, Random& random, std::size_t max_original = kMaxOriginalSize);

// How many parts an original of `size` bytes is cut into: 1 (singlepart),
// 2..kMaxParts, or 0 when it does not fit kMaxParts parts.
std::size_t part_count(std::size_t size);

// Dummy through the given path (any length >= 1, no mix twice in a row).
// `from` is the From of its outer header: a node passes its own address so
// that the dummy has the fields of the forwards it sends.
Expected<CreatedMessage, CreateError> create_dummy(const KeyRing& ring,
                                                   std::span<const std::string> path, Instant now,
                                                   Random& random, std::string_view from = {});

// The plain address in the To: field of an RFC 5322 message, or empty.
std::string original_recipient(ByteView original);

}  // namespace mixtasy::core
