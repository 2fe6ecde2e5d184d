// SPDX-License-Identifier: BSD-2-Clause
#include "milter/setup/host_setup.h"

#include <cerrno>
#include <cstring>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "core/keys/key_home.h"
#include "milter/dropin_check.h"
#include "milter/setup/run_command.h"
#include "milter/setup/sendmail_setup.h"

namespace mixtasy::milter::setup {
namespace {

namespace fs = std::filesystem;

std::string dropin_dir(const HostSetup& host) { return host.systemd_dir + "/mixtasy-milter.service.d"; }

// "unix:/var/spool/postfix/mixtasy/milter.sock" -> its directory; "" for inet.
std::string socket_directory(const std::string& socket) {
    for (const char* prefix : {"unix:", "local:"}) {
        if (socket.rfind(prefix, 0) == 0) return fs::path(socket.substr(std::strlen(prefix))).parent_path();
    }
    return {};
}

std::string user_name(const Config& config, const HostSetup& host) {
    return config.user_id.empty() ? host.user : config.user_id.substr(0, config.user_id.find(':'));
}

Expected<void, std::string> make_dir(const std::string& path, uid_t uid, gid_t gid, mode_t mode,
                                     SetupState& state) {
    if (::mkdir(path.c_str(), mode) != 0) {
        if (errno == EEXIST) return {};
        return Unexpected{path + ": " + std::strerror(errno)};
    }
    if (auto r = state.record({"dir", {path}}); !r) return r;
    if (::chown(path.c_str(), uid, gid) != 0 || ::chmod(path.c_str(), mode) != 0) {
        return Unexpected{path + ": " + std::strerror(errno)};
    }
    return {};
}

Expected<void, std::string> write_dropin(const HostSetup& host, const std::string& name,
                                         const std::string& text, SetupState& state) {
    const std::string dir = dropin_dir(host);
    if (auto r = make_dir(dir, 0, 0, 0755, state); !r) return r;
    const std::string path = dir + "/" + name;
    if (fs::exists(path)) return {};
    if (auto r = write_text_file(path, text, 0644); !r) return r;
    return state.record({"file", {path}});
}

}  // namespace

Expected<void, std::string> setup_socket(const Config& config, const HostSetup& host, SetupState& state) {
    const std::string dir = socket_directory(config.socket);
    if (dir.empty()) return {};
    const passwd* pw = ::getpwnam(user_name(config, host).c_str());
    const group* gr = ::getgrnam(config.socket_group.c_str());
    if (pw == nullptr) return Unexpected{"no user " + user_name(config, host) + " (install the package, or --user)"};
    if (gr == nullptr) return Unexpected{"no group " + config.socket_group + " (SocketGroup)"};
    const uid_t uid = pw->pw_uid;
    const gid_t gid = gr->gr_gid;
    if (auto r = make_dir(dir, uid, gid, 0750, state); !r) return r;
    // The unit runs as the user; chowning the socket to SocketGroup needs
    // membership, and ProtectSystem=strict needs the directory named.
    return write_dropin(host, "socket.conf",
                        "# Written by mixtasy-milter setup; removed by setup --undo.\n[Service]\n"
                        "SupplementaryGroups=" + config.socket_group + "\nReadWritePaths=" + dir + "\n",
                        state);
}

Expected<void, std::string> setup_dropins(const Config& config, const HostSetup& host, SetupState& state) {
    if (needs_sendmail_dropin(config)) {
        auto text = read_text_file(host.snippets + "/systemd/sendmail-transport.conf", 64 * 1024);
        if (!text) return Unexpected{text.error()};
        if (auto r = write_dropin(host, "sendmail-transport.conf", *text, state); !r) return r;
    }
    if (needs_wkd_dropin(config)) {
        const std::string text = "# Written by mixtasy-milter setup for WkdDirectory; removed by setup --undo.\n"
                                 "[Service]\nReadWritePaths=" + config.wkd_directory + "\n";
        if (auto r = write_dropin(host, "wkd-directory.conf", text, state); !r) return r;
    }
    return {};
}

Expected<bool, std::string> ensure_node_key(const Config& config, const HostSetup& host) {
    const std::string& home = config.node.home;
    if (core::load_node_certificate(home)) return false;
    const passwd* pw = ::getpwnam(user_name(config, host).c_str());
    if (pw == nullptr) return Unexpected{"no user " + user_name(config, host) + " to own the node key"};
    const std::vector<std::string> argv{host.mixtasy, "keygen", "--home", home, "--address", host.address};
    CommandResult r = run_command(argv);
    if (r.status == 127) return Unexpected{describe(argv) + ": cannot run " + host.mixtasy};
    if (r.status != 0) return Unexpected{describe(argv) + " failed: " + r.err};
    std::error_code ec;
    ::chown(home.c_str(), pw->pw_uid, pw->pw_gid);
    for (const auto& entry : fs::recursive_directory_iterator(home, ec)) {
        if (::lchown(entry.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
            return Unexpected{entry.path().string() + ": " + std::strerror(errno)};
        }
    }
    return true;
}

void undo_host(const SetupState& state, std::vector<std::string>& notes) {
    const auto& changes = state.changes();
    for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
        const std::string& path = it->fields.empty() ? std::string() : it->fields[0];
        if (it->kind == "file" && ::unlink(path.c_str()) != 0 && errno != ENOENT) {
            notes.push_back(path + ": " + std::strerror(errno));
        }
        if (it->kind == "dir" && ::rmdir(path.c_str()) != 0 && errno != ENOENT) {
            notes.push_back(path + " left in place: " + std::strerror(errno));
        }
    }
}

std::vector<std::string> describe_host_changes(const Config& config, const HostSetup& host) {
    std::vector<std::string> lines;
    const std::string dir = socket_directory(config.socket);
    if (!dir.empty() && !fs::exists(dir)) lines.push_back("would create " + dir + " (0750, " + user_name(config, host) + ":" + config.socket_group + ")");
    if (!dir.empty()) lines.push_back("would write " + dropin_dir(host) + "/socket.conf (SupplementaryGroups=" + config.socket_group + ")");
    if (needs_sendmail_dropin(config)) lines.push_back("would write " + dropin_dir(host) + "/sendmail-transport.conf");
    if (needs_wkd_dropin(config)) lines.push_back("would write " + dropin_dir(host) + "/wkd-directory.conf");
    if (!core::load_node_certificate(config.node.home)) lines.push_back("would run mixtasy keygen --home " + config.node.home);
    return lines;
}

}  // namespace mixtasy::milter::setup
