// SPDX-License-Identifier: BSD-2-Clause
// log.h - core's logging: one line per event, levels, a replaceable sink.
//
// WHAT IT DOES
//   log(level, line) hands one line to the current sink if level is at or
//   above the threshold.  The default sink writes "mixtasy: <level>: line" to
//   stderr; the milter installs a syslog sink (facility mail) at startup,
//   tests install a capturing one.
//
// WHAT IT GUARANTEES
//   - Thread-safe: any thread may log while another replaces the sink.
//   - Never throws: a sink that throws is caught and the line is dropped.
//   - One LogLevel for the tree, rising with severity; the milter's own
//     logging uses it too and only maps it to syslog priorities.
//
// WHAT IT REFUSES (by convention, enforced in review)
//   Lines never carry message content, and never put an incoming envelope
//   sender next to a next hop or a final recipient.  Callers log fixed
//   tokens, counts and pool ids.
#pragma once

#include <functional>
#include <string_view>

namespace mixtasy::core {

enum class LogLevel { Debug, Info, Notice, Warning, Error };

using LogSink = std::function<void(LogLevel, std::string_view line)>;

// Replace the sink; an empty function restores the stderr default.
void set_log_sink(LogSink sink);
// Lines below `level` are dropped before reaching the sink (default Info).
void set_log_level(LogLevel level);
void log(LogLevel level, std::string_view line);

const char* to_string(LogLevel level) noexcept;

}  // namespace mixtasy::core
