// SPDX-License-Identifier: BSD-2-Clause
// daemon_test.cpp - configuration to runtime objects, PID file, privilege
// checks, and the Verdict -> SMFIS mapping of the callbacks; and the real
// daemon (daemon_main over a recording node, in a child process): its
// socket's mode and group, the root refusal, what SIGUSR1 reloads.
#include "milter/daemon.h"

#include <catch2/catch.hpp>

#include <chrono>
#include <fcntl.h>
#include <fstream>
#include <getopt.h>
#include <grp.h>
#include <memory>
#include <signal.h>
#include <sstream>
#include <string>
#include <sys/stat.h>
#include <sys/wait.h>
#include <syslog.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "milter/callbacks.h"
#include "milter/daemon_main.h"
#include "milter/sendmail_transport.h"
#include "milter/smtp_transport.h"
#include "tests/unit/milter/fakes.h"
#include "tests/unit/temp_dir.h"

using namespace mixtasy;
using namespace mixtasy::milter;

namespace {

std::string own_group() {
    // As root, a group nobody belongs to; otherwise one we may chgrp to.
    if (::geteuid() == 0 && ::getgrnam("nogroup") != nullptr) return "nogroup";
    const ::group* g = ::getgrgid(::getegid());
    return g != nullptr ? g->gr_name : "";
}

gid_t group_gid(const std::string& name) {
    const ::group* g = ::getgrnam(name.c_str());
    return g != nullptr ? g->gr_gid : static_cast<gid_t>(-1);
}

std::string read_text(const std::string& path) {
    std::ifstream in(path);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// What the daemon asked of its node, written where the test can read it:
// the daemon runs in a child process.
class RecordingNode final : public mixtasy::milter::testing::FakeNode {
public:
    explicit RecordingNode(std::string record) : record_(std::move(record)) {}
    Expected<void, std::string> reconfigure(const core::NodeOptions& o) override {
        std::string domains;
        for (const auto& d : o.local_domains) domains += (domains.empty() ? "" : ",") + d;
        std::ofstream(record_, std::ios::app)
            << domains << " rate=" << o.exit_rate_per_hour << " from=" << o.anonymous_from
            << " interval=" << o.pool.interval.count() << "\n";
        return {};
    }

private:
    std::string record_;
};

// The real daemon (daemon_main, -f) over a RecordingNode in a child
// process, on a unix socket in a directory that does not exist yet.
struct DaemonRun {
    mixtasy::testing::TempDir dir{"mixtasy-daemon"};
    pid_t pid = -1;
    bool allow_root;  // as root: AllowRoot yes, since the test has no mix user

    explicit DaemonRun(const std::string& extra, bool allow_root_when_root = true)
        : allow_root(allow_root_when_root && ::geteuid() == 0) {
        write_config(extra);
        pid = ::fork();
        REQUIRE(pid >= 0);
        if (pid == 0) run_child();
    }
    ~DaemonRun() {
        if (pid > 0 && ::kill(pid, SIGKILL) == 0) ::waitpid(pid, nullptr, 0);
    }
    std::string socket_path() const { return dir.file("run") + "/milter.sock"; }
    void write_config(const std::string& extra) const {
        std::ofstream(dir.file("milter.conf"), std::ios::trunc)
            << "Socket unix:" << socket_path() << "\nSocketGroup " << own_group()
            << "\nSyslog no\nLogLevel debug\n"
            << (allow_root ? "AllowRoot yes\n" : "") << extra;
    }
    [[noreturn]] void run_child() {
        const int log = ::open(dir.file("daemon.log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
        ::dup2(log, STDERR_FILENO);
        std::string conf = dir.file("milter.conf");
        std::string record = dir.file("reconfigured");
        char arg0[] = "mixtasy-milter", arg1[] = "-f", arg2[] = "-c";
        char* argv[] = {arg0, arg1, arg2, conf.data(), nullptr};
        optind = 1;
        const NodeFactory factory = [record](const core::NodeOptions&)
            -> Expected<std::unique_ptr<core::Node>, core::OpenError> {
            return std::unique_ptr<core::Node>(std::make_unique<RecordingNode>(record));
        };
        ::_exit(daemon_main(4, argv, factory));
    }
    template <typename Pred>
    bool poll(Pred done) const {
        for (int i = 0; i < 400; ++i) {  // 20 s: a loaded machine starts slowly
            if (done()) return true;
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return false;
    }
    bool wait_for_socket() const {
        return poll([&] {
            return read_text(dir.file("daemon.log")).find("listening on") != std::string::npos;
        });
    }
    bool wait_for_log(const std::string& text) const {
        return poll([&] { return log().find(text) != std::string::npos; });
    }
    std::string log() const { return read_text(dir.file("daemon.log")); }
    std::string reconfigured() const { return read_text(dir.file("reconfigured")); }
    int wait_exit() {
        int status = 0;
        if (::waitpid(pid, &status, 0) != pid) return -1;
        pid = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    }
    int stop() {
        ::kill(pid, SIGTERM);
        return wait_exit();
    }
};

}  // namespace

TEST_CASE("daemon: ReinjectURL chooses the transport", "[daemon]") {
    Config c = parse_config("").value();
    CHECK(dynamic_cast<SmtpTransport*>(make_transport(c).get()) != nullptr);
    c = parse_config("ReinjectURL sendmail:/usr/sbin/sendmail\n").value();
    CHECK(dynamic_cast<SendmailTransport*>(make_transport(c).get()) != nullptr);
}

TEST_CASE("daemon: filter settings and log target follow the configuration", "[daemon]") {
    Config c = parse_config("MaxMessageSize 100k\nQuarantine no\nLogLevel notice\n").value();
    FilterSettings s = filter_settings(c);
    CHECK(s.max_message_size == 100 * 1024);
    CHECK_FALSE(s.quarantine);
    CHECK(log_target(c, false).use_syslog);
    CHECK(log_target(c, true).use_syslog);  // -f keeps Syslog yes (issue 15)
    CHECK_FALSE(log_target(parse_config("Syslog no\n").value(), true).use_syslog);
    CHECK(log_target(c, false).level == LogLevel::Notice);
    CHECK(log_target(c, false).syslog_facility == LOG_MAIL);
}

TEST_CASE("daemon: PID file holds our PID", "[daemon]") {
    const std::string path = "/tmp/mixtasy-milter-test-pid-" + std::to_string(::getpid());
    REQUIRE(write_pid_file(path));
    std::ifstream in(path);
    long pid = 0;
    in >> pid;
    CHECK(pid == ::getpid());
    ::unlink(path.c_str());
    CHECK_FALSE(write_pid_file("/nonexistent-dir/pid"));
}

TEST_CASE("daemon: UserID names must exist", "[daemon]") {
    CHECK_FALSE(drop_privileges("no-such-user-mixtasy"));
    CHECK_FALSE(drop_privileges("root:no-such-group-mixtasy"));
}

TEST_CASE("callbacks: every Verdict maps to its SMFIS code", "[callbacks]") {
    CHECK(to_sfsistat(Verdict::Continue) == SMFIS_CONTINUE);
    CHECK(to_sfsistat(Verdict::Accept) == SMFIS_ACCEPT);
    CHECK(to_sfsistat(Verdict::Reject) == SMFIS_REJECT);
    CHECK(to_sfsistat(Verdict::Discard) == SMFIS_DISCARD);
    CHECK(to_sfsistat(Verdict::TempFail) == SMFIS_TEMPFAIL);
}

TEST_CASE("callbacks: the filter description declares what we use", "[callbacks]") {
    smfiDesc d = filter_description();
    CHECK(d.xxfi_flags == (SMFIF_DELRCPT | SMFIF_QUARANTINE));
    CHECK(d.xxfi_connect == nullptr);  // never asked for
    CHECK(d.xxfi_helo == nullptr);
    CHECK(d.xxfi_envrcpt != nullptr);
    CHECK(d.xxfi_data != nullptr);
    CHECK(d.xxfi_negotiate != nullptr);
    CHECK(d.xxfi_close != nullptr);
    CHECK(d.xxfi_abort != nullptr);
}

TEST_CASE("daemon: a unix socket is handed to the UserID, inet sockets untouched", "[daemon]") {
    Config inet = parse_config("Socket inet:8895@127.0.0.1\n").value();
    inet.user_id = "no-such-user-mixtasy";
    CHECK(give_socket_to_user(inet));  // nothing to do
    const std::string path = "/tmp/mixtasy-milter-test-sock-" + std::to_string(::getpid());
    { std::ofstream(path) << ""; }
    Config c = parse_config("Socket unix:" + path + "\n").value();
    c.socket_group = own_group();
    c.user_id = "no-such-user-mixtasy";
    CHECK_FALSE(give_socket_to_user(c));
    c.user_id.clear();
    c.socket_group = "no-such-group-mixtasy";
    CHECK_FALSE(give_socket_to_user(c));
    c.socket_group = own_group();
    REQUIRE(give_socket_to_user(c));
    struct stat st {};
    REQUIRE(::stat(path.c_str(), &st) == 0);
    CHECK((st.st_mode & 07777) == 0660);  // whatever the umask
    CHECK(st.st_gid == group_gid(own_group()));
    if (::geteuid() == 0) {
        c.user_id = "nobody";
        REQUIRE(give_socket_to_user(c));
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK(st.st_uid != 0);
    }
    ::unlink(path.c_str());
}

TEST_CASE("daemon: root without UserID is refused unless AllowRoot", "[daemon]") {
    const Config plain = parse_config("").value();
    CHECK_FALSE(check_identity(plain, 0));
    CHECK(check_identity(plain, 1000));
    CHECK(check_identity(parse_config("UserID mixtasy\n").value(), 0));
    CHECK(check_identity(parse_config("AllowRoot yes\n").value(), 0));
    if (::geteuid() != 0) return;
    // The real daemon, started as root: refused before anything opens.
    DaemonRun run("", false);
    CHECK(run.wait_exit() == 1);
    CHECK(run.log().find("refusing to run as root") != std::string::npos);
}

TEST_CASE("daemon: reload names exactly the keys that need a restart", "[daemon]") {
    const Config running = parse_config("").value();
    CHECK(restart_only_changes(running, running).empty());
    const Config fresh = parse_config(
                             "Socket inet:9999@127.0.0.1\nHome /srv/other\n"
                             "LocalDomains example.org\nPoolInterval 1m\n")
                             .value();
    // Home moves the default Database with it; the policy keys reload.
    CHECK(restart_only_changes(running, fresh) ==
          std::vector<std::string>{"Socket", "Home", "Database"});
    // The store's limits come from MaxOriginalSize at open (MaxMessageSize reloads).
    const Config sizes = parse_config("MaxOriginalSize 2m\nMaxMessageSize 512k\n").value();
    CHECK(restart_only_changes(running, sizes) == std::vector<std::string>{"MaxOriginalSize"});
    // What the service desk, degraded mode and the publisher are built from.
    const Config services = parse_config(
                                "MixAddress mixtasy@m.example\nServiceDomains m.example\n"
                                "KeyPublicationOnInet yes\nReplyRatePerHour 9\n"
                                "ReplyGlobalRatePerHour 99\nKeyServer hkp://127.0.0.1:1\n"
                                "WkdDirectory /srv/wkd\n")
                                .value();
    CHECK(restart_only_changes(running, services) ==
          std::vector<std::string>{"MixAddress", "ServiceDomains", "KeyPublicationOnInet",
                                   "ReplyRatePerHour", "ReplyGlobalRatePerHour", "KeyServer",
                                   "WkdDirectory"});
}

TEST_CASE("daemon: the unix socket is 0660 with SocketGroup, in a directory made for it",
          "[daemon][socket]") {
    DaemonRun run("");
    REQUIRE(run.wait_for_socket());
    struct stat st {};
    REQUIRE(::stat(run.socket_path().c_str(), &st) == 0);
    CHECK(S_ISSOCK(st.st_mode));
    CHECK((st.st_mode & 0777) == 0660);
    CHECK(st.st_gid == group_gid(own_group()));
    struct stat dir {};
    REQUIRE(::stat(run.dir.file("run").c_str(), &dir) == 0);
    CHECK((dir.st_mode & 0777) == 0750);
    CHECK(dir.st_gid == group_gid(own_group()));
    CHECK(run.stop() == 0);
}

TEST_CASE("daemon: SIGUSR1 applies the exit policy and the pool settings", "[daemon][reload]") {
    DaemonRun run("LocalDomains a.example\nExitRatePerHour 5\nPoolInterval 1h\n");
    REQUIRE(run.wait_for_socket());
    run.write_config(
        "LocalDomains b.example, c.example\nExitRatePerHour 7\nPoolInterval 2m\n"
        "AnonymousFrom nobody@b.example\nHome /srv/elsewhere\n");
    REQUIRE(::kill(run.pid, SIGUSR1) == 0);
    REQUIRE(run.wait_for_log("reloaded configuration and keys"));
    CHECK(run.reconfigured() == "b.example,c.example rate=7 from=nobody@b.example interval=120\n");
    CHECK(run.log().find("reload: Home, Database changed; takes effect at restart only") !=
          std::string::npos);
    CHECK(run.stop() == 0);
}
