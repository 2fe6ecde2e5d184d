// SPDX-License-Identifier: BSD-2-Clause
// sendmail_transport.cpp - posix_spawn of the MTA's sendmail with a bounded wait.
#include "milter/sendmail_transport.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>
#include <vector>

#include "milter/log.h"

extern char** environ;

namespace mixtasy::milter {
namespace {

using Clock = std::chrono::steady_clock;

bool is_safe_argument(std::string_view a) {
    if (a.size() > 998 || (!a.empty() && a.front() == '-')) return false;
    return std::none_of(a.begin(), a.end(),
                        [](char c) { return c == '\r' || c == '\n' || c == '\0'; });
}

int remaining_ms(Clock::time_point deadline) {
    auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    return static_cast<int>(std::clamp<long long>(left, 0, 1000000));
}

// Writes all of `data` to a non-blocking fd before the deadline.
bool write_all(int fd, ByteView data, Clock::time_point deadline) {
    std::size_t done = 0;
    while (done < data.size()) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n > 0) {
            done += static_cast<std::size_t>(n);
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno != EAGAIN) return false;  // EPIPE: the child is gone
        pollfd p{fd, POLLOUT, 0};
        const int ms = remaining_ms(deadline);
        if (ms == 0 || ::poll(&p, 1, ms) <= 0) return false;
    }
    return true;
}

// SIGPIPE is blocked while we write and any pending one is consumed, so a
// sendmail that exits early cannot kill the daemon.
class SigpipeBlock {
public:
    SigpipeBlock() {
        sigemptyset(&pipe_);
        sigaddset(&pipe_, SIGPIPE);
        pthread_sigmask(SIG_BLOCK, &pipe_, &old_);
    }
    ~SigpipeBlock() {
        sigset_t pending;
        sigpending(&pending);
        if (sigismember(&pending, SIGPIPE) == 1) {
            timespec zero{0, 0};
            sigtimedwait(&pipe_, nullptr, &zero);
        }
        pthread_sigmask(SIG_SETMASK, &old_, nullptr);
    }
    SigpipeBlock(const SigpipeBlock&) = delete;
    SigpipeBlock& operator=(const SigpipeBlock&) = delete;

private:
    sigset_t pipe_{};
    sigset_t old_{};
};

// Waits for the child until the deadline, then kills it.  Returns the wait status.
int reap(pid_t pid, Clock::time_point deadline) {
    int status = 0;
    for (;;) {
        const pid_t r = ::waitpid(pid, &status, WNOHANG);
        if (r == pid) return status;
        if (r < 0 && errno != EINTR) return -1;
        if (Clock::now() >= deadline) {
            ::kill(pid, SIGKILL);
            while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
            }
            return -1;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
}

core::SendResult classify_exit(int status) {
    if (status < 0 || !WIFEXITED(status)) return core::SendResult::TempFail;
    const int code = WEXITSTATUS(status);
    if (code == 0) return core::SendResult::Accepted;
    if (code == 75) return core::SendResult::TempFail;  // EX_TEMPFAIL
    if (code >= 64 && code <= 77) return core::SendResult::PermFail;
    return core::SendResult::TempFail;
}

}  // namespace

SendmailTransport::SendmailTransport(std::string path, std::chrono::seconds timeout)
    : path_(std::move(path)), timeout_(timeout) {}

core::SendResult SendmailTransport::send(const core::OutgoingMessage& msg) {
    const std::string from = msg.envelope_from.empty() ? std::string("<>") : msg.envelope_from;
    if (!is_safe_argument(from) || !is_safe_argument(msg.recipient) || msg.recipient.empty()) {
        log_msg(LogLevel::Error, "reinjection refused: unsafe address");
        return core::SendResult::PermFail;
    }
    const auto deadline = Clock::now() + timeout_;
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return core::SendResult::TempFail;

    std::vector<std::string> args{path_, "-i", "-f", from, "--", msg.recipient};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
    pid_t pid = -1;
    const int spawned = posix_spawn(&pid, path_.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[0]);
    if (spawned != 0) {
        ::close(fds[1]);
        log_msg(LogLevel::Error, "reinjection: cannot run %s", path_.c_str());
        return core::SendResult::TempFail;
    }
    bool written = false;
    {
        SigpipeBlock block;
        ::fcntl(fds[1], F_SETFL, ::fcntl(fds[1], F_GETFL) | O_NONBLOCK);
        written = write_all(fds[1], msg.message, deadline);
        ::close(fds[1]);
    }
    const int status = reap(pid, deadline);
    if (!written) return core::SendResult::TempFail;
    const core::SendResult result = classify_exit(status);
    if (result != core::SendResult::Accepted) {
        log_msg(LogLevel::Warning, "reinjection via sendmail %s (wait status %d)",
                result == core::SendResult::PermFail ? "refused" : "deferred", status);
    }
    return result;
}

}  // namespace mixtasy::milter
