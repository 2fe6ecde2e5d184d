// SPDX-License-Identifier: BSD-2-Clause
// node.h - one Mixtasy mix node: the entry point of the milter and of
// `mixtasy process`.
//
// WHAT IT DOES
//   Node::open(options)     opens the node's key home and store; fails with an
//                           OpenError: what failed (keys, store, options)
//                           and a one-line reason for the log.
//                           The node's address and modes come from its key
//                           (the one user ID, seed 000 6.3), not from options.
//                           open(options, services) lets tests and `mixtasy
//                           process` give their own Clock and Random.
//   is_service_address(rcpt) true for keys@<domain> of each service domain
//                           (NodeOptions::service_domains); accept() answers
//                           mail to it (service_desk.h).
//   is_own_address(rcpt)    true for this node's mix address (mixtasy@fqdn,
//                           any case, with or without <>); the milter uses
//                           it at RCPT time to accept ordinary mail without
//                           ever seeing its body.
//   accept(env, bytes)      processes one complete message (header + body as
//                           received, CRLF or LF line ends) and returns the
//                           Decision of decision.h.  Pooled only after the
//                           durable store commit.
//   flush_round(transport)  one round of the timed dynamic pool (seed 000
//                           6.4.5) with its time- and flush-triggered dummies
//                           (6.6) through the other mixes of
//                           NodeOptions.known_mixes (default
//                           <home>/mixes.asc, may be absent): picks
//                           messages, hands each to transport, marks sent
//                           only on Accepted.  Called every flush_interval()
//                           by one thread.
//   reload()                re-reads keys (new subkeys after rotation) and
//                           the known mixes the dummies go through and
//                           next hops are checked against: while the file
//                           was written within a subkey half-life
//                           (subkey_validity / 2), a middleman forwards
//                           only to a mix it lists (next_hop.h).
//   reconfigure(options)    the run-time policy from new options (SIGUSR1):
//                           LocalDomains, BlockList, AnonymousFrom,
//                           ExitRatePerHour and the pool parameters apply to
//                           the next message and round; the hourly exit
//                           counts restart only when the admission rules
//                           changed.  Home, Database, known mixes and the
//                           subkey lifetime stay those of open().  On an
//                           error the running policy stays whole.
//   accept_immediate(env, bytes, transport)
//                           accept(), then the rows that this one message
//                           produced (none for an incomplete multipart set)
//                           go to transport at once instead of waiting for
//                           a round; other rows of the pool are left alone
//                           (`mixtasy process --immediate`).
//   maintain_keys()         rotates the node's subkeys (key_rotation.h) on
//                           its key files and in memory: a successor at
//                           half-life, expired subkeys wiped.  The daemon
//                           calls it at start and every few minutes; the
//                           key files must be writable by the daemon.
//
// WHAT IT GUARANTEES
//   accept() is thread-safe (many libmilter worker threads call it at once)
//   and never throws; nor do flush_round() and maintain_keys().  Decision
//   reasons are the tokens of decision.h, plus "dummy" (a dummy ended here),
//   "bad-next-hop" (processor.h's, or not a known mix of a fresh directory),
//   "blocked" and "rate-limited" (exit policy), "duplicate-part",
//   "discarded-set", "dropped-set", "multipart-cap", and "internal"
//   (TempFail on an unexpected failure); mail to the mix address that is no
//   mix message (plaintext.h) is Quarantine "not-a-mix-message"; an admin
//   command and keys@ mail are answered (service_desk.h), Dropped
//   "service-request".  The exit policy judges a
//   multipart set as soon as its part 1 (the original's header) is in, and
//   destroys the set at once if it would refuse the delivery.
#pragma once

#include <chrono>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/keys/key_rotation.h"
#include "core/node/decision.h"
#include "core/node/exit_admission.h"
#include "core/node/reassembly.h"
#include "core/node/reply_limiter.h"
#include "core/pool/flusher.h"
#include "core/pool/pool_policy.h"
#include "core/ports/envelope.h"
#include "core/ports/transport.h"
#include "store/error.h"

