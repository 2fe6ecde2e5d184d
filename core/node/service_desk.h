// SPDX-License-Identifier: BSD-2-Clause
// service_desk.h - the node's answering services: seed 004's key service
// at keys@<domain> and the remailer-* commands at the mix address.  The
// Node calls it from accept(); it decides (service_mail.h, admin_mail.h),
// builds the signed reply (reply_mail.h) and pools it.
//
// WHAT IT DOES
//   is_service_address(rcpt)  keys@<d> for d in the service domains (any
//                             case, with or without <>).
//   service_domain(envelope)  the domain of the first service recipient,
//                             or empty: the one test whether a message is
//                             service mail.
//   answer_service(env, message, domain, key)
//       Publish: the key into the store (put_published_key), then the
//       confirmation (HMAC-SHA256 over the binary key, key_service.h).
//       Retrieve: the node's own key for its mix address, else the stored
//       one; the key and its HMAC back.  Drop: nothing back.
//   answer_admin(env, command, key)   the command's text, signed, back.
//   set_info(info)  what remailer-help and remailer-conf report from now
//                   on (a reload's pool parameters, size limit, exit
//                   policy, the modes of a reloaded key).
//   take_replies()  ids of reply rows not yet sent: the Node sends them at
//                   the next flush whatever the pool holds (they are not
//                   mix traffic and get no mixing).  At start the desk
//                   finds reply rows an earlier run left.
//   keep_unsent(ids) after the flush: the ids of take_replies() that the
//                   store still holds (the MTA refused them for now, or
//                   their retry time has not come) are owed again, so a
//                   temp-failed reply keeps this treatment at every later
//                   flush instead of waiting in the ordinary pool.
//
// WHAT IT GUARANTEES
//   Replies go to the envelope sender only, From the address asked,
//   signed with the node's primary key, pooled as PoolKind::AdminReply
//   rows (not counted as pooled or sent mix traffic), rate limited per
//   requester and in all (reply_limiter.h).  One log line per request at
//   the default level, without the requester's or the asked address:
//   "key service: publication answered", "key service: retrieval answered",
//   "key service: request dropped (REASON)", "remailer-key answered",
//   "... reply rate-limited".  Never throws but std::bad_alloc.
//
// WHAT IT RETURNS (Decision)
//   Dropped kServiceHandled whenever the request is handled, answered or
//   not (the milter discards the mail and logs nothing more: the desk's
//   line is the one line); TempFail "store-unavailable" when the store
//   could not take the key or the reply (the MTA retries).
#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "core/admin/admin_replies.h"
#include "core/format/admin_command.h"
#include "core/node/decision.h"
#include "core/node/reply_limiter.h"
#include "core/pool/outbox.h"
#include "core/publish/key_service.h"
#include "core/ports/envelope.h"
#include "crypto/key.h"
#include "store/store.h"

namespace mixtasy::core {

class Clock;
class Random;

inline constexpr const char* kServiceHandled = "service-request";
inline constexpr std::size_t kMaxAdminKeyBytes = 64 * 1024;

struct ServiceDeskOptions {
    std::string mix_address;
    std::vector<std::string> service_domains;  // lower-case; empty: the mix address's
    bool key_publication = true;
    ReplyLimits replies;
    AdminInfo info;              // without admin_key: read at each answer
    std::string admin_key_path;  // <home>/adminkey.asc by default
    OutboxAges ages;
};

// The domains whose keys@ is a service address: the configured ones,
// lower-cased, or the mix address's domain when none is configured.  The
// desk and degraded mode's recipient test (milter/degraded_node.h) both
// use it, so the two never disagree on which keys@ is ours.
std::vector<std::string> service_domains_or_default(const std::vector<std::string>& configured,
                                                    std::string_view mix_address);

class ServiceDesk {
public:
    ServiceDesk(store::Store& store, Clock& clock, Random& random, ServiceDeskOptions options);

    bool is_service_address(std::string_view recipient) const;
    std::string service_domain(const Envelope& envelope) const;
    Decision answer_service(const Envelope& envelope, ByteView message, std::string_view domain,
                            const crypto::SecretCertificate& node_key);
    Decision answer_admin(const Envelope& envelope, AdminCommand command,
                          const crypto::SecretCertificate& node_key);
    void set_info(AdminInfo info);
    std::vector<store::PoolId> take_replies();
    void keep_unsent(std::span<const store::PoolId> handed);
    void find_waiting_replies();

private:
    Decision publish(const Envelope& envelope, std::string_view domain,
                     const crypto::SecretCertificate& node_key, const Bytes& key,
                     const AuthKey& auth, const std::string& address);
    Decision retrieve(const Envelope& envelope, std::string_view domain,
                      const crypto::SecretCertificate& node_key, const std::string& address,
                      const AuthKey& auth);
    // Rate limit, build, sign, pool; what_for names the request in the log.
    Decision reply(const Envelope& envelope, const std::string& from, const std::string& subject,
                   const std::string& text, const crypto::SecretCertificate& node_key,
                   const std::string& what_for);
    std::optional<std::string> admin_key() const;

    store::Store& store_;
    Clock& clock_;
    Random& random_;
    ServiceDeskOptions options_;
    ReplyLimiter limiter_;
    mutable std::mutex info_mutex_;  // options_.info: set_info runs on the reload thread
    std::mutex pending_mutex_;
    std::vector<store::PoolId> pending_;
};

}  // namespace mixtasy::core
