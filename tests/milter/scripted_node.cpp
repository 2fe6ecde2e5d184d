// SPDX-License-Identifier: BSD-2-Clause
// scripted_node.cpp - see scripted_node.h.
#include "tests/milter/scripted_node.h"
#include "core/node/service_desk.h"

#include <algorithm>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <unistd.h>
#include <vector>

#include <botan/hash.h>
#include <botan/hex.h>

namespace mixtasy::milter::testing {
namespace {

namespace fs = std::filesystem;

std::string lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

// Value of the first header field `name` (case-insensitive), trimmed.
std::string header_value(std::string_view message, std::string_view name) {
    const std::string want = lower(std::string(name)) + ":";
    std::size_t pos = 0;
    while (pos < message.size()) {
        const std::size_t eol = message.find('\n', pos);
        std::string_view line =
            message.substr(pos, eol == std::string_view::npos ? message.npos : eol - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // end of header
        if (lower(std::string(line.substr(0, want.size()))) == want) {
            std::string_view v = line.substr(want.size());
            while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.remove_prefix(1);
            return std::string(v);
        }
        if (eol == std::string_view::npos) break;
        pos = eol + 1;
    }
    return {};
}

bool write_durably(const fs::path& path, std::string_view bytes) {
    const fs::path tmp = path.string() + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) return false;
    bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size());
    ok = ::fsync(fd) == 0 && ok;
    ::close(fd);
    if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) return false;
    const int dir = ::open(path.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) return false;
    ok = ::fsync(dir) == 0;
    ::close(dir);
    return ok;
}

class ScriptedNode final : public core::Node {
public:
    explicit ScriptedNode(core::NodeOptions options)
        : options_(std::move(options)), home_(options_.home) {
        std::ifstream in(home_ / "addresses");
        std::string line;
        while (std::getline(in, line)) {
            if (!line.empty()) own_.push_back(lower(line));
        }
        if (own_.empty()) own_.push_back("mixtasy@mix.test");
        fs::create_directories(home_ / "pool");
        fs::create_directories(home_ / "replay");
    }

    bool is_own_address(std::string_view recipient) const override {
        return std::find(own_.begin(), own_.end(), lower(std::string(recipient))) != own_.end();
    }

    bool is_service_address(std::string_view recipient) const override {
        return lower(std::string(recipient)) == "keys@mix.test";
    }

    core::Decision accept(const core::Envelope& envelope, ByteView message) override {
        if (fs::exists(home_ / "fail-store")) return core::Decision::tempfail("store-unavailable");
        if (to_service(envelope)) {
            // What the milter passed on: the {auth_authen} login, one line.
            std::lock_guard lock(mutex_);
            std::ofstream(home_ / "service-auth", std::ios::app) << "auth=" << envelope.authenticated
                                                                 << "\n";
            return core::Decision::dropped(core::kServiceHandled);
        }
        const std::string_view text = as_chars(message);
        const std::string scripted = lower(header_value(text, "X-Scripted-Decision"));
        if (scripted == "dropped") return core::Decision::dropped("malformed");
        if (scripted == "tempfail") return core::Decision::tempfail("store-unavailable");
        if (scripted == "quarantine") return core::Decision::quarantine("no-valid-subkey");
        auto sha = Botan::HashFunction::create_or_throw("SHA-256");
        sha->update(message.data(), message.size());
        const std::string id = Botan::hex_encode(sha->final(), false);
        std::lock_guard lock(mutex_);
        if (fs::exists(home_ / "replay" / id)) return core::Decision::dropped("replay");
        if (!write_durably(home_ / "pool" / (id + ".msg"), text) ||
            !write_durably(home_ / "replay" / id, "")) {
            return core::Decision::tempfail("store-unavailable");
        }
        return core::Decision::pooled();
    }

    bool to_service(const core::Envelope& envelope) const {
        return std::any_of(envelope.recipients.begin(), envelope.recipients.end(),
                           [this](const std::string& r) { return is_service_address(r); });
    }

    core::FlushReport flush_round(core::Transport& transport) override {
        core::FlushReport report;
        std::vector<fs::path> files;
        {
            std::lock_guard lock(mutex_);
            for (const auto& e : fs::directory_iterator(home_ / "pool")) {
                if (e.path().extension() == ".msg") files.push_back(e.path());
            }
        }
        for (const fs::path& f : files) {
            std::ifstream in(f, std::ios::binary);
            const std::string bytes((std::istreambuf_iterator<char>(in)), {});
            std::string next = header_value(bytes, "X-Scripted-Next-Hop");
            if (next.empty()) next = "sink@sink.test";
            const core::OutgoingMessage out{"", next, as_bytes(bytes)};
            if (transport.send(out) == core::SendResult::Accepted) {
                fs::remove(f);
                ++report.sent;
            } else {
                ++report.failed;
            }
        }
        return report;
    }

    std::chrono::seconds flush_interval() const override { return options_.pool.interval; }

    Expected<void, std::string> reload() override {
        std::ofstream(home_ / "reloads", std::ios::app) << "reload\n";
        return {};
    }

private:
    core::NodeOptions options_;
    fs::path home_;
    std::vector<std::string> own_;
    std::mutex mutex_;
};

}  // namespace

Expected<std::unique_ptr<core::Node>, core::OpenError> open_scripted_node(
    const core::NodeOptions& options) {
    try {
        return std::unique_ptr<core::Node>(std::make_unique<ScriptedNode>(options));
    } catch (const std::exception& e) {
        return Unexpected{core::OpenError{
            core::OpenError::Code::Internal, std::string("scripted node: ") + e.what(), {}}};
    }
}

}  // namespace mixtasy::milter::testing
