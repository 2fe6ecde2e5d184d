// SPDX-License-Identifier: BSD-2-Clause
// key_retrieval.h - `mixtasy dir import --reply`'s check of a seed 004 Key
// Retrieval reply: the part of the client's Key Retrieval that needs
// core/publish/key_service.h (its body grammar and its HMAC), which
// core/sender may not include.  The rest (the request, K_auth on disk, the
// reply mail's header) is core/sender/key_request.h.  Proposed to the
// lead: let core/sender include core/publish's key_service.h (or move
// key_hmac and the body grammar to core/keys), then this moves to core/sender.
//
// WHAT IT DOES
//   check_key_reply(mail, requests) reads the reply mail (fig. 6),
//   parses its body as key_service.h's retrieval_reply writes it (one
//   armored key, one base64 line of 32 bytes), reads the key's mix address
//   (core/keys/mix_key.h), finds the pending request for that address and
//   compares HMAC-SHA256(K_auth, key) (key_service.h's key_hmac, over the
//   binary key) with the reply's line in constant time.
//
// WHAT IT GUARANTEES
//   Success only for a reply whose HMAC matches the K_auth of a request
//   this directory sent for exactly the address the key names; the request
//   is not consumed here (the caller takes it once the key is imported).
//
// WHAT IT REFUSES (one line, the reason)
//   A reply that does not parse, a key that is not one mix key, an address
//   nothing was requested for, an HMAC that does not match.
#pragma once

#include <string>
#include <string_view>

#include "common/expected.h"
#include "core/ports/clock.h"
#include "core/sender/key_request.h"

namespace mixtasy::cli {

struct CheckedReply {
    std::string address;  // the mix address the key names and was requested
    std::string armored;  // the key, armored, for Directory::import
};

Expected<CheckedReply, std::string> check_key_reply(std::string_view mail,
                                                    const core::KeyRequests& requests);

}  // namespace mixtasy::cli
