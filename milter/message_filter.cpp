// SPDX-License-Identifier: BSD-2-Clause
// message_filter.cpp - per-connection decisions of mixtasy-milter.
#include "milter/message_filter.h"

#include <algorithm>
#include <exception>

#include "common/ascii.h"
#include "core/node/service_desk.h"
#include "milter/log.h"

namespace mixtasy::milter {
namespace {

// Header values from libmilter may carry folded lines with bare LF (Postfix
// and Sendmail keep LF internally); on the wire they were CRLF, and the
// Verification hash is computed over the wire form.
void append_with_crlf(std::string& out, std::string_view text) {
    char previous = '\0';
    for (char c : text) {
        if (c == '\n' && previous != '\r') out.push_back('\r');
        out.push_back(c);
        previous = c;
    }
}

std::string queue_id(MilterContext& ctx) {
    auto qid = ctx.symbol("i");
    return qid && !qid->empty() ? *qid : std::string("NOQUEUE");
}

// One line per mix message.  A destroyed one gets the same words whatever
// the reason: "dummy" (cover traffic ending here) beside "replay" or
// "verification-failed" would tell dummies from real mail, and each reason
// tells an observer what was tried (DESIGN section 8).  The reason is for
// the admin who debugs, at debug level only.
void log_decision(const std::string& qid, const core::Decision& decision, std::size_t size) {
    using Kind = core::Decision::Kind;
    // Service mail (keys@, remailer-*): the node logged its one line.
    if (decision.kind == Kind::Dropped && decision.reason == core::kServiceHandled) return;
    switch (decision.kind) {
        case Kind::Dropped:
            log_msg(LogLevel::Info, "%s: %s", qid.c_str(), core::log_sentence(decision, size).c_str());
            log_msg(LogLevel::Debug, "%s: mix message destroyed: %s", qid.c_str(),
                    decision.reason.c_str());
            return;
        case Kind::Pooled:
        case Kind::TempFail:
        case Kind::Quarantine:
            log_msg(LogLevel::Info, "%s: %s", qid.c_str(), core::log_sentence(decision, size).c_str());
            return;
    }
}

}  // namespace

const char* to_string(Verdict verdict) {
    switch (verdict) {
        case Verdict::Continue: return "continue";
        case Verdict::Accept: return "accept";
        case Verdict::Reject: return "reject";
        case Verdict::Discard: return "discard";
        case Verdict::TempFail: return "tempfail";
    }
    return "unknown";
}

std::string normalize_address(std::string_view raw) {
    auto blank = [](char c) {
        return c == ' ' || c == '\t';
    };
    while (!raw.empty() && blank(raw.front())) raw.remove_prefix(1);
    while (!raw.empty() && blank(raw.back())) raw.remove_suffix(1);
    if (raw.size() >= 2 && raw.front() == '<' && raw.back() == '>') {
        raw.remove_prefix(1);
        raw.remove_suffix(1);
    }
    return std::string(raw);
}

MessageFilter::MessageFilter(core::Node& node, FilterSettings settings)
    : node_(node), settings_(settings), message_settings_(settings) {}

void MessageFilter::set_settings(const FilterSettings& settings) { settings_ = settings; }

void MessageFilter::reset() {
    state_ = State::Idle;
    sender_.clear();
    authenticated_.clear();
    own_recipients_.clear();
    own_recipients_raw_.clear();
    own_recipient_count_ = 0;
    other_recipient_count_ = 0;
    std::string().swap(buffer_);  // give the memory back between messages
}

void MessageFilter::abort() { reset(); }

Verdict MessageFilter::mail_from(std::string_view sender, std::string_view authenticated) {
    reset();
    message_settings_ = settings_;
    state_ = State::Envelope;
    sender_ = normalize_address(sender.substr(0, kMaxAddressLength));
    authenticated_ = std::string(authenticated.substr(0, kMaxAddressLength));
    return Verdict::Continue;
}

bool MessageFilter::is_node_recipient(std::string_view address) const {
    return node_.is_own_address(address) || node_.is_service_address(address);
}

Verdict MessageFilter::rcpt_to(std::string_view recipient) {
    if (state_ == State::Idle) state_ = State::Envelope;  // MTA skipped MAIL: tolerate
    if (recipient.size() > kMaxAddressLength) {
        ++other_recipient_count_;  // cannot be ours: our addresses are short
        return Verdict::Continue;
    }
    const std::string address = normalize_address(recipient);
    if (!is_node_recipient(address)) {
        ++other_recipient_count_;
        return Verdict::Continue;
    }
    const bool seen = std::any_of(own_recipients_.begin(), own_recipients_.end(),
                                  [&](const std::string& r) { return ascii::iequals(r, address); });
    if (!seen && own_recipients_.size() == kMaxOwnRecipients)
        return Verdict::TempFail;  // this RCPT only
    if (own_recipients_raw_.size() == 4 * kMaxOwnRecipients) return Verdict::TempFail;  // repeats
    if (!seen) own_recipients_.push_back(address);
    own_recipients_raw_.emplace_back(recipient);
    ++own_recipient_count_;
    return Verdict::Continue;
}

Verdict MessageFilter::accept_if_not_ours() {
    if (own_recipients_.empty()) {
        state_ = State::Done;
        return Verdict::Accept;
    }
    state_ = State::Collecting;
    // A mix message is 30 KiB on the wire: one allocation for the usual case.
    buffer_.reserve(std::min<std::size_t>(message_settings_.max_message_size, 48 * 1024));
    return Verdict::Continue;
}

Verdict MessageFilter::data() { return accept_if_not_ours(); }

Verdict MessageFilter::append(MilterContext& ctx, std::string_view bytes) {
    if (state_ == State::Envelope || state_ == State::Idle) {
        if (accept_if_not_ours() == Verdict::Accept) return Verdict::Accept;
    }
    if (state_ == State::Done) return Verdict::Accept;
    if (state_ == State::Oversize) return Verdict::Continue;
    if (bytes.size() > message_settings_.max_message_size - buffer_.size()) {
        std::string().swap(buffer_);
        if (other_recipient_count_ > 0) {
            // Ordinary recipients still get their mail; only the mix copy is lost.
            state_ = State::Oversize;
            return Verdict::Continue;
        }
        ctx.set_reply("552", "5.3.4", "Message too big for this mix node");
        log_msg(LogLevel::Notice, "%s: mix message rejected: larger than %zu bytes",
                queue_id(ctx).c_str(), message_settings_.max_message_size);
        state_ = State::Done;
        return Verdict::Reject;
    }
    buffer_.append(bytes);
    return Verdict::Continue;
}

Verdict MessageFilter::header(MilterContext& ctx, std::string_view name, std::string_view value) {
    if (state_ == State::Envelope || state_ == State::Idle) {
        if (accept_if_not_ours() == Verdict::Accept) return Verdict::Accept;
    }
    if (state_ != State::Collecting) return append(ctx, {});
    std::string line;
    line.reserve(name.size() + value.size() + 4);
    line.append(name);
    line.push_back(':');
    if (!message_settings_.header_leading_space) line.push_back(' ');
    append_with_crlf(line, value);
    line.append("\r\n");
    return append(ctx, line);
}

Verdict MessageFilter::end_of_header(MilterContext& ctx) { return append(ctx, "\r\n"); }

Verdict MessageFilter::body(MilterContext& ctx, ByteView chunk) {
    return append(ctx, as_chars(chunk));
}

bool MessageFilter::delete_own_recipients(MilterContext& ctx) {
    bool all = true;
    for (const std::string& raw : own_recipients_raw_) all = ctx.delete_recipient(raw) && all;
    return all;
}

Verdict MessageFilter::end_of_message(MilterContext& ctx) {
    if (own_recipients_.empty() || state_ == State::Done) {
        reset();
        return Verdict::Accept;
    }
    const std::string qid = queue_id(ctx);
    Verdict verdict = Verdict::TempFail;
    if (state_ == State::Oversize) {
        log_msg(LogLevel::Notice, "%s: mix copy dropped: larger than %zu bytes", qid.c_str(),
                message_settings_.max_message_size);
        verdict = delete_own_recipients(ctx) ? Verdict::Continue : Verdict::TempFail;
        reset();
        return verdict;
    }
    core::Envelope envelope{sender_, own_recipients_, authenticated_};
    ctx.progress();  // decryption and the durable commit may take a while
    core::Decision decision = core::Decision::tempfail("internal-error");
    try {
        decision = node_.accept(envelope, as_bytes(buffer_));
    } catch (const std::exception& e) {
        log_msg(LogLevel::Error, "%s: node failed: %s", qid.c_str(), e.what());
    } catch (...) {
        log_msg(LogLevel::Error, "%s: node failed with an unknown exception", qid.c_str());
    }
    log_decision(qid, decision, buffer_.size());
    verdict = other_recipient_count_ > 0 ? finish_mixed(ctx, decision, qid)
                                         : finish_mix_only(ctx, decision, qid);
    reset();
    return verdict;
}

Verdict MessageFilter::finish_mix_only(MilterContext& ctx, const core::Decision& decision,
                                       const std::string& qid) {
    using Kind = core::Decision::Kind;
    switch (decision.kind) {
        case Kind::Pooled:
        case Kind::Dropped: return Verdict::Discard;
        case Kind::TempFail:
            ctx.set_reply("451", "4.3.0", "Mix node temporarily unavailable, try again later");
            return Verdict::TempFail;
        case Kind::Quarantine:
            if (!message_settings_.quarantine) return Verdict::Discard;
            if (ctx.quarantine(decision.reason)) return Verdict::Continue;
            log_msg(LogLevel::Warning, "%s: quarantine refused by the MTA; discarded", qid.c_str());
            return Verdict::Discard;
    }
    return Verdict::TempFail;
}

Verdict MessageFilter::finish_mixed(MilterContext& ctx, const core::Decision& decision,
                                    const std::string& qid) {
    using Kind = core::Decision::Kind;
    switch (decision.kind) {
        case Kind::TempFail:
            ctx.set_reply("451", "4.3.0", "Mix node temporarily unavailable, try again later");
            return Verdict::TempFail;
        case Kind::Quarantine:
            if (message_settings_.quarantine) {
                if (ctx.quarantine(decision.reason)) return Verdict::Continue;
                log_msg(LogLevel::Warning, "%s: quarantine refused by the MTA", qid.c_str());
            }
            [[fallthrough]];
        case Kind::Pooled:
        case Kind::Dropped:
            if (delete_own_recipients(ctx)) return Verdict::Continue;
            // The copy is handled, but the MTA would still deliver it to the mix
            // mailbox: retry; the replay cache drops the copy next time.
            log_msg(LogLevel::Warning, "%s: recipient deletion refused; tempfail", qid.c_str());
            return Verdict::TempFail;
    }
    return Verdict::TempFail;
}

}  // namespace mixtasy::milter
