// SPDX-License-Identifier: BSD-2-Clause
// smtp_sink.h - a tiny SMTP server on 127.0.0.1 for the transport tests:
// answers with scripted replies and records what it received.
#pragma once

#include <arpa/inet.h>
#include <atomic>
#include <mutex>
#include <netinet/in.h>
#include <poll.h>
#include <string>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>
#include <vector>

namespace mixtasy::milter::testing {

struct SunkMessage {
    std::string mail_from;
    std::vector<std::string> rcpts;
    std::string data;  // dot-unstuffed, without the final "."
};

class SmtpSink {
public:
    std::string rcpt_reply = "250 2.1.5 ok";
    std::string data_reply = "250 2.0.0 queued";

    SmtpSink() {
        fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
        int one = 1;
        ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a);
        ::listen(fd_, 8);
        socklen_t len = sizeof a;
        ::getsockname(fd_, reinterpret_cast<sockaddr*>(&a), &len);
        port_ = ntohs(a.sin_port);
        thread_ = std::thread([this] { serve(); });
    }
    ~SmtpSink() {
        stop_ = true;
        thread_.join();
        ::close(fd_);
    }
    int port() const { return port_; }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }
    std::vector<SunkMessage> messages() {
        std::lock_guard l(mutex_);
        return messages_;
    }
    int connections() const { return connections_.load(); }

private:
    void serve() {
        while (!stop_) {
            pollfd p{fd_, POLLIN, 0};
            if (::poll(&p, 1, 50) <= 0) continue;
            const int c = ::accept(fd_, nullptr, nullptr);
            if (c < 0) continue;
            ++connections_;
            session(c);
            ::close(c);
        }
    }
    bool read_line(int c, std::string& buf, std::string& line) {
        for (;;) {
            auto nl = buf.find("\r\n");
            if (nl != std::string::npos) {
                line = buf.substr(0, nl);
                buf.erase(0, nl + 2);
                return true;
            }
            pollfd p{c, POLLIN, 0};
            if (::poll(&p, 1, 5000) <= 0) return false;
            char tmp[4096];
            const ssize_t n = ::read(c, tmp, sizeof tmp);
            if (n <= 0) return false;
            buf.append(tmp, static_cast<std::size_t>(n));
        }
    }
    void say(int c, const std::string& s) {
        const std::string out = s + "\r\n";
        (void)!::write(c, out.data(), out.size());
    }
    static bool starts(const std::string& line, const char* cmd) {
        return ::strncasecmp(line.c_str(), cmd, std::strlen(cmd)) == 0;
    }
    void session(int c) {
        std::string buf, line;
        SunkMessage msg;
        say(c, "220 sink ESMTP");
        while (read_line(c, buf, line)) {
            if (starts(line, "EHLO") || starts(line, "HELO")) {
                say(c, "250-sink");
                say(c, "250 8BITMIME");
            } else if (starts(line, "MAIL FROM:")) {
                msg = {};
                msg.mail_from = line.substr(10);
                say(c, "250 2.1.0 ok");
            } else if (starts(line, "RCPT TO:")) {
                msg.rcpts.push_back(line.substr(8));
                say(c, rcpt_reply);
            } else if (starts(line, "DATA")) {
                say(c, "354 go ahead");
                while (read_line(c, buf, line) && line != ".") {
                    if (!line.empty() && line[0] == '.') line.erase(0, 1);
                    msg.data += line + "\r\n";
                }
                if (data_reply[0] == '2') {
                    std::lock_guard l(mutex_);
                    messages_.push_back(msg);
                }
                say(c, data_reply);
            } else if (starts(line, "RSET") || starts(line, "NOOP")) {
                say(c, "250 ok");
            } else if (starts(line, "QUIT")) {
                say(c, "221 bye");
                return;
            } else {
                say(c, "502 5.5.2 unknown");
            }
        }
    }

    int fd_ = -1;
    int port_ = 0;
    std::atomic<bool> stop_{false};
    std::atomic<int> connections_{0};
    std::mutex mutex_;
    std::vector<SunkMessage> messages_;
    std::thread thread_;
};

}  // namespace mixtasy::milter::testing
