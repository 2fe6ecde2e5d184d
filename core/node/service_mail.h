// SPDX-License-Identifier: BSD-2-Clause
// service_mail.h - what to do with one mail to keys@<domain>, seed 004's
// email key service: publish the sender's key, answer a retrieval, or drop.
//
// WHAT IT DOES
//   read_service_mail(envelope, message, rules) reads the header
//   (kPlaintextHeaderLimits) and hands the body to core/publish/
//   key_service.h:
//     a body with a PUBLIC KEY BLOCK is a Key Publication (004 IV.A):
//       Publish when the MTA authenticated the sender (Envelope::
//       authenticated), publication is allowed on this socket, the body
//       parses, the key is one OpenPGP certificate, and one of its user IDs
//       is the account's address: the login itself when it holds an '@',
//       else login@<the keys@ domain the mail went to>;
//     any other body is a Key Retrieval (004 IV.B): Retrieve the address
//       on its first line, K_auth on the next.
//   The node then looks the key up (store or its own), builds the reply
//   (key_service.h's texts, reply_mail.h) and pools it, rate limited.
//
// WHAT IT GUARANTEES
//   Never throws but std::bad_alloc.  Addresses come back lower-cased.
//   Drop reasons are fixed tokens, safe for a default-level log line (no
//   address, no content): "unauthenticated", "publication-disabled",
//   "malformed-header", "bad-key", "user-id-mismatch", "no-reply-address",
//   or key_service.h's KeyServiceError::reason().  004 implies silence for
//   each of them: a drop gets no reply.
//
// WHAT IT REFUSES
//   A null envelope sender (a bounce): nobody to answer, "no-reply-address".
#pragma once

#include <string>
#include <string_view>

#include "common/bytes.h"
#include "core/ports/envelope.h"
#include "core/publish/key_service.h"

namespace mixtasy::core {

struct ServiceRules {
    std::string service_domain;         // the domain of the keys@ address the mail went to
    bool publication_allowed = true;    // false: {auth_authen} cannot be trusted here
    KeyServiceLimits limits;
};

struct ServiceAction {
    enum class Kind { Publish, Retrieve, Drop };
    Kind kind = Kind::Drop;
    std::string address;  // Publish: the account's; Retrieve: the one asked for
    Bytes key;            // Publish: K_pub, binary
    AuthKey auth;         // Publish and Retrieve
    std::string reason;   // Drop: a fixed token
};

ServiceAction read_service_mail(const Envelope& envelope, ByteView message,
                                const ServiceRules& rules);

// "keys@DOMAIN" -> "DOMAIN" (lower-cased) when the local part is "keys",
// else empty.  The one test of what a service address looks like.
std::string service_domain_of(std::string_view address);

}  // namespace mixtasy::core
