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

void FlushThread::run() {
    for (;;) {
        const std::chrono::seconds interval = next_interval(node_);
        {
            std::unique_lock lock(mutex_);
            if (wake_.wait_for(lock, interval, [this] { return stopping_; })) return;
        }
        try {
            const core::FlushReport r = node_.flush_round(transport_);
            if (r.sent + r.failed + r.dummies > 0) {
                log_msg(LogLevel::Info, "pool round: %zu sent, %zu deferred or failed, %zu dummies",
                        r.sent, r.failed, r.dummies);
            }
        } catch (const std::exception& e) {
            log_msg(LogLevel::Error, "pool round failed: %s", e.what());
        } catch (...) {
            log_msg(LogLevel::Error, "pool round failed with an unknown exception");
        }
        rounds_.fetch_add(1);
    }
}

}  // namespace mixtasy::milter
