// SPDX-License-Identifier: BSD-2-Clause
// flush_thread.cpp - timed pool rounds on one thread.
#include "milter/flush_thread.h"

#include <exception>

#include "milter/log.h"

namespace mixtasy::milter {
namespace {

std::chrono::seconds next_interval(const core::Node& node) {
    try {
        const std::chrono::seconds interval = node.flush_interval();
        return interval.count() > 0 ? interval : std::chrono::seconds(1);
    } catch (...) {
        return std::chrono::seconds(60);
    }
}

// The dummies of a round, set against the MTA's log of what left, would
// tell cover traffic apart: counts are for debugging.  The default level
// hears of a round only when the transport deferred or refused something.
void log_round(const core::FlushReport& r) {
    if (r.sent + r.failed + r.dummies > 0) {
        log_msg(LogLevel::Debug, "pool round: %zu sent, %zu deferred or failed, %zu dummies",
                r.sent, r.failed, r.dummies);
    }
    if (r.failed > 0) log_msg(LogLevel::Info, "pool round: %zu deferred or failed", r.failed);
}

}  // namespace

FlushThread::FlushThread(core::Node& node, core::Transport& transport)
    : node_(node), transport_(transport) {}

FlushThread::~FlushThread() { stop(); }

void FlushThread::start() {
    if (thread_.joinable()) return;
    {
        std::lock_guard lock(mutex_);
        stopping_ = false;
    }
    thread_ = std::thread([this] { run(); });
}

void FlushThread::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void FlushThread::reschedule() { wake_.notify_all(); }

// Waits until one interval after `since`, reading the interval again each
// time reschedule() wakes us: a reload that shortens PoolInterval from an
// hour to a minute takes effect now, not after the hour.
bool FlushThread::wait_for_round(std::chrono::steady_clock::time_point since) {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
        const auto due = since + next_interval(node_);
        if (std::chrono::steady_clock::now() >= due) return true;
        wake_.wait_until(lock, due);
    }
    return false;
}

void FlushThread::run() {
    for (;;) {
        if (!wait_for_round(std::chrono::steady_clock::now())) return;
        try {
            log_round(node_.flush_round(transport_));
        } catch (const std::exception& e) {
            log_msg(LogLevel::Error, "pool round failed: %s", e.what());
        } catch (...) {
            log_msg(LogLevel::Error, "pool round failed with an unknown exception");
        }
        rounds_.fetch_add(1);
    }
}

}  // namespace mixtasy::milter
