// SPDX-License-Identifier: BSD-2-Clause
// key_publisher.h - the daemon's key publication thread: the node's
// public.asc to every KeyServer and the WkdDirectory, at start and after
// each rotation (core/publish/publisher.h does the scheduling).
//
// WHAT IT DOES
//   A thread that every kPollInterval reads <Home>/public.asc (the key
//   upkeep rewrites it under the home's lock when it adds or wipes a
//   subkey), hands it to the Publisher, which publishes it when it changed
//   and retries failed targets with backoff.  The first look is at once,
//   so a start publishes.  The upkeep's subkey lands on the targets within
//   one poll interval of the upkeep that made it.
//
// WHAT IT GUARANTEES
//   Never throws and never stops the node: a missing key file or a
//   failing keyserver is one log line.  No thread when no target is
//   configured.  The destructor stops the thread within one HTTP timeout.
//
// WHAT IT REFUSES
//   Nothing here; config.cpp refused bad URLs already.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace mixtasy::milter {

inline constexpr std::chrono::seconds kPublishPollInterval{60};

class KeyPublisher {
public:
    KeyPublisher(std::string home, std::vector<std::string> key_servers, std::string wkd_directory);
    ~KeyPublisher();
    KeyPublisher(const KeyPublisher&) = delete;
    KeyPublisher& operator=(const KeyPublisher&) = delete;

private:
    void run(const std::vector<std::string>& key_servers, const std::string& wkd_directory);

    std::string home_;
    std::mutex mutex_;
    std::condition_variable wake_;
    bool stop_ = false;
    std::thread thread_;
};

}  // namespace mixtasy::milter
