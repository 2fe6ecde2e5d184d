// SPDX-License-Identifier: BSD-2-Clause
// kill_victim.h - what every program that a kill test SIGKILLs at random
// moments (store/kill_writer, store/parts_kill_writer, core/exit_kill_sender)
// needs to report to its test.
//
// write_all(fd, text) writes all of text with write(2), retrying short
// writes; say(line) does it on stdout, which the test reads to know how far
// the victim got.  store_failure(program, what, error) prints one line on
// stderr and returns 2, the exit code every victim uses for a store failure.
#pragma once

#include <cstdio>
#include <string>
#include <unistd.h>

#include "store/error.h"

namespace mixtasy::testing {

inline bool write_all(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

inline bool say(const std::string& line) { return write_all(STDOUT_FILENO, line); }

inline int store_failure(const char* program, const char* what, const store::StoreError& error) {
    std::fprintf(stderr, "%s: %s: %s: %s\n", program, what, to_string(error.code),
                 error.detail.c_str());
    return 2;
}

}  // namespace mixtasy::testing
