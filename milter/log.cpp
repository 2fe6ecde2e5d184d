// SPDX-License-Identifier: BSD-2-Clause
// log.cpp - syslog or stderr sink with an atomic level filter.
#include "milter/log.h"

#include <array>
#include <atomic>
#include <cstdarg>
#include <cstdio>
#include <mutex>
#include <syslog.h>
#include <utility>

#include "common/ascii.h"

namespace mixtasy::milter {
namespace {

std::atomic<int> g_level{static_cast<int>(LogLevel::Info)};
std::atomic<bool> g_syslog{false};
std::mutex g_stderr_mutex;
std::string g_ident = "mixtasy-milter";  // openlog keeps the pointer: must live forever
std::atomic<bool> g_capturing{false};
LogSink g_capture;  // guarded by g_stderr_mutex

int syslog_priority(LogLevel level) {
    switch (level) {
        case LogLevel::Error: return LOG_ERR;
        case LogLevel::Warning: return LOG_WARNING;
        case LogLevel::Notice: return LOG_NOTICE;
        case LogLevel::Info: return LOG_INFO;
        case LogLevel::Debug: return LOG_DEBUG;
    }
    return LOG_INFO;
}

}  // namespace

bool parse_log_level(std::string_view text, LogLevel& out) {
    static constexpr std::array levels{LogLevel::Error, LogLevel::Warning, LogLevel::Notice,
                                       LogLevel::Info, LogLevel::Debug};
    for (LogLevel l : levels) {
        if (ascii::iequals(text, core::to_string(l))) {
            out = l;
            return true;
        }
    }
    return false;
}

bool parse_syslog_facility(std::string_view text, int& out) {
    static constexpr std::array<std::pair<const char*, int>, 11> facilities{{
        {"mail", LOG_MAIL},
        {"daemon", LOG_DAEMON},
        {"user", LOG_USER},
        {"local0", LOG_LOCAL0},
        {"local1", LOG_LOCAL1},
        {"local2", LOG_LOCAL2},
        {"local3", LOG_LOCAL3},
        {"local4", LOG_LOCAL4},
        {"local5", LOG_LOCAL5},
        {"local6", LOG_LOCAL6},
        {"local7", LOG_LOCAL7},
    }};
    for (const auto& [name, value] : facilities) {
        if (ascii::iequals(text, name)) {
            out = value;
            return true;
        }
    }
    return false;
}

void log_init(const LogTarget& target) {
    g_level.store(static_cast<int>(target.level));
    if (target.use_syslog) {
        closelog();
        // Called before any worker thread exists and on reload with the same
        // ident; the string is never freed while syslog may read it.
        static std::string ident_storage;
        ident_storage = target.ident;
        openlog(ident_storage.c_str(), LOG_PID | LOG_NDELAY, target.syslog_facility);
    }
    g_syslog.store(target.use_syslog);
}

void log_set_level(LogLevel level) { g_level.store(static_cast<int>(level)); }

// Enabled when at least as severe as the threshold: core's order rises
// with severity.
bool log_enabled(LogLevel level) { return static_cast<int>(level) >= g_level.load(); }

void log_msg(LogLevel level, const char* format, ...) {
    if (!log_enabled(level)) return;
    std::array<char, 1024> line{};
    va_list args;
    va_start(args, format);
    std::vsnprintf(line.data(), line.size(), format, args);
    va_end(args);
    if (g_capturing.load()) {
        std::lock_guard lock(g_stderr_mutex);
        if (g_capture) {
            g_capture(level, line.data());
            return;
        }
    }
    if (g_syslog.load()) {
        syslog(syslog_priority(level), "%s", line.data());
        return;
    }
    std::lock_guard lock(g_stderr_mutex);
    std::fprintf(stderr, "%s: %s: %s\n", g_ident.c_str(), core::to_string(level), line.data());
}

void log_capture(LogSink sink) {
    std::lock_guard lock(g_stderr_mutex);
    g_capture = std::move(sink);
    g_capturing.store(static_cast<bool>(g_capture));
}

}  // namespace mixtasy::milter
