// SPDX-License-Identifier: BSD-2-Clause
// key_publisher.cpp - the daemon's key publication thread; see
// key_publisher.h.
#include "milter/key_publisher.h"

#include "core/keys/key_home.h"
#include "core/ports/clock.h"
#include "core/ports/log.h"
#include "core/publish/curl_http.h"
#include "core/publish/publisher.h"
#include "crypto/error.h"

namespace mixtasy::milter {

KeyPublisher::KeyPublisher(std::string home, std::vector<std::string> key_servers,
                           std::string wkd_directory)
    : home_(std::move(home)) {
    if (key_servers.empty() && wkd_directory.empty()) return;
    thread_ = std::thread([this, servers = std::move(key_servers), wkd = std::move(wkd_directory)] {
        run(servers, wkd);
    });
}

KeyPublisher::~KeyPublisher() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void KeyPublisher::run(const std::vector<std::string>& key_servers,
                       const std::string& wkd_directory) {
    core::PublishConfig config;
    config.wkd_directory = wkd_directory;
    for (const std::string& url : key_servers)
        if (auto s = core::parse_hkp_server(url)) config.keyservers.push_back(*s);
    core::CurlHttpOptions options;
    options.limits.total_timeout = std::chrono::seconds(30);  // bounds the shutdown wait
    core::CurlHttpClient http(options);
    core::SystemClock clock;
    core::Publisher publisher(http, clock, std::move(config));
    std::unique_lock lock(mutex_);
    while (!stop_) {
        lock.unlock();
        if (auto cert = core::load_node_certificate(home_)) {
            publisher.certificate_changed(*cert);
            publisher.run_due();
        } else {
            core::log(core::LogLevel::Error,
                      "key publication: cannot read public.asc: " + crypto::describe(cert.error()));
        }
        lock.lock();
        wake_.wait_for(lock, kPublishPollInterval, [this] { return stop_; });
    }
}

}  // namespace mixtasy::milter
