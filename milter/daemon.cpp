// daemon.cpp - process chores of the daemon.
#include "milter/daemon.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <sys/stat.h>
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

LogTarget log_target(const Config& config, bool foreground) {
    LogTarget t;
    t.use_syslog = config.syslog && !foreground;
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

Expected<void, std::string> give_socket_to_user(const std::string& socket,
                                                const std::string& spec) {
    std::string path;
    if (socket.rfind("unix:", 0) == 0) path = socket.substr(5);
    else if (socket.rfind("local:", 0) == 0) path = socket.substr(6);
    else return {};
    MIXTASY_TRY(id, resolve_identity(spec));
    if (::chown(path.c_str(), id->uid, id->gid) != 0)
        return Unexpected{errno_text(("chown " + path).c_str())};
    return {};
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

Expected<void, std::string> detach() {
    const pid_t pid = ::fork();
    if (pid < 0) return Unexpected{errno_text("fork")};
    if (pid > 0) ::_exit(0);
    if (::setsid() < 0) return Unexpected{errno_text("setsid")};
    if (::chdir("/") != 0) return Unexpected{errno_text("chdir /")};
    const int null = ::open("/dev/null", O_RDWR);
    if (null < 0) return Unexpected{errno_text("/dev/null")};
    ::dup2(null, STDIN_FILENO);
    ::dup2(null, STDOUT_FILENO);
    ::dup2(null, STDERR_FILENO);
    if (null > STDERR_FILENO) ::close(null);
    return {};
}

void route_core_log() {
    core::set_log_level(core::LogLevel::Debug);  // our own filter decides
    core::set_log_sink([](core::LogLevel level, std::string_view line) {
        log_msg(level, "%.*s", static_cast<int>(line.size()), line.data());
    });
}

}  // namespace mixtasy::milter
