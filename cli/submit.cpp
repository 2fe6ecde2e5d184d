// SPDX-License-Identifier: BSD-2-Clause
// submit.cpp - see submit.h.
#include "cli/submit.h"

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <memory>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

#include <curl/curl.h>

extern char** environ;

namespace mixtasy::cli {
namespace {

Expected<void, std::string> write_all(int fd, ByteView data) {
    while (!data.empty()) {
        const ssize_t n = ::write(fd, data.data(), data.size());
        if (n < 0) {
            if (errno == EINTR) continue;
            return Unexpected{std::string("cannot write to sendmail")};
        }
        data = data.subspan(static_cast<std::size_t>(n));
    }
    return {};
}

Expected<void, std::string> submit_sendmail(const core::ClientConfig& config,
                                            const std::string& first_hop, ByteView message) {
    std::vector<std::string> args{config.sendmail, "-i"};
    if (!config.envelope_sender->empty()) {
        args.push_back("-f");
        args.push_back(*config.envelope_sender);
    }
    args.push_back("--");
    args.push_back(first_hop);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    int fds[2];
    if (::pipe(fds) != 0) return Unexpected{std::string("pipe failed")};
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[0], STDIN_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[1]);
    pid_t pid = 0;
    const int spawned =
        ::posix_spawn(&pid, config.sendmail.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    ::close(fds[0]);
    if (spawned != 0) {
        ::close(fds[1]);
        return Unexpected{"cannot run " + config.sendmail};
    }
    auto written = write_all(fds[1], message);
    ::close(fds[1]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    if (!written) return written;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return Unexpected{config.sendmail + " refused the message (exit " +
                          std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")"};
    return {};
}

struct Upload {
    ByteView rest;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
    auto* up = static_cast<Upload*>(user);
    const size_t n = std::min(size * count, up->rest.size());
    std::copy_n(up->rest.data(), n, buffer);
    up->rest = up->rest.subspan(n);
    return n;
}

Expected<std::string, std::string> read_password(const std::string& path) {
    std::ifstream in(path);
    std::string line;
    if (!in || !std::getline(in, line)) return Unexpected{"cannot read " + path};
    return line;
}

Expected<void, std::string> submit_smtp(const core::ClientConfig& config,
                                        const std::string& first_hop, ByteView message) {
    std::unique_ptr<CURL, void (*)(CURL*)> curl(curl_easy_init(), curl_easy_cleanup);
    if (!curl) return Unexpected{std::string("curl_easy_init failed")};
    std::unique_ptr<curl_slist, void (*)(curl_slist*)> rcpt(
        curl_slist_append(nullptr, ("<" + first_hop + ">").c_str()), curl_slist_free_all);
    const std::string from = "<" + *config.envelope_sender + ">";
    CURL* c = curl.get();
    curl_easy_setopt(c, CURLOPT_URL, config.smtp_url.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt.get());
    curl_easy_setopt(c, CURLOPT_USE_SSL,
                     config.smtp_starttls ? static_cast<long>(CURLUSESSL_ALL)
                                          : static_cast<long>(CURLUSESSL_NONE));
    std::string password;
    if (!config.smtp_user.empty()) {
        auto read = read_password(config.smtp_password_file);
        if (!read) return Unexpected{read.error()};
        password = std::move(*read);
        curl_easy_setopt(c, CURLOPT_USERNAME, config.smtp_user.c_str());
        curl_easy_setopt(c, CURLOPT_PASSWORD, password.c_str());
    }
    Upload upload{message};
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(c, CURLOPT_READDATA, &upload);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message.size()));
    const CURLcode rc = curl_easy_perform(c);
    std::fill(password.begin(), password.end(), '\0');
    if (rc != CURLE_OK) return Unexpected{std::string("SMTP: ") + curl_easy_strerror(rc)};
    return {};
}

}  // namespace

std::string submission_problem(const core::ClientConfig& config) {
    if (!config.envelope_sender)
        return "no EnvelopeSender in the configuration: choose the MAIL FROM address your "
               "submission server accepts (or <> for an empty one)";
    if (!config.smtp_user.empty() && config.smtp_password_file.empty())
        return "SmtpUser needs SmtpPasswordFile";
    return {};
}

Expected<void, std::string> submit(const core::ClientConfig& config, const std::string& first_hop,
                                   ByteView message) {
    if (auto problem = submission_problem(config); !problem.empty()) return Unexpected{problem};
    if (!config.smtp_url.empty()) return submit_smtp(config, first_hop, message);
    return submit_sendmail(config, first_hop, message);
}

}  // namespace mixtasy::cli
