// SPDX-License-Identifier: BSD-2-Clause
// postfix_snippets.h - read conf/postfix-main.cf.snippet and
// conf/postfix-master.cf.snippet as data for `mixtasy-milter setup postfix`.
//
// The snippets are the one place the MTA wiring is written down (engineers
// and admins edit them); setup never hard-codes their lines.  Parsing is
// the Postfix syntax, bounded:
//   main.cf     "name = value" lines; '#' lines and blank lines skipped;
//               a line starting with white space continues the previous one.
//   master.cf   a service line of 8 fields ("127.0.0.1:10026 inet n - y - -
//               smtpd"), then continuation lines "  -o name=value".
// Refuses (typed error with the line number): a file over kMaxSnippetBytes,
// a line over kMaxSnippetLine, a main.cf line without '=', a master.cf
// service line with fewer than 8 fields, a continuation that is not
// "-o name=value", a continuation before any line, more than
// kMaxSnippetEntries entries.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/expected.h"

namespace mixtasy::milter::setup {

inline constexpr std::size_t kMaxSnippetBytes = 64 * 1024;
inline constexpr std::size_t kMaxSnippetLine = 4096;
inline constexpr std::size_t kMaxSnippetEntries = 256;

struct SnippetError {
    std::size_t line = 0;  // 1-based; 0 for the file as a whole
    std::string message;
};

struct MainSetting {
    std::string name;
    std::string value;  // may be empty ("non_smtpd_milters =")
};

struct MasterEntry {
    std::string service;              // "127.0.0.1:10026"
    std::string type;                 // "inet"
    std::vector<std::string> fields;  // all 8 fields of the service line, in order
    std::vector<std::pair<std::string, std::string>> options;  // -o name=value

    std::string key() const { return service + "/" + type; }  // postconf -M's name
    std::string line() const;                                 // the fields joined by blanks
};

Expected<std::vector<MainSetting>, SnippetError> parse_main_snippet(std::string_view text);
Expected<std::vector<MasterEntry>, SnippetError> parse_master_snippet(std::string_view text);

// The items of a Postfix list value ("a, b c" -> a, b, c); a braced item
// ("{ inet:x, default_action=accept }") is one item, blanks and all.
std::vector<std::string> split_postfix_list(std::string_view value);

}  // namespace mixtasy::milter::setup
