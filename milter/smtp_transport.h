// SPDX-License-Identifier: BSD-2-Clause
// smtp_transport.h - core::Transport over SMTP (libcurl) to the MTA's
// reinjection listener, the one without milters (Postfix: a 127.0.0.1:10026
// smtpd with `-o smtpd_milters= -o non_smtpd_milters=`; Sendmail: a
// DaemonPortOptions port without filters).
//
// CONTRACT
//   send(msg)  one SMTP transaction: MAIL FROM:<msg.envelope_from> (empty:
//              the null sender), RCPT TO:<msg.recipient>, DATA msg.message
//              (libcurl dot-stuffs it).  Returns
//                Accepted  only after the 250 reply to the end of DATA,
//                TempFail  4xx at any step, connection failure, timeout,
//                PermFail  5xx at any step.
//              STARTTLS is used when the server offers it (CURLUSESSL_TRY)
//              and the certificate is verified then; a listener on loopback
//              should simply not offer it.  The connection is kept for the
//              next message of the round.  Thread-safe (one send at a time).
//              The EHLO name is libcurl's: the URL path if given
//              (smtp://127.0.0.1:10026/mix.example), else the host name.
//
// REFUSES: recipients or senders with CR, LF or angle brackets (PermFail,
// without connecting): they could inject SMTP commands.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <string>

#include "core/ports/transport.h"

namespace mixtasy::milter {

struct SmtpTransportOptions {
    std::string url = "smtp://127.0.0.1:10026";
    std::chrono::seconds timeout{60};
};

class SmtpTransport final : public core::Transport {
public:
    explicit SmtpTransport(SmtpTransportOptions options);
    ~SmtpTransport() override;
    SmtpTransport(const SmtpTransport&) = delete;
    SmtpTransport& operator=(const SmtpTransport&) = delete;

    core::SendResult send(const core::OutgoingMessage& msg) override;

private:
    struct CurlHandle;
    SmtpTransportOptions options_;
    std::mutex mutex_;
    std::unique_ptr<CurlHandle> handle_;
};

// True when an address may be put in an SMTP command as is.
bool is_safe_smtp_address(std::string_view address);

}  // namespace mixtasy::milter
