// SPDX-License-Identifier: BSD-2-Clause
#include "milter/setup/postfix_snippets.h"

#include <optional>
#include <utility>

#include "common/ascii.h"

namespace mixtasy::milter::setup {
namespace {

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::vector<std::string> split_fields(std::string_view s) {
    std::vector<std::string> fields;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && is_blank(s[i])) ++i;
        const std::size_t start = i;
        while (i < s.size() && !is_blank(s[i])) ++i;
        if (i > start) fields.emplace_back(s.substr(start, i - start));
    }
    return fields;
}

// One logical line of a snippet: its first physical line number, its text,
// and whether it is a continuation (started with white space).
struct Line {
    std::size_t number;
    std::string_view text;
    bool continuation;
};

Expected<std::vector<Line>, SnippetError> lines_of(std::string_view text) {
    if (text.size() > kMaxSnippetBytes) {
        return Unexpected{
            SnippetError{0, "larger than " + std::to_string(kMaxSnippetBytes) + " bytes"}};
    }
    std::vector<Line> lines;
    std::size_t number = 0;
    while (!text.empty()) {
        ++number;
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        text = end == std::string_view::npos ? std::string_view{} : text.substr(end + 1);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.size() > kMaxSnippetLine) return Unexpected{SnippetError{number, "line too long"}};
        const std::string_view trimmed = ascii::trim_space(line);
        if (trimmed.empty() || trimmed.front() == '#') continue;
        lines.push_back({number, trimmed, is_blank(line.front())});
    }
    return lines;
}

}  // namespace

std::string MasterEntry::line() const {
    std::string s;
    for (const std::string& f : fields) s += (s.empty() ? "" : " ") + f;
    return s;
}

std::vector<std::string> split_postfix_list(std::string_view value) {
    std::vector<std::string> items;
    std::string item;
    int depth = 0;  // inside Postfix 3's { name, option=value } item
    for (char c : value) {
        if (c == '{') ++depth;
        if (c == '}' && depth > 0) --depth;
        const bool separator = c == ',' || is_blank(c) || c == '\n';
        if (separator && depth == 0) {
            if (!item.empty()) items.push_back(std::move(item));
            item.clear();
        } else {
            item += c;
        }
    }
    if (!item.empty()) items.push_back(std::move(item));
    return items;
}

Expected<std::vector<MainSetting>, SnippetError> parse_main_snippet(std::string_view text) {
    auto lines = lines_of(text);
    if (!lines) return Unexpected{lines.error()};
    std::vector<MainSetting> settings;
    for (const Line& l : *lines) {
        if (l.continuation) {
            if (settings.empty())
                return Unexpected{SnippetError{l.number, "continuation before any setting"}};
            settings.back().value += " " + std::string(l.text);
            continue;
        }
        const std::size_t eq = l.text.find('=');
        if (eq == std::string_view::npos)
            return Unexpected{SnippetError{l.number, "expected name = value"}};
        const std::string_view name = ascii::trim_space(l.text.substr(0, eq));
        if (name.empty() || split_fields(name).size() != 1) {
            return Unexpected{SnippetError{l.number, "expected one parameter name before '='"}};
        }
        if (settings.size() == kMaxSnippetEntries)
            return Unexpected{SnippetError{l.number, "too many settings"}};
        settings.push_back(
            {std::string(name), std::string(ascii::trim_space(l.text.substr(eq + 1)))});
    }
    return settings;
}

namespace {

// One "-o name=value" line, or Postfix 3's "-o { name = value }" whose
// value may hold blanks (a per-milter list with default_action).
std::optional<std::pair<std::string, std::string>> master_option(std::string_view text) {
    const std::vector<std::string> fields = split_fields(text);
    if (fields.size() < 2 || fields[0] != "-o") return std::nullopt;
    std::string_view rest = text.substr(text.find("-o") + 2);
    rest = ascii::trim_space(rest);
    if (!rest.empty() && rest.front() == '{') {
        if (rest.back() != '}') return std::nullopt;
        rest = ascii::trim_space(rest.substr(1, rest.size() - 2));
    } else if (fields.size() != 2) {
        return std::nullopt;
    }
    const std::size_t eq = rest.find('=');
    if (eq == std::string_view::npos) return std::nullopt;
    const std::string_view name = ascii::trim_space(rest.substr(0, eq));
    if (name.empty() || split_fields(name).size() != 1) return std::nullopt;
    return std::pair{std::string(name), std::string(ascii::trim_space(rest.substr(eq + 1)))};
}

}  // namespace

Expected<std::vector<MasterEntry>, SnippetError> parse_master_snippet(std::string_view text) {
    auto lines = lines_of(text);
    if (!lines) return Unexpected{lines.error()};
    std::vector<MasterEntry> entries;
    for (const Line& l : *lines) {
        std::vector<std::string> fields = split_fields(l.text);
        if (!l.continuation) {
            if (fields.size() < 8)
                return Unexpected{SnippetError{l.number, "a service line has 8 fields"}};
            if (entries.size() == kMaxSnippetEntries)
                return Unexpected{SnippetError{l.number, "too many services"}};
            // Fields past the 8th are the command's arguments: keep them in
            // the command field, as postconf -M prints it.
            for (std::size_t i = 8; i < fields.size(); ++i) fields[7] += " " + fields[i];
            fields.resize(8);
            entries.push_back({fields[0], fields[1], fields, {}});
            continue;
        }
        if (entries.empty())
            return Unexpected{SnippetError{l.number, "continuation before any service"}};
        auto option = master_option(l.text);
        if (!option)
            return Unexpected{
                SnippetError{l.number, "expected -o name=value or -o { name = value }"}};
        if (entries.back().options.size() == kMaxSnippetEntries) {
            return Unexpected{SnippetError{l.number, "too many options"}};
        }
        entries.back().options.push_back(std::move(*option));
    }
    return entries;
}

}  // namespace mixtasy::milter::setup
