// SPDX-License-Identifier: BSD-2-Clause
// log.cpp - the process-wide sink behind core/ports/log.h.
#include "core/ports/log.h"

#include <atomic>
#include <cstdio>
#include <mutex>
#include <string>

namespace mixtasy::core {
namespace {

std::mutex sink_mutex;
LogSink current_sink;  // empty: stderr
std::atomic<int> threshold{static_cast<int>(LogLevel::Info)};

void write_stderr(LogLevel level, std::string_view line) {
    std::fprintf(stderr, "mixtasy: %s: %.*s\n", to_string(level), static_cast<int>(line.size()),
                 line.data());
}

}  // namespace

void set_log_sink(LogSink sink) {
    std::lock_guard lock(sink_mutex);
    current_sink = std::move(sink);
}

void set_log_level(LogLevel level) { threshold.store(static_cast<int>(level)); }

void log(LogLevel level, std::string_view line) {
    if (static_cast<int>(level) < threshold.load()) return;
    try {
        // The lock serialises lines from many threads, so a sink need not
        // be thread-safe itself.
        std::lock_guard lock(sink_mutex);
        if (current_sink) {
            current_sink(level, line);
        } else {
            write_stderr(level, line);
        }
    } catch (...) {
        // A broken sink must not take the mix down; the line is lost.
    }
}

const char* to_string(LogLevel level) noexcept {
    switch (level) {
        case LogLevel::Debug: return "debug";
        case LogLevel::Info: return "info";
        case LogLevel::Notice: return "notice";
        case LogLevel::Warning: return "warning";
        case LogLevel::Error: return "error";
    }
    return "unknown";
}

}  // namespace mixtasy::core
