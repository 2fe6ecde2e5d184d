// SPDX-License-Identifier: BSD-2-Clause
// degraded_node.cpp - see degraded_node.h.
#include "milter/degraded_node.h"

#include <algorithm>
#include <optional>

#include "common/ascii.h"
#include "milter/log.h"
#include "milter/message_filter.h"

namespace mixtasy::milter {

namespace {

std::string_view local_part(std::string_view address, std::size_t at) { return address.substr(0, at); }

// A recipient as the milter sees it, normalized, with the place of its '@'.
struct Recipient {
    std::string address;
    std::size_t at;
};

std::optional<Recipient> split_recipient(std::string_view raw) {
    std::string address = normalize_address(raw);
    const auto at = address.rfind('@');
    if (at == std::string::npos) return std::nullopt;
    return Recipient{std::move(address), at};
}

bool is_mix_recipient(const NodeAddresses& addresses, std::string_view address, std::size_t at) {
    if (!addresses.mix_address.empty()) return ascii::iequals(address, addresses.mix_address);
    // Nobody has told us the domain: taking every mixtasy@ is the side that
    // never delivers mix mail to a mailbox unseen.
    return ascii::iequals(local_part(address, at), "mixtasy");
}

bool is_service_recipient(const NodeAddresses& addresses, std::string_view address,
                          std::size_t at) {
    if (!ascii::iequals(local_part(address, at), "keys")) return false;
    const std::string_view domain = address.substr(at + 1);
    return std::any_of(addresses.service_domains.begin(), addresses.service_domains.end(),
                       [&](const std::string& d) { return ascii::iequals(domain, d); });
}

}  // namespace

bool is_node_recipient(const NodeAddresses& addresses, std::string_view recipient) {
    const auto r = split_recipient(recipient);
    return r && (is_mix_recipient(addresses, r->address, r->at) ||
                 is_service_recipient(addresses, r->address, r->at));
}

SwitchingNode::SwitchingNode(NodeAddresses addresses, Opener open, DegradedSettings settings)
    : addresses_(std::move(addresses)), open_(std::move(open)), settings_(settings) {}

bool SwitchingNode::try_open() {
    {
        std::shared_lock read(node_mutex_);
        if (node_) return true;
    }
    Expected<std::unique_ptr<core::Node>, core::OpenError> opened =
        Unexpected{core::OpenError{core::OpenError::Code::Internal, "open failed", std::nullopt}};
    try {
        opened = open_();
    } catch (const std::exception& e) {
        opened = Unexpected{core::OpenError{core::OpenError::Code::Internal, e.what(), std::nullopt}};
    }
    std::unique_lock write(node_mutex_);
    if (node_) return true;
    if (!opened) {
        reason_ = std::string(core::to_string(opened.error().code)) + ": " + opened.error().detail;
        write.unlock();
        report_unavailable();
        return false;
    }
    node_ = std::move(*opened);
    const bool was_degraded = !reason_.empty();
    reason_.clear();
    write.unlock();
    if (was_degraded)
        log_msg(LogLevel::Notice, "mix node available again: mail to the mix address is accepted");
    return true;
}

bool SwitchingNode::degraded() const {
    std::shared_lock read(node_mutex_);
    return !node_;
}

std::string SwitchingNode::unavailable_reason() const {
    std::shared_lock read(node_mutex_);
    return reason_;
}

// Bounded: a node that stays broken for a day logs 1440 lines at the
// default interval, not one per message or per RCPT.
void SwitchingNode::report_unavailable() const {
    const auto now = std::chrono::steady_clock::now();
    {
        std::lock_guard lock(log_mutex_);
        if (logged_once_ && now - last_error_log_ < settings_.error_interval) return;
        logged_once_ = true;
        last_error_log_ = now;
    }
    log_msg(LogLevel::Error,
            "degraded mode: the mix node cannot be used (%s); ordinary mail passes, mail to the "
            "mix address is deferred with 451 until this is fixed (SIGUSR1 retries at once)",
            unavailable_reason().c_str());
}

bool SwitchingNode::is_service_address(std::string_view recipient) const {
    std::shared_lock read(node_mutex_);
    if (node_ && node_->is_service_address(recipient)) return true;
    const auto r = split_recipient(recipient);
    return r && is_service_recipient(addresses_, r->address, r->at);
}

bool SwitchingNode::is_own_address(std::string_view recipient) const {
    std::shared_lock read(node_mutex_);
    if (!node_) return is_node_recipient(addresses_, recipient);
    if (node_->is_own_address(recipient)) return true;
    // With the key at hand, the mixtasy@ fallback of an unknown address is
    // no longer needed: the key names it.
    const auto r = split_recipient(recipient);
    if (!r) return false;
    return (!addresses_.mix_address.empty() && is_mix_recipient(addresses_, r->address, r->at)) ||
           is_service_recipient(addresses_, r->address, r->at);
}

core::Decision SwitchingNode::accept(const core::Envelope& envelope, ByteView message) {
    {
        std::shared_lock read(node_mutex_);
        if (node_) return node_->accept(envelope, message);
    }
    report_unavailable();
    return core::Decision::tempfail("node-unavailable");
}

core::FlushReport SwitchingNode::flush_round(core::Transport& transport) {
    std::shared_lock read(node_mutex_);
    if (node_) return node_->flush_round(transport);
    return {};
}

std::chrono::seconds SwitchingNode::flush_interval() const {
    std::shared_lock read(node_mutex_);
    return node_ ? node_->flush_interval() : settings_.flush_interval;
}

Expected<void, std::string> SwitchingNode::reload() {
    {
        std::shared_lock read(node_mutex_);
        if (node_) return node_->reload();
    }
    if (try_open()) return {};
    return Unexpected{"mix node still unavailable: " + unavailable_reason()};
}

Expected<void, std::string> SwitchingNode::reconfigure(const core::NodeOptions& options) {
    std::shared_lock read(node_mutex_);
    if (node_) return node_->reconfigure(options);
    return {};
}

Expected<core::RotationReport, std::string> SwitchingNode::maintain_keys() {
    std::shared_lock read(node_mutex_);
    if (node_) return node_->maintain_keys();
    return core::RotationReport{};
}

std::string SwitchingNode::address() const {
    std::shared_lock read(node_mutex_);
    return node_ ? node_->address() : addresses_.mix_address;
}

}  // namespace mixtasy::milter
