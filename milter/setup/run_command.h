// SPDX-License-Identifier: BSD-2-Clause
// run_command.h - run one program with an argument vector, no shell.
//
// Guarantees: the program is exec'd directly (execvp), so no argument is
// ever interpreted by a shell; its standard output and standard error are
// captured (each up to kMaxCommandOutput bytes, the rest read and dropped,
// so a chatty program cannot block or grow us); standard input is
// /dev/null.  Refuses an empty argv.  The caller checks `status`: 0 is
// success, 127 "could not exec", -1 "killed by a signal or fork failed".
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mixtasy::milter::setup {

inline constexpr std::size_t kMaxCommandOutput = 1024 * 1024;

struct CommandResult {
    int status = -1;
    std::string out;  // standard output
    std::string err;  // standard error
};

CommandResult run_command(const std::vector<std::string>& argv);

// "postconf -c /etc/postfix -e a=b" for messages: the argv joined by blanks.
std::string describe(const std::vector<std::string>& argv);

}  // namespace mixtasy::milter::setup
