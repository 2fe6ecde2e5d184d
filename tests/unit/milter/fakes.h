// SPDX-License-Identifier: BSD-2-Clause
// fakes.h - a scripted core::Node and a recording MilterContext for the
// milter unit tests.
#pragma once

#include <algorithm>
#include <atomic>
#include <cctype>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "core/node/node.h"
#include "milter/milter_context.h"

namespace mixtasy::milter::testing {

class FakeNode : public core::Node {
public:
    std::vector<std::string> own{"mixtasy@mix.example", "keys@mix.example"};
    core::Decision next = core::Decision::pooled();
    bool throw_on_accept = false;
    std::vector<core::Envelope> envelopes;
    std::vector<std::string> messages;
    std::atomic<int> flushes{0};
    int reloads = 0;
    std::atomic<std::chrono::seconds> interval{std::chrono::seconds(1)};
    core::FlushReport report;  // what every flush_round returns
    std::vector<core::NodeOptions> reconfigured;

    bool is_own_address(std::string_view r) const override {
        for (const auto& o : own) {
            if (r.size() == o.size() &&
                std::equal(r.begin(), r.end(), o.begin(), [](char a, char b) {
                    return std::tolower(static_cast<unsigned char>(a)) ==
                           std::tolower(static_cast<unsigned char>(b));
                }))
                return true;
        }
        return false;
    }
    core::Decision accept(const core::Envelope& env, ByteView message) override {
        if (throw_on_accept) throw std::runtime_error("boom");
        envelopes.push_back(env);
        messages.emplace_back(as_chars(message));
        return next;
    }
    core::FlushReport flush_round(core::Transport&) override {
        ++flushes;
        return report;
    }
    std::chrono::seconds flush_interval() const override { return interval.load(); }
    Expected<void, std::string> reload() override {
        ++reloads;
        return {};
    }
    Expected<void, std::string> reconfigure(const core::NodeOptions& options) override {
        reconfigured.push_back(options);
        return {};
    }
};

class FakeContext : public MilterContext {
public:
    std::map<std::string, std::string> symbols{{"i", "QID123"}};
    std::vector<std::string> deleted;
    std::vector<std::string> quarantined;
    std::vector<std::string> replies;
    int progress_calls = 0;
    bool allow_delete = true;
    bool allow_quarantine = true;

    std::optional<std::string> symbol(std::string_view name) override {
        auto it = symbols.find(std::string(name));
        if (it == symbols.end()) return std::nullopt;
        return it->second;
    }
    bool delete_recipient(std::string_view r) override {
        if (!allow_delete) return false;
        deleted.emplace_back(r);
        return true;
    }
    bool quarantine(std::string_view reason) override {
        if (!allow_quarantine) return false;
        quarantined.emplace_back(reason);
        return true;
    }
    bool set_reply(std::string_view rcode, std::string_view xcode, std::string_view text) override {
        replies.push_back(std::string(rcode) + " " + std::string(xcode) + " " + std::string(text));
        return true;
    }
    bool progress() override {
        ++progress_calls;
        return true;
    }
};

}  // namespace mixtasy::milter::testing
