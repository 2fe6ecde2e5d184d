// SPDX-License-Identifier: BSD-2-Clause
// flush_thread.h - the thread that empties the pool: Node::flush_round(transport)
// every Node::flush_interval().
//
// CONTRACT
//   start()  launches the thread; the first round runs one interval after
//            start (never at once: a restart must not flush a burst that
//            links arrivals to departures).
//   stop()   wakes the thread through its condition variable and joins it;
//            a round in progress finishes first.  Idempotent; the
//            destructor calls it.
//   reschedule()  the interval is read again now (after a reload), counted
//            from the start of the current wait.
//   rounds() how many rounds ran (tests, statistics).
// Never lets an exception escape the thread: it is logged and the round
// counted as failed.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <thread>

#include "core/node/node.h"
#include "core/ports/transport.h"

namespace mixtasy::milter {

class FlushThread {
public:
    FlushThread(core::Node& node, core::Transport& transport);
    ~FlushThread();
    FlushThread(const FlushThread&) = delete;
    FlushThread& operator=(const FlushThread&) = delete;

    void start();
    void stop();
    void reschedule();
    std::size_t rounds() const { return rounds_.load(); }

private:
    void run();
    bool wait_for_round(std::chrono::steady_clock::time_point since);  // false: stopping

    core::Node& node_;
    core::Transport& transport_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stopping_ = false;
    std::atomic<std::size_t> rounds_{0};
    std::thread thread_;
};

}  // namespace mixtasy::milter
