// exit_policy.h - the rules an exit node applies before it delivers an
// original message to its final recipient (Mixmaster v2 section 6.5).
//
// WHAT IT DOES
//   admit(recipient, now) decides whether this exit delivers to recipient:
//     NotLocal     exitprivate mode and the domain is not one of ours
//     Blocked      on the destination block list
//     RateLimited  this destination already got rate_per_hour messages in
//                  the current clock hour
//     BadAddress   not a plain local@domain address
//     Deliver      yes; the message is counted against the rate limit.
//   Block-list entries, all compared case-insensitively:
//     "user@example.org"   that address
//     "example.org"        that domain and every subdomain of it
//     "@example.org"       the same (Mixmaster's spelling)
//     anything with * or ? a glob over the whole address ("*+spam@*")
//   The rate limit is kept IN MEMORY, per process, in fixed clock-hour
//   windows: a restart forgets it (at most one extra hour's allowance).
//   Memory is bounded by max_tracked_destinations; when every slot holds a
//   destination of the current hour, new destinations are refused
//   (RateLimited) rather than evicting one: fail closed.
//
//   sanitize(original, recipient, now, random) rebuilds the header:
//   only the fields on the keep list survive (Subject, To, Cc, In-Reply-To,
//   References, MIME and content fields, plus keep_extra); everything that
//   could identify the path or the sender goes: Received, Return-Path,
//   Message-ID, Date, Sender, From, Reply-To (unless allow_reply_to),
//   X-*, DKIM/ARC, User-Agent, Organization, Bcc, Resent-*, read-receipt
//   requests, ...  Then it adds: From = anonymous_from (or the original
//   From if the destination is on from_opt_in), a fresh Date (now, UTC), a
//   fresh random Message-ID, and the disclaimer field if configured.  The
//   body is kept, line ends normalised to CRLF.
//
// WHAT IT GUARANTEES
//   Output lines end in CRLF, no line of ours is longer than 998 bytes, no
//   field value we add carries CR or LF (options are checked by create()).
//   admit() is thread-safe (libmilter calls Node::accept from many
//   threads); sanitize() is const and thread-safe given a thread-safe
//   Random.  Never throws for bad input.
//
// WHAT IT REFUSES (HeaderError)
//   A header over max_header_bytes or max_fields, a physical line over
//   max_line_bytes, a field name that is not printable ASCII, a first line
//   that is a continuation, NUL or bare CR in the header, a message over
//   max_message_bytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"

namespace mixtasy::core {

struct HeaderLimits {
    std::size_t max_header_bytes = 64 * 1024;
    std::size_t max_line_bytes = 4096;  // RFC 5322 says 998; be lenient in
    std::size_t max_fields = 500;
    std::size_t max_message_bytes = 4 * 1024 * 1024;
};

struct ExitPolicyOptions {
    std::string anonymous_from = "Anonymous <nobody@localhost>";  // From value
    std::string message_id_domain = "localhost";  // right side of Message-ID
    std::string disclaimer_field = "Comments";    // empty: no disclaimer
    std::string disclaimer =
        "This message was sent through an anonymous remailer. "
        "The operator cannot identify its sender.";
    std::vector<std::string> keep_extra;   // more field names to keep
    bool allow_reply_to = false;
    std::vector<std::string> from_opt_in;  // destinations that accept a chosen From
    std::vector<std::string> blocked;      // see above
    std::size_t rate_per_hour = 0;         // per destination; 0 = no limit
    std::size_t max_tracked_destinations = 100000;
    bool exit_private = false;             // deliver to local_domains only
    std::vector<std::string> local_domains;
    HeaderLimits limits;
};

struct HeaderError {
    enum class Code {
        HeaderTooLarge,
        LineTooLong,
        TooManyFields,
        BadFieldName,
        ContinuationFirst,
        ForbiddenByte,
        MessageTooLarge,
    };
    Code code;
    std::size_t offset = 0;  // byte offset in the original where it failed
};

const char* to_string(HeaderError::Code code) noexcept;

class ExitPolicy {
public:
    enum class Verdict { Deliver, Blocked, RateLimited, NotLocal, BadAddress };

    // Refuses options that would let a configured value break the header
    // (CR, LF, NUL) or a malformed block-list entry; the reason names it.
    static Expected<std::unique_ptr<ExitPolicy>, std::string> create(ExitPolicyOptions options);

    Verdict admit(std::string_view recipient, Instant now);
    Expected<Bytes, HeaderError> sanitize(ByteView original, std::string_view recipient,
                                          Instant now, Random& random) const;

    bool is_blocked(std::string_view recipient) const;
    const ExitPolicyOptions& options() const noexcept { return options_; }

private:
    explicit ExitPolicy(ExitPolicyOptions options);
    bool over_rate(const std::string& destination, Instant now);
    bool keeps(std::string_view field_name) const;
    bool opted_in(std::string_view recipient) const;

    ExitPolicyOptions options_;
    std::vector<std::string> keep_;  // lower-case field names

    struct Window {
        std::int64_t hour = 0;
        std::size_t count = 0;
    };
    std::mutex rate_mutex_;
    std::unordered_map<std::string, Window> rate_;
};

const char* to_string(ExitPolicy::Verdict verdict) noexcept;

}  // namespace mixtasy::core
