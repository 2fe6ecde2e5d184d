// SPDX-License-Identifier: BSD-2-Clause
// message_filter.h - the decisions of mixtasy-milter for one SMTP connection,
// free of libmilter: callbacks.cpp translates each xxfi_* call into one
// method here and the returned Verdict into an SMFIS_* code.
//
// CONTRACT (shared/DESIGN.md section 3)
//   - Recipients are classified at RCPT time with Node::is_own_address and
//     Node::is_service_address (keys@<domain>, seed 004).  When
//     DATA (or, without a DATA step, the first header) arrives and no
//     recipient is ours, the verdict is Accept: ordinary mail never transfers
//     its body to us.  (Accept at RCPT would accept the whole message, and a
//     later RCPT might still be ours; DATA is the first certain point.)
//   - Mix mail is buffered, header as the MTA received it (`Name: value`,
//     CRLF, folded lines with CRLF) then the body, up to max_message_size;
//     beyond it: 552 5.3.4 and Reject (only the mix copy is dropped when
//     ordinary recipients share the message).
//   - At end of message Node::accept decides:  Pooled -> Discard;
//     Dropped -> Discard + one log line; TempFail -> TempFail;
//     Quarantine -> quarantine (or Discard when quarantine is off).
//     With ordinary recipients too, the mix recipients are deleted and the
//     message Continues to the others, except TempFail (the whole message is
//     retried, so nobody gets it twice) and Quarantine (the whole message is
//     held, untouched, for the admin).
//   - Many messages per connection: mail_from() and abort() start afresh.
//   - Memory per message is bounded by max_message_size plus
//     kMaxOwnRecipients distinct (4 * kMaxOwnRecipients in all) addresses
//     of kMaxAddressLength; further mix RCPTs get a temporary failure.
//   - Never throws out of its methods: a failure becomes TempFail.
//
// LOGGING: one line per mix message with the queue ID and the decision
// (with its reason for pooled, tempfail and quarantine).  A destroyed
// message logs the same neutral line whatever the reason (a dummy must not
// stand out); the reason follows at debug level only.  The envelope sender
// is never logged.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "core/node/node.h"
#include "milter/milter_context.h"

namespace mixtasy::milter {

inline constexpr std::size_t kMaxOwnRecipients = 64;
inline constexpr std::size_t kMaxAddressLength = 998;

enum class Verdict { Continue, Accept, Reject, Discard, TempFail };

const char* to_string(Verdict verdict);

struct FilterSettings {
    std::size_t max_message_size = 256 * 1024;
    bool quarantine = true;
    bool header_leading_space = false;  // SMFIP_HDR_LEADSPC was negotiated
};

class MessageFilter {
public:
    MessageFilter(core::Node& node, FilterSettings settings);

    // Applies for the next message (after reload; message in flight keeps its own).
    void set_settings(const FilterSettings& settings);

    // `authenticated`: the {auth_authen} macro at MAIL (empty: none).
    Verdict mail_from(std::string_view sender, std::string_view authenticated = {});
    Verdict rcpt_to(std::string_view recipient);
    Verdict data();
    Verdict header(MilterContext& ctx, std::string_view name, std::string_view value);
    Verdict end_of_header(MilterContext& ctx);
    Verdict body(MilterContext& ctx, ByteView chunk);
    Verdict end_of_message(MilterContext& ctx);
    void abort();

    // For tests and statistics.
    std::size_t buffered_bytes() const { return buffer_.size(); }
    bool has_own_recipient() const { return !own_recipients_.empty(); }

private:
    enum class State { Idle, Envelope, Collecting, Oversize, Done };

    Verdict accept_if_not_ours();
    // The one test of "this recipient is the node's": its mix address or a
    // service address (keys@<domain>).  Degraded mode may call it too.
    bool is_node_recipient(std::string_view address) const;
    Verdict append(MilterContext& ctx, std::string_view bytes);
    Verdict finish_mixed(MilterContext& ctx, const core::Decision& decision,
                         const std::string& qid);
    Verdict finish_mix_only(MilterContext& ctx, const core::Decision& decision,
                            const std::string& qid);
    bool delete_own_recipients(MilterContext& ctx);
    void reset();

    core::Node& node_;
    FilterSettings settings_;
    FilterSettings message_settings_;
    State state_ = State::Idle;
    std::string sender_;
    std::string authenticated_;  // {auth_authen}, for seed 004's Key Publication
    std::vector<std::string> own_recipients_;      // normalized, for the Envelope
    std::vector<std::string> own_recipients_raw_;  // as received, for smfi_delrcpt
    std::size_t own_recipient_count_ = 0;
    std::size_t other_recipient_count_ = 0;
    std::string buffer_;
};

// "<Foo@Example.org>" -> "Foo@Example.org": strips blanks and one pair of
// angle brackets.  Exposed for tests.
std::string normalize_address(std::string_view raw);

}  // namespace mixtasy::milter
