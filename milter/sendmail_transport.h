// SPDX-License-Identifier: BSD-2-Clause
// sendmail_transport.h - core::Transport through the MTA's sendmail binary
// (`ReinjectURL sendmail:/usr/sbin/sendmail`), for sites without a
// milter-free SMTP listener.  Postfix's sendmail(1) goes through pickup,
// which does not run smtpd_milters; set non_smtpd_milters empty.
//
// CONTRACT
//   send(msg)  runs `PATH -i -f FROM -- RCPT` (no shell), writes the message
//              on its standard input and waits, at most `timeout`, for it to
//              exit.  Exit 0 -> Accepted; EX_TEMPFAIL (75), signals,
//              timeouts, other failures -> TempFail; EX_USAGE..EX_NOPERM
//              except 75 (64-77) -> PermFail.  SIGPIPE from an early exit
//              of the child is blocked in the calling thread and drained.
//
// REFUSES: addresses with CR/LF/NUL or starting with '-' (PermFail), so no
// address can become an option.
#pragma once

#include <chrono>
#include <string>

#include "core/ports/transport.h"

namespace mixtasy::milter {

class SendmailTransport final : public core::Transport {
public:
    SendmailTransport(std::string path, std::chrono::seconds timeout);
    core::SendResult send(const core::OutgoingMessage& msg) override;

private:
    std::string path_;
    std::chrono::seconds timeout_;
};

}  // namespace mixtasy::milter