namespace mixtasy::core {

struct NodeOptions {
    std::string home;                        // key home (mixtasy keygen --home)
    std::string database;                    // SQLite file; default <home>/node.db
    std::vector<std::string> local_domains;  // for exitprivate delivery
    // From of exit deliveries, and the right side of their Message-ID;
    // empty: "Anonymous <nobody@DOMAIN>" and DOMAIN, the mix address's.
    // The Message-ID domain is read at open only.
    std::string anonymous_from;
    std::string message_id_domain;
    std::vector<std::string> blocked_destinations;
    std::size_t exit_rate_per_hour = 0;  // deliveries per destination and hour; 0 = no limit
    // Deliveries per destination domain and hour, and per hour in all;
    // 0 = no limit (exit_admission.h).
    std::size_t exit_domain_rate_per_hour = kDefaultDomainRatePerHour;
    std::size_t exit_global_rate_per_hour = kDefaultGlobalRatePerHour;
    std::string known_mixes;  // default <home>/mixes.asc
    std::chrono::seconds subkey_validity =
        kDefaultSubkeyValidity;  // of subkeys maintain_keys() adds
    PoolParameters pool;
    // Backoff of a send the MTA refused (flusher.h); tests and demos shorten
    // it so that a restarted MTA is retried within seconds.
    RetryParameters retry;
    // Rows left "sending" go back to the pool at open (the daemon, which
    // owns the pool); false for `mixtasy process`, which may share a home
    // with a running daemon whose rows in flight are its own.
    bool recover_in_flight = true;
    // Multipart (reassembly.h): the largest original this node reassembles,
    // from which the reassembler's and the store's limits derive, and the
    // caps on sets still waiting for parts.
    std::size_t max_original_bytes = kMaxOriginalSize;
    MultipartCaps multipart;
    // Services (service_desk.h): keys@<domain> for each of service_domains
    // (empty: the mix address's domain) and the remailer-* commands.
    std::vector<std::string> service_domains;
    // false: the MTA's {auth_authen} cannot be trusted (an inet milter
    // socket any local process may speak to), so Key Publication is refused.
    bool key_publication = true;
    ReplyLimits replies;
    std::size_t max_message_bytes = 256 * 1024;  // reported by remailer-conf
    std::string admin_key;                       // default <home>/adminkey.asc
};

class Clock;
class Random;

// What the node reads time and randomness from.  Empty members mean the
// system's (SystemClock, SystemRandom).  The Random must be thread-safe if
// accept() is called from several threads.
struct NodeServices {
    std::shared_ptr<Clock> clock;
    std::shared_ptr<Random> random;
};

// Why Node::open failed.  The code says which part to look at; detail is
// the one line for the log ("node key: ...", "store: ...", "exit policy:
// ...", "mixtasy node: ..."), never message content.
//   Keys      the node key is missing, unreadable or not a Mixtasy key
//   Store     the database cannot be opened or recovered (store_error says
//             how; temporary() ones may pass by themselves)
//   Options   the options contradict themselves (exit policy)
//   Internal  an unexpected exception while starting
struct OpenError {
    enum class Code { Keys, Store, Options, Internal };
    Code code = Code::Internal;
    std::string detail;
    std::optional<store::StoreError> store_error;  // with Code::Store
};

const char* to_string(OpenError::Code code) noexcept;  // "keys", "store", ...

class Node {
public:
    static Expected<std::unique_ptr<Node>, OpenError> open(const NodeOptions& options);
    static Expected<std::unique_ptr<Node>, OpenError> open(const NodeOptions& options,
                                                           NodeServices services);
    virtual ~Node() = default;

    virtual bool is_own_address(std::string_view recipient) const = 0;
    // keys@<domain> of a ServiceDomains domain (seed 004's key service).
    virtual bool is_service_address(std::string_view /*recipient*/) const { return false; }
    virtual Decision accept(const Envelope& envelope, ByteView message) = 0;
    virtual FlushReport flush_round(Transport& transport) = 0;
    virtual std::chrono::seconds flush_interval() const = 0;
    virtual Expected<void, std::string> reload() = 0;
    // Test doubles have no policy to rebuild and no pool to send from.
    virtual Expected<void, std::string> reconfigure(const NodeOptions& /*options*/) { return {}; }
    virtual Decision accept_immediate(const Envelope& envelope, ByteView message,
                                      Transport& /*transport*/) {
        return accept(envelope, message);
    }
    // Nodes without key files of their own (test doubles) have nothing to do.
    virtual Expected<RotationReport, std::string> maintain_keys() { return RotationReport{}; }

    // The node's mix address (from its key), for logs and `mixtasy process`.
    virtual std::string address() const { return {}; }
};

}  // namespace mixtasy::core
