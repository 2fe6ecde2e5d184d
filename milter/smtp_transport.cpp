// SPDX-License-Identifier: BSD-2-Clause
// smtp_transport.cpp - libcurl SMTP client for the resend path.
#include "milter/smtp_transport.h"

#include <algorithm>
#include <cstring>
#include <mutex>

#include <curl/curl.h>

#include "milter/log.h"

namespace mixtasy::milter {
namespace {

std::once_flag g_curl_once;

// curl_global_init is not thread-safe; the daemon calls it from main before
// any thread, and this once-guard covers tests and other callers.
void ensure_curl_global() {
    std::call_once(g_curl_once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Upload {
    ByteView data;
    std::size_t offset = 0;
};

size_t read_upload(char* buffer, size_t size, size_t count, void* user) {
    auto* up = static_cast<Upload*>(user);
    const std::size_t room = size * count;
    const std::size_t n = std::min(room, up->data.size() - up->offset);
    if (n > 0) std::memcpy(buffer, up->data.data() + up->offset, n);
    up->offset += n;
    return n;
}

struct SlistDeleter {
    void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

core::SendResult classify(CURLcode code, long smtp_status) {
    if (code == CURLE_OK) return core::SendResult::Accepted;
    if (smtp_status >= 500 && smtp_status < 600) return core::SendResult::PermFail;
    return core::SendResult::TempFail;  // 4xx, no reply, connect failure, timeout
}

}  // namespace

struct SmtpTransport::CurlHandle {
    CURL* curl = nullptr;
    ~CurlHandle() {
        if (curl != nullptr) curl_easy_cleanup(curl);
    }
};

bool is_safe_smtp_address(std::string_view address) {
    if (address.size() > 998) return false;
    return std::none_of(address.begin(), address.end(), [](char c) {
        return c == '\r' || c == '\n' || c == '<' || c == '>' || c == '\0';
    });
}

SmtpTransport::SmtpTransport(SmtpTransportOptions options)
    : options_(std::move(options)), handle_(std::make_unique<CurlHandle>()) {
    ensure_curl_global();
}

SmtpTransport::~SmtpTransport() = default;

core::SendResult SmtpTransport::send(const core::OutgoingMessage& msg) {
    if (!is_safe_smtp_address(msg.envelope_from) || !is_safe_smtp_address(msg.recipient) ||
        msg.recipient.empty()) {
        log_msg(LogLevel::Error, "reinjection refused: unsafe address");
        return core::SendResult::PermFail;
    }
    std::lock_guard lock(mutex_);
    if (handle_->curl == nullptr) handle_->curl = curl_easy_init();
    CURL* curl = handle_->curl;
    if (curl == nullptr) return core::SendResult::TempFail;
    curl_easy_reset(curl);  // keeps the live connection, clears the options

    const std::string from = "<" + msg.envelope_from + ">";
    const std::string to = "<" + msg.recipient + ">";
    std::unique_ptr<curl_slist, SlistDeleter> rcpts(curl_slist_append(nullptr, to.c_str()));
    if (!rcpts) return core::SendResult::TempFail;
    Upload upload{msg.message, 0};
    const long timeout = static_cast<long>(options_.timeout.count());

    curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT, std::min(timeout, 30L));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpts.get());
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, read_upload);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(msg.message.size()));

    const CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    const core::SendResult result = classify(code, status);
    if (result != core::SendResult::Accepted) {
        log_msg(LogLevel::Warning, "reinjection %s: %s (SMTP status %ld)",
                result == core::SendResult::PermFail ? "refused" : "deferred",
                curl_easy_strerror(code), status);
    }
    return result;
}

}  // namespace mixtasy::milter
