// SPDX-License-Identifier: BSD-2-Clause
// mix_directory_refresh.cpp - the node's own view of the network; see
// mix_directory_refresh.h.
#include "milter/mix_directory_refresh.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "common/ascii.h"
#include "core/keys/keyring.h"
#include "core/keys/mix_key.h"
#include "core/ports/log.h"
#include "core/publish/curl_http.h"
#include "core/publish/hkp_key_source.h"
#include "core/publish/wkd_key_source.h"
#include "crypto/key_io.h"
#include "crypto/key_file.h"

namespace mixtasy::milter {
namespace {

struct Chosen {
    core::MixKey key;
    core::KeyOrigin origin = core::KeyOrigin::File;
};

crypto::Timestamp newest_subkey(const core::MixKey& key) {
    return key.subkeys.empty() ? 0 : key.subkeys.front().created;  // newest first
}

// The mixes of the file as it is: the pins, and what stays when no source
// offers a mix again.  A missing or unreadable file pins nothing.
std::map<std::string, Chosen> read_current(const std::string& path, Instant now) {
    std::map<std::string, Chosen> current;
    std::ifstream in(path, std::ios::binary);
    if (!in) return current;
    std::ostringstream text;
    text << in.rdbuf();
    for (auto& checked : core::check_armored_keys(text.str(), now)) {
        if (!checked.result) continue;
        std::string address = checked.result->address;  // before the key is moved from
        current.emplace(std::move(address), Chosen{std::move(*checked.result)});
    }
    return current;
}

class Merge {
public:
    Merge(std::map<std::string, Chosen> current, std::string own_address)
        : pins_(current), chosen_(std::move(current)), own_(ascii::lower(own_address)) {}

    void offer(const core::FetchedKey& fetched, Instant now) {
        for (auto& checked : core::check_armored_keys(fetched.armored, now)) {
            if (!checked.result) {
                ++refused_;
                continue;
            }
            take(std::move(*checked.result), fetched.origin);
        }
    }

    std::size_t refused() const { return refused_; }
    const std::map<std::string, Chosen>& chosen() const { return chosen_; }

private:
    void take(core::MixKey key, core::KeyOrigin origin) {
        if (key.address == own_ || (chosen_.size() >= core::KeyRing::kMaxKeys &&
                                    !chosen_.count(key.address))) {
            ++refused_;
            return;
        }
        const auto pin = pins_.find(key.address);
        if (pin != pins_.end() && pin->second.key.fingerprint != key.fingerprint &&
            origin != core::KeyOrigin::Wkd) {
            ++refused_;  // a keyserver's different key for a known mix
            return;
        }
        auto [it, fresh] = chosen_.try_emplace(key.address, Chosen{key, origin});
        if (fresh) return;
        Chosen& have = it->second;
        const bool replaces_pin = have.key.fingerprint != key.fingerprint;  // WKD, checked above
        if (replaces_pin || newest_subkey(key) > newest_subkey(have.key)) have = {std::move(key), origin};
    }

    std::map<std::string, Chosen> pins_;
    std::map<std::string, Chosen> chosen_;
    std::string own_;
    std::size_t refused_ = 0;
};

std::string armored_file(const std::map<std::string, Chosen>& mixes) {
    std::string out;
    for (const auto& [address, chosen] : mixes)
        out += crypto::export_public(chosen.key.cert);
    return out;
}

Expected<void, std::string> write_known_mixes(const std::string& path, const std::string& text) {
    const std::filesystem::path p(path);
    auto written = crypto::write_key_file(p.parent_path(), p.filename().c_str(), text, 0644);
    if (!written) return Unexpected{"known mixes: " + crypto::describe(written.error())};
    return {};
}

}  // namespace

std::string known_mixes_path(const core::NodeOptions& options) {
    if (!options.known_mixes.empty()) return options.known_mixes;
    return (std::filesystem::path(options.home) / "mixes.asc").string();
}

Expected<RefreshReport, std::string> refresh_known_mixes(
    const std::vector<core::KeySource*>& sources, const std::string& known_mixes_path,
    const std::string& own_address, Instant now) {
    RefreshReport report;
    Merge merge(read_current(known_mixes_path, now), own_address);
    for (core::KeySource* source : sources) {
        auto fetched = source->fetch_all();
        if (!fetched) {
            ++report.sources_failed;
            core::log(core::LogLevel::Warning,
                      "mix directory: " + source->where() + ": " + fetched.error().detail);
            continue;
        }
        ++report.sources_reached;
        for (const auto& f : *fetched) merge.offer(f, now);
    }
    if (report.sources_reached == 0)
        return Unexpected{std::string("no key source reached; the known mixes stay as they were")};
    report.refused = merge.refused();
    report.mixes = merge.chosen().size();
    // An empty view written now would be a fresh directory that knows no
    // mix: every forward would be refused as an unknown next hop.
    if (report.mixes == 0)
        return Unexpected{std::string("no valid mix offered; the known mixes stay as they were")};
    MIXTASY_CHECK(write_known_mixes(known_mixes_path, armored_file(merge.chosen())));
    return report;
}

MixDirectoryRefresh::MixDirectoryRefresh(std::string known_mixes_path, std::string own_address,
                                         MixDirectorySources sources,
                                         std::chrono::seconds interval,
                                         std::function<void()> on_written)
    : path_(std::move(known_mixes_path)),
      own_address_(std::move(own_address)),
      interval_(interval),
      on_written_(std::move(on_written)) {
    if (sources.empty() || interval_.count() <= 0) return;
    thread_ = std::thread([this, s = std::move(sources)] { run(s); });
}

MixDirectoryRefresh::~MixDirectoryRefresh() {
    {
        std::lock_guard lock(mutex_);
        stop_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

void MixDirectoryRefresh::run(const MixDirectorySources& configured) {
    core::CurlHttpOptions options;
    options.limits.total_timeout = std::chrono::seconds(30);  // bounds the shutdown wait
    core::CurlHttpClient http(options);
    std::vector<std::unique_ptr<core::KeySource>> owned;
    // WKD first: its keys outrank a keyserver's copies (directory.h).
    for (const auto& domain : configured.mix_domains)
        owned.push_back(std::make_unique<core::WkdKeySource>(http, domain));
    for (const auto& url : configured.key_servers)
        if (auto server = core::parse_hkp_server(url))
            owned.push_back(std::make_unique<core::HkpKeySource>(http, std::move(*server)));
    std::vector<core::KeySource*> sources;
    for (auto& s : owned) sources.push_back(s.get());
    std::unique_lock lock(mutex_);
    while (!stop_) {
        lock.unlock();
        refresh_once(sources);
        lock.lock();
        wake_.wait_for(lock, interval_, [this] { return stop_; });
    }
}

void MixDirectoryRefresh::refresh_once(const std::vector<core::KeySource*>& sources) {
    core::SystemClock clock;
    auto report = refresh_known_mixes(sources, path_, own_address_, clock.now());
    if (!report) {
        core::log(core::LogLevel::Warning, "mix directory: " + report.error());
        return;
    }
    core::log(core::LogLevel::Info, "mix directory refreshed: " + std::to_string(report->mixes) +
                                        " mixes, " + std::to_string(report->refused) +
                                        " keys refused, " +
                                        std::to_string(report->sources_failed) +
                                        " sources unreachable");
    if (on_written_) on_written_();
}

}  // namespace mixtasy::milter
