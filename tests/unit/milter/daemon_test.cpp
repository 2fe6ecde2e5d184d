// daemon_test.cpp - configuration to runtime objects, PID file, privilege
// checks, and the Verdict -> SMFIS mapping of the callbacks.
#include "milter/daemon.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <sys/stat.h>
#include <syslog.h>
#include <unistd.h>

#include "milter/callbacks.h"
#include "milter/sendmail_transport.h"
#include "milter/smtp_transport.h"

using namespace mixtasy::milter;

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
    CHECK_FALSE(log_target(c, true).use_syslog);  // -f: stderr
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
    CHECK(give_socket_to_user("inet:8895@127.0.0.1", "no-such-user-mixtasy"));  // nothing to do
    const std::string path = "/tmp/mixtasy-milter-test-sock-" + std::to_string(::getpid());
    { std::ofstream(path) << ""; }
    CHECK_FALSE(give_socket_to_user("unix:" + path, "no-such-user-mixtasy"));
    if (::geteuid() == 0) {
        REQUIRE(give_socket_to_user("unix:" + path, "nobody:nogroup"));
        struct stat st {};
        REQUIRE(::stat(path.c_str(), &st) == 0);
        CHECK(st.st_uid != 0);
    }
    ::unlink(path.c_str());
}
