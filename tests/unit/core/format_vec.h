// SPDX-License-Identifier: BSD-2-Clause
// format_vec.h - the reader of core/format's known-answer files
// (tests/data/core/*.vec), so that a header or fields case is a few lines
// of data rather than code.
//
// WHAT IT DOES
//   read_format_vec(file) reads blocks of `key = value` lines separated by
//   blank lines, '#' lines being comments, like crypto's keys.vec.  Unlike
//   that reader, a key may repeat within a block (one line per field or
//   lookup) and the lines keep their order.  Values are unescaped, so that
//   mail text with its line ends fits on one line:
//     \r \n \t \\ \0   that byte
//     \xNN             the byte with hex value NN
//     \{N:text}        `text` (itself unescaped) repeated N times
//   A value runs from after " = " to the end of the line, blanks included;
//   a line ending in " =" gives an empty value.
//   blocks_in(file, group) gives the blocks whose `group` is `group`: each
//   TEST_CASE runs one group, so the names of the cases stay as they were.
//
// WHAT IT REFUSES
//   A line that is not a comment, blank or `key = value`; an unknown or cut
//   escape; a missing file; a group with no block: the test fails, naming
//   the file and line.
#pragma once

#include <catch2/catch.hpp>

#include <cstddef>
#include <fstream>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/format/mix_header.h"

namespace mixtasy::core::vec {

struct VecBlock {
    std::string where;  // "file:line" of the block's first line
    std::vector<std::pair<std::string, std::string>> lines;

    bool has(std::string_view key) const {
        for (const auto& [k, v] : lines) {
            if (k == key) return true;
        }
        return false;
    }
    // The first value of `key`; the test fails when there is none.
    const std::string& at(std::string_view key) const {
        for (const auto& [k, v] : lines) {
            if (k == key) return v;
        }
        FAIL(where << ": no " << key);
        throw;  // not reached
    }
    std::vector<std::string> all(std::string_view key) const {
        std::vector<std::string> out;
        for (const auto& [k, v] : lines) {
            if (k == key) out.push_back(v);
        }
        return out;
    }
    std::size_t number(std::string_view key) const { return std::stoul(at(key)); }
};

inline int hex_digit(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

inline std::string unescape(std::string_view s, const std::string& where) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '\\') {
            out += s[i];
            continue;
        }
        if (++i == s.size()) FAIL(where << ": escape cut at the end");
        switch (s[i]) {
            case 'r': out += '\r'; break;
            case 'n': out += '\n'; break;
            case 't': out += '\t'; break;
            case '0': out += '\0'; break;
            case '\\': out += '\\'; break;
            case 'x': {
                const int hi = i + 2 < s.size() ? hex_digit(s[i + 1]) : -1;
                const int lo = i + 2 < s.size() ? hex_digit(s[i + 2]) : -1;
                if (hi < 0 || lo < 0) FAIL(where << ": bad \\x escape");
                out += static_cast<char>(hi * 16 + lo);
                i += 2;
                break;
            }
            case '{': {
                const auto colon = s.find(':', i);
                const auto close = s.find('}', i);
                if (colon == std::string_view::npos || close == std::string_view::npos ||
                    close < colon) {
                    FAIL(where << ": bad \\{N:text} escape");
                }
                const std::size_t times = std::stoul(std::string(s.substr(i + 1, colon - i - 1)));
                const std::string text = unescape(s.substr(colon + 1, close - colon - 1), where);
                for (std::size_t n = 0; n < times; ++n) out += text;
                i = close;
                break;
            }
            default: FAIL(where << ": unknown escape \\" << s[i]);
        }
    }
    return out;
}

inline std::vector<VecBlock> read_format_vec(const std::string& file) {
    const std::string path = std::string(MIXTASY_TEST_DATA) + "/core/" + file;
    std::ifstream in(path, std::ios::binary);
    if (!in) FAIL("missing vector file " << path);
    std::vector<VecBlock> out;
    bool in_block = false;
    std::string line;
    for (std::size_t number = 1; std::getline(in, line); ++number) {
        if (!line.empty() && line.back() == '\r') line.pop_back();
        const std::string where = file + ":" + std::to_string(number);
        if (line.empty()) {
            in_block = false;
            continue;
        }
        if (line[0] == '#') continue;
        // "key =" at the end of a line is an empty value
        if (line.size() > 2 && line.ends_with(" =")) line += ' ';
        const auto eq = line.find(" = ");
        if (eq == std::string::npos || eq == 0) FAIL(where << ": not `key = value`: " << line);
        if (!in_block) out.push_back(VecBlock{where, {}});
        in_block = true;
        out.back().lines.emplace_back(line.substr(0, eq), unescape(line.substr(eq + 3), where));
    }
    return out;
}

// The blocks of `file` in `group`, at least one.
inline std::vector<VecBlock> blocks_in(const std::string& file, const std::string& group) {
    std::vector<VecBlock> out;
    for (auto& block : read_format_vec(file)) {
        if (block.has("group") && block.at("group") == group) out.push_back(std::move(block));
    }
    if (out.empty()) FAIL(file << " has no block in group " << group);
    return out;
}

// Every block of `file` is in one of `groups`: none is left unrun.
inline void check_groups(const std::string& file, const std::set<std::string>& groups) {
    for (const auto& block : read_format_vec(file)) {
        INFO(block.where);
        REQUIRE(block.has("group"));
        CHECK(groups.count(block.at("group")) == 1);
    }
}

// "Name: value" (one optional blank after the colon) as a header field.
inline HeaderField field_of(const std::string& line, const std::string& where) {
    const auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) FAIL(where << ": not `Name: value`: " << line);
    std::string value = line.substr(colon + 1);
    if (!value.empty() && value.front() == ' ') value.erase(0, 1);
    return HeaderField{line.substr(0, colon), value};
}

}  // namespace mixtasy::core::vec
