// SPDX-License-Identifier: BSD-2-Clause
// degraded_node.h - the node as the milter sees it: the real one while its
// keys and store are usable, a stand-in while they are not, so that the
// daemon keeps running and ordinary mail keeps flowing (issue 15).
//
// CONTRACT
//   is_node_recipient(addresses, rcpt)  the one predicate "this recipient
//       is the node's": the mix address (MixAddress, or the key's), any
//       mixtasy@ recipient when neither is known, and keys@ each of
//       addresses.service_domains.  Case-insensitive, with or without <>.
//   SwitchingNode(addresses, open, settings)
//       try_open()   calls open(); on success the real node is used from the
//                    next call on; on failure keeps (or stays in) degraded
//                    mode and remembers the reason.  Thread-safe.
//       degraded()   true while no real node is open.
//       While degraded: is_own_address is is_node_recipient, accept returns
//       TempFail("node-unavailable") (the sender's MTA retries; the milter
//       answers 451), flush_round sends nothing, reload() is try_open(),
//       maintain_keys does nothing.  Each call that meets the degraded node,
//       and each failed try_open, may log one Error line naming the reason,
//       at most once per settings.error_interval.
//       While open: every call goes to the real node; is_own_address also
//       accepts is_node_recipient's addresses (service addresses and a
//       MixAddress the key does not name yet).
//   Never throws out of Node's methods.
//
// REFUSES nothing: an open error of any kind is degraded mode; the caller
// decides beforehand which errors must stop the daemon (configuration).
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <vector>

#include "core/node/node.h"

namespace mixtasy::milter {

struct NodeAddresses {
    std::string mix_address;                   // lower-case; empty: any mixtasy@
    std::vector<std::string> service_domains;  // keys@DOMAIN (lower-case)
};

bool is_node_recipient(const NodeAddresses& addresses, std::string_view recipient);

struct DegradedSettings {
    std::chrono::seconds error_interval{60};  // the Error line at most this often
    std::chrono::seconds flush_interval{60};  // the flush thread's tick while degraded
};

class SwitchingNode final : public core::Node {
public:
    using Opener = std::function<Expected<std::unique_ptr<core::Node>, core::OpenError>()>;

    SwitchingNode(NodeAddresses addresses, Opener open, DegradedSettings settings);

    bool try_open();
    bool degraded() const;
    std::string unavailable_reason() const;

    bool is_own_address(std::string_view recipient) const override;
    bool is_service_address(std::string_view recipient) const override;
    core::Decision accept(const core::Envelope& envelope, ByteView message) override;
    core::FlushReport flush_round(core::Transport& transport) override;
    std::chrono::seconds flush_interval() const override;
    Expected<void, std::string> reload() override;
    Expected<void, std::string> reconfigure(const core::NodeOptions& options) override;
    Expected<core::RotationReport, std::string> maintain_keys() override;
    std::string address() const override;

private:
    void report_unavailable() const;

    NodeAddresses addresses_;
    Opener open_;
    DegradedSettings settings_;
    mutable std::shared_mutex node_mutex_;  // guards node_ and reason_
    std::unique_ptr<core::Node> node_;
    std::string reason_;
    mutable std::mutex log_mutex_;  // guards last_error_log_
    mutable std::chrono::steady_clock::time_point last_error_log_{};
    mutable bool logged_once_ = false;
};

}  // namespace mixtasy::milter
