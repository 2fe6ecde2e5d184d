// SPDX-License-Identifier: BSD-2-Clause
// log.h - the daemon's one logging channel: syslog (facility from the
// configuration) or stderr in the foreground, with a level filter.
//
// CONTRACT
//   log_init(target)     chooses the sink; callable again on reload.
//   log_set_level(l)     messages less severe than l are dropped (cheap
//                        check first).  LogLevel is core's (ports/log.h);
//                        this module only maps it to syslog priorities.
//   log_msg(level, ...)  printf-style, one line, thread-safe.
//   log_capture(sink)    tests: lines that pass the filter go to sink
//                        instead of syslog or stderr; an empty sink ends
//                        the capture.
//
// PRIVACY RULE (shared/DESIGN.md, brief): no line may carry an incoming
// envelope sender or client address together with a next hop or a final
// recipient, nor share a queue ID with one.  Callers log decisions and
// reasons, never addresses of mix traffic; this module cannot check that,
// so it offers no helper that formats an Envelope.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "core/ports/log.h"

namespace mixtasy::milter {

using LogLevel = core::LogLevel;  // Debug < Info < Notice < Warning < Error

struct LogTarget {
    bool use_syslog = false;  // false: stderr
    int syslog_facility = 0;  // LOG_MAIL and friends (syslog.h)
    std::string ident = "mixtasy-milter";
    LogLevel level = LogLevel::Info;
};

// Parses "error", "warning", "notice", "info", "debug"; false on anything else.
bool parse_log_level(std::string_view text, LogLevel& out);
// Parses a syslog facility name ("mail", "daemon", "local0".."local7", "user").
bool parse_syslog_facility(std::string_view text, int& out);

void log_init(const LogTarget& target);
void log_set_level(LogLevel level);
bool log_enabled(LogLevel level);
void log_msg(LogLevel level, const char* format, ...) __attribute__((format(printf, 2, 3)));

using LogSink = std::function<void(LogLevel, std::string_view)>;
void log_capture(LogSink sink);

}  // namespace mixtasy::milter
