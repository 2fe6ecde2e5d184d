// SPDX-License-Identifier: BSD-2-Clause
// daemon.cpp - process chores of the daemon.
#include "milter/daemon.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include "core/ports/log.h"
#include "milter/sendmail_transport.h"
#include "milter/smtp_transport.h"

namespace mixtasy::milter {
namespace {

std::string errno_text(const char* what) { return std::string(what) + ": " + std::strerror(errno); }

}  // namespace

std::unique_ptr<core::Transport> make_transport(const Config& config) {
    const std::string& url = config.reinject_url;
    if (url.rfind("sendmail:", 0) == 0) {
        return std::make_unique<SendmailTransport>(url.substr(9), config.reinject_timeout);
    }
    return std::make_unique<SmtpTransport>(SmtpTransportOptions{url, config.reinject_timeout});
}

FilterSettings filter_settings(const Config& config) {
    FilterSettings s;
    s.max_message_size = config.max_message_size;
    s.quarantine = config.quarantine;
    return s;
}

// -f changes where the process runs, not where it logs: with Syslog yes
// journald files the lines under mail beside Postfix's (issue 15).
LogTarget log_target(const Config& config, bool /*foreground*/) {
    LogTarget t;
    t.use_syslog = config.syslog;
    t.syslog_facility = config.syslog_facility;
    t.level = config.log_level;
    return t;
}

namespace {

struct Identity {
    std::string name;
    uid_t uid;
    gid_t gid;
};

// "user" or "user:group" from the password and group databases.
Expected<Identity, std::string> resolve_identity(const std::string& spec) {
    const auto colon = spec.find(':');
    const std::string user = spec.substr(0, colon);
    std::vector<char> buf(16384);
    passwd pw{};
    passwd* found = nullptr;
    if (getpwnam_r(user.c_str(), &pw, buf.data(), buf.size(), &found) != 0 || found == nullptr) {
        return Unexpected{"UserID: no such user '" + user + "'"};
    }
    Identity id{pw.pw_name, pw.pw_uid, pw.pw_gid};
    if (colon != std::string::npos) {
        const std::string group = spec.substr(colon + 1);
        std::vector<char> gbuf(16384);
        ::group gr{};
        ::group* gfound = nullptr;
        if (getgrnam_r(group.c_str(), &gr, gbuf.data(), gbuf.size(), &gfound) != 0 ||
            gfound == nullptr) {
            return Unexpected{"UserID: no such group '" + group + "'"};
        }
        id.gid = gr.gr_gid;
    }
    return id;
}

}  // namespace

Expected<void, std::string> drop_privileges(const std::string& spec) {
    MIXTASY_TRY(id, resolve_identity(spec));
    if (::geteuid() == id->uid) return {};  // already that user
    if (::geteuid() != 0)
        return Unexpected{std::string("UserID: must start as root to change user")};
    if (::setgid(id->gid) != 0) return Unexpected{errno_text("setgid")};
    if (::initgroups(id->name.c_str(), id->gid) != 0) return Unexpected{errno_text("initgroups")};
    if (::setuid(id->uid) != 0) return Unexpected{errno_text("setuid")};
    if (id->uid != 0 && ::setuid(0) == 0)
        return Unexpected{std::string("could regain root after setuid")};
    return {};
}

std::string unix_socket_path(const std::string& socket) {
    for (const char* prefix : {"unix:", "local:"}) {
        if (socket.rfind(prefix, 0) == 0) return socket.substr(std::strlen(prefix));
    }
    return {};
}

namespace {

Expected<gid_t, std::string> group_id(const std::string& name) {
    std::vector<char> buf(16384);
    ::group gr{};
    ::group* found = nullptr;
    if (getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found) != 0 || found == nullptr)
        return Unexpected{"SocketGroup: no such group '" + name + "'"};
    return gr.gr_gid;
}

// Owner and group a unix socket and its directory get: -1 leaves one as is.
struct SocketOwner {
    uid_t uid = static_cast<uid_t>(-1);
    gid_t gid = static_cast<gid_t>(-1);
};

Expected<SocketOwner, std::string> socket_owner(const Config& config) {
    SocketOwner owner;
    if (!config.user_id.empty()) {
        MIXTASY_TRY(id, resolve_identity(config.user_id));
        owner.uid = id->uid;
    }
    if (!config.socket_group.empty()) {
        MIXTASY_TRY(gid, group_id(config.socket_group));
        owner.gid = *gid;
    }
    return owner;
}

}  // namespace

Expected<void, std::string> give_socket_to_user(const Config& config) {
    const std::string path = unix_socket_path(config.socket);
    if (path.empty()) return {};
    MIXTASY_TRY(owner, socket_owner(config));
    if (::chown(path.c_str(), owner->uid, owner->gid) != 0)
        return Unexpected{errno_text(("chown " + path).c_str())};
    if (::chmod(path.c_str(), kUnixSocketMode) != 0)
        return Unexpected{errno_text(("chmod " + path).c_str())};
    return {};
}

Expected<void, std::string> prepare_socket_dir(const Config& config) {
    const std::string path = unix_socket_path(config.socket);
    if (path.empty()) return {};
    const std::string dir = path.substr(0, path.rfind('/'));
    if (dir.empty() || ::access(dir.c_str(), F_OK) == 0) return {};
    MIXTASY_TRY(owner, socket_owner(config));
    if (::mkdir(dir.c_str(), 0750) != 0) return Unexpected{errno_text(("mkdir " + dir).c_str())};
    if (::chown(dir.c_str(), owner->uid, owner->gid) != 0)
        return Unexpected{errno_text(("chown " + dir).c_str())};
    return {};
}

