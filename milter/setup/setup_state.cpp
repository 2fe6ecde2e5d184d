// SPDX-License-Identifier: BSD-2-Clause
#include "milter/setup/setup_state.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <map>
#include <unistd.h>

#include <fstream>
#include <sstream>

namespace mixtasy::milter::setup {
namespace {

// Fields after the kind, by kind.
const std::map<std::string, std::size_t> kFieldCount{
    {"set", 4}, {"append", 3}, {"prepend", 3}, {"master", 1}, {"option", 5}, {"mcblock", 1}, {"cf", 2}, {"dir", 1}, {"file", 1}};

std::string errno_text(const std::string& what) { return what + ": " + std::strerror(errno); }

bool clean(const std::string& s) { return s.find_first_of("\t\r\n") == std::string::npos; }

Expected<Change, std::string> parse_line(const std::string& line, std::size_t number) {
    Change c;
    std::size_t start = 0;
    std::vector<std::string> parts;
    for (std::size_t tab; (tab = line.find('\t', start)) != std::string::npos; start = tab + 1) {
        parts.push_back(line.substr(start, tab - start));
    }
    parts.push_back(line.substr(start));
    auto count = kFieldCount.find(parts[0]);
    if (count == kFieldCount.end() || parts.size() != count->second + 1) {
        return Unexpected{"line " + std::to_string(number) + ": not a setup change"};
    }
    c.kind = parts[0];
    c.fields.assign(parts.begin() + 1, parts.end());
    return c;
}

}  // namespace

Expected<SetupState, std::string> SetupState::load(const std::string& path) {
    SetupState state;
    state.path_ = path;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        if (errno == ENOENT) return state;
        return Unexpected{errno_text(path)};
    }
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (text.size() > kMaxStateBytes) return Unexpected{path + ": larger than 1 MiB"};
    std::istringstream lines(text);
    std::size_t number = 0;
    for (std::string line; std::getline(lines, line);) {
        ++number;
        if (line.empty()) continue;
        auto change = parse_line(line, number);
        if (!change) return Unexpected{path + ": " + change.error()};
        state.changes_.push_back(std::move(*change));
    }
    return state;
}

bool SetupState::has(const std::string& kind, const std::string& first) const {
    for (const Change& c : changes_) {
        if (c.kind == kind && !c.fields.empty() && c.fields[0] == first) return true;
    }
    return false;
}

Expected<void, std::string> SetupState::record(Change change) {
    auto count = kFieldCount.find(change.kind);
    if (count == kFieldCount.end() || change.fields.size() != count->second) {
        return Unexpected{"internal: bad change " + change.kind};
    }
    for (const std::string& f : change.fields) {
        if (!clean(f)) return Unexpected{"a value with TAB or a line break cannot be recorded: " + f};
    }
    changes_.push_back(std::move(change));
    return save();
}

Expected<void, std::string> SetupState::save() const {
    std::string text;
    for (const Change& c : changes_) {
        text += c.kind;
        for (const std::string& f : c.fields) text += "\t" + f;
        text += "\n";
    }
    const std::string tmp = path_ + ".tmp";
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600);
    if (fd < 0) return Unexpected{errno_text(tmp)};
    const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) &&
                         ::fsync(fd) == 0;
    ::close(fd);
    if (!written || ::rename(tmp.c_str(), path_.c_str()) != 0) {
        ::unlink(tmp.c_str());
        return Unexpected{errno_text(path_)};
    }
    return {};
}

Expected<void, std::string> SetupState::remove() const {
    if (::unlink(path_.c_str()) != 0 && errno != ENOENT) return Unexpected{errno_text(path_)};
    return {};
}

}  // namespace mixtasy::milter::setup