Expected<void, std::string> check_identity(const Config& config, uid_t euid) {
    if (euid != 0 || !config.user_id.empty() || config.allow_root) return {};
    return Unexpected{std::string(
        "refusing to run as root: set UserID to the mix user (or AllowRoot yes to insist)")};
}

std::vector<std::string> restart_only_changes(const Config& running, const Config& fresh) {
    std::vector<std::string> changed;
    auto note = [&](bool differs, const char* key) {
        if (differs) changed.emplace_back(key);
    };
    note(running.socket != fresh.socket, "Socket");
    note(running.socket_group != fresh.socket_group, "SocketGroup");
    note(running.umask != fresh.umask, "UMask");
    note(running.user_id != fresh.user_id, "UserID");
    note(running.allow_root != fresh.allow_root, "AllowRoot");
    note(running.pid_file != fresh.pid_file, "PidFile");
    note(running.node.home != fresh.node.home, "Home");
    note(running.node.database != fresh.node.database, "Database");
    note(running.node.subkey_validity != fresh.node.subkey_validity, "SubkeyLifetime");
    // The store's blob limit and the reassembly limits are fixed at open.
    note(running.node.max_original_bytes != fresh.node.max_original_bytes, "MaxOriginalSize");
    note(running.node.retry.retry_base != fresh.node.retry.retry_base, "PoolRetryBase");
    note(running.node.retry.retry_max != fresh.node.retry.retry_max, "PoolRetryMax");
    note(running.reinject_url != fresh.reinject_url, "ReinjectURL");
    note(running.reinject_timeout != fresh.reinject_timeout, "ReinjectTimeout");
    note(running.mix_domains != fresh.mix_domains, "MixDomains");
    note(running.mix_directory_refresh != fresh.mix_directory_refresh, "MixDirectoryRefresh");
    // The addresses degraded mode knows, the service desk and the publisher
    // are built once at start.
    note(running.mix_address != fresh.mix_address, "MixAddress");
    note(running.node.service_domains != fresh.node.service_domains, "ServiceDomains");
    note(running.key_publication_on_inet != fresh.key_publication_on_inet, "KeyPublicationOnInet");
    note(running.node.replies.per_requester_per_hour != fresh.node.replies.per_requester_per_hour,
         "ReplyRatePerHour");
    note(running.node.replies.global_per_hour != fresh.node.replies.global_per_hour,
         "ReplyGlobalRatePerHour");
    note(running.key_servers != fresh.key_servers, "KeyServer");
    note(running.wkd_directory != fresh.wkd_directory, "WkdDirectory");
    return changed;
}

Expected<void, std::string> write_pid_file(const std::string& path) {
    const int fd =
        ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd < 0) return Unexpected{errno_text(("PidFile " + path).c_str())};
    const std::string text = std::to_string(::getpid()) + "\n";
    const bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
    ::close(fd);
    if (!ok) return Unexpected{errno_text("PidFile write")};
    return {};
}

namespace {
int g_ready_fd = -1;  // the child's end of the pipe its waiting parent reads
}

// The parent stays until the child has opened its socket (or failed), so
// that start-up errors reach the admin's terminal and the exit status says
// whether the daemon runs: the child writes one byte when it is up, or exits.
Expected<void, std::string> detach() {
    int ready[2];
    if (::pipe2(ready, O_CLOEXEC) != 0) return Unexpected{errno_text("pipe")};
    const pid_t pid = ::fork();
    if (pid < 0) return Unexpected{errno_text("fork")};
    if (pid > 0) {
        ::close(ready[1]);
        char byte = 0;
        ssize_t n;
        do n = ::read(ready[0], &byte, 1);
        while (n < 0 && errno == EINTR);
        if (n == 1) ::_exit(0);
        int status = 0;
        while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
        }
        ::_exit(WIFEXITED(status) && WEXITSTATUS(status) != 0 ? WEXITSTATUS(status) : 2);
    }
    ::close(ready[0]);
    g_ready_fd = ready[1];
    if (::setsid() < 0) return Unexpected{errno_text("setsid")};
    if (::chdir("/") != 0) return Unexpected{errno_text("chdir /")};
    const int null = ::open("/dev/null", O_RDWR);
    if (null < 0) return Unexpected{errno_text("/dev/null")};
    ::dup2(null, STDIN_FILENO);
    if (null > STDERR_FILENO) ::close(null);
    return {};
}

void detach_done() {
    if (g_ready_fd < 0) return;
    const int null = ::open("/dev/null", O_RDWR);
    if (null >= 0) {
        ::dup2(null, STDOUT_FILENO);
        ::dup2(null, STDERR_FILENO);
        if (null > STDERR_FILENO) ::close(null);
    }
    const char byte = 1;
    [[maybe_unused]] const ssize_t n = ::write(g_ready_fd, &byte, 1);
    ::close(g_ready_fd);
    g_ready_fd = -1;
}

void route_core_log() {
    core::set_log_level(core::LogLevel::Debug);  // our own filter decides
    core::set_log_sink([](core::LogLevel level, std::string_view line) {
        log_msg(level, "%.*s", static_cast<int>(line.size()), line.data());
    });
}

}  // namespace mixtasy::milter
