// SPDX-License-Identifier: BSD-2-Clause
// exit_mime.cpp - see exit_mime.h.
#include "core/node/exit_mime.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/ascii.h"
#include "core/format/mail_header.h"

namespace mixtasy::core {
namespace {

constexpr std::string_view kBoundaryStem = "=_mixtasy_";
constexpr std::string_view kNoFileName = "attachment";

// ---- header fields ----------------------------------------------------------

// A header block, or nullopt when it is none (exit_headers says why for
// the message's own header; a part's is then copied as it is).
std::optional<RawHeader> read_fields(std::string_view text, const HeaderLimits& limits) {
    auto header = read_raw_header(text, limits);
    if (!header) return std::nullopt;
    return std::move(*header);
}

// ---- parameters of structured fields (RFC 2045 5.1) --------------------------

constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }

std::size_t skip_space(std::string_view s, std::size_t i) {
    while (i < s.size() && ascii::is_space(s[i])) ++i;
    return i;
}

struct Param {
    std::size_t begin = 0;  // the value as written, quotes included
    std::size_t end = 0;
    std::string value;  // unquoted
};

Param read_value(std::string_view raw, std::size_t at) {
    Param p{at, at, {}};
    if (at < raw.size() && raw[at] == '"') {
        std::size_t i = at + 1;
        for (; i < raw.size() && raw[i] != '"'; ++i) {
            if (raw[i] == '\\' && i + 1 < raw.size()) ++i;
            p.value.push_back(raw[i]);
        }
        p.end = std::min(raw.size(), i + 1);
        return p;
    }
    std::size_t i = at;
    while (i < raw.size() && raw[i] != ';' && !ascii::is_space(raw[i])) ++i;
    p.end = i;
    p.value = std::string(raw.substr(at, i - at));
    return p;
}

// The parameter `name` after a ';' outside quotes, or nullopt.
std::optional<Param> find_param(std::string_view raw, std::string_view name) {
    bool quoted = false;
    for (std::size_t i = 0; i < raw.size(); ++i) {
        const char c = raw[i];
        if (quoted) {
            if (c == '\\') ++i;
            else if (c == '"') quoted = false;
            continue;
        }
        if (c == '"') quoted = true;
        if (c != ';') continue;
        std::size_t p = skip_space(raw, i + 1);
        if (!ascii::istarts_with(raw.substr(p), name)) continue;
        p = skip_space(raw, p + name.size());
        if (p >= raw.size() || raw[p] != '=') continue;
        return read_value(raw, skip_space(raw, p + 1));
    }
    return std::nullopt;
}

std::string quoted(std::string_view value) {
    std::string out = "\"";
    for (char c : value) {
        if (c == '"' || c == '\\') out.push_back('\\');
        out.push_back(c);
    }
    out.push_back('"');
    return out;
}

std::string with_param(const std::string& raw, const Param& p, std::string_view value) {
    return raw.substr(0, p.begin) + quoted(value) + raw.substr(p.end);
}

// "multipart/mixed" out of "Content-Type: Multipart/Mixed; ...".
std::string media_type(std::string_view raw) {
    std::string_view v = raw.substr(std::min(raw.size(), raw.find(':') + 1));
    v = v.substr(0, v.find(';'));
    return ascii::lower(ascii::trim(v));
}

std::string file_name_only(std::string_view path) {
    const std::size_t slash = path.find_last_of("/\\");
    std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    return name.empty() ? std::string(kNoFileName) : std::string(name);
}

bool contains_ignoring_case(std::string_view text, std::string_view needle) {
    for (std::size_t i = 0; i + needle.size() <= text.size(); ++i) {
        if (ascii::lower(text[i]) == needle.front() && ascii::istarts_with(text.substr(i), needle))
            return true;
    }
    return false;
}

// ---- boundaries ---------------------------------------------------------------

struct Delimiter {
    std::string line;  // rewritten, with the original line end
    bool closing = false;
};

// The boundaries met so far and their neutral names.  A neutral name is
// "=_mixtasy_<n>" for the smallest n whose digits begin no digit run that
// follows the stem anywhere in the message, so the name occurs nowhere in
// it (RFC 2046 5.1.1), also not as a prefix of a longer line.
class Boundaries {
public:
    Boundaries(std::string_view text, std::size_t max) : max_(max) {
        for (std::size_t at = text.find(kBoundaryStem); at != std::string_view::npos;
             at = text.find(kBoundaryStem, at + 1)) {
            std::size_t end = at + kBoundaryStem.size();
            while (end < text.size() && is_digit(text[end])) ++end;
            taken_.emplace_back(
                text.substr(at + kBoundaryStem.size(), end - at - kBoundaryStem.size()));
        }
        std::sort(taken_.begin(), taken_.end());
    }

    // The neutral name for `old`, or nullopt past the limit.
    std::optional<std::string> add(std::string old) {
        if (old.empty() || names_.size() >= max_) return std::nullopt;
        std::string name;
        do {
            name = std::string(kBoundaryStem) + std::to_string(next_++);
        } while (!free(name.substr(kBoundaryStem.size())));
        names_.emplace_back(std::move(old), name);
        return name;
    }

    std::optional<Delimiter> delimiter(std::string_view line) const {
        const std::size_t content = line.find_last_not_of("\r\n") + 1;
        const std::string_view eol = line.substr(content);
        std::string_view text = line.substr(0, content);
        while (!text.empty() && ascii::is_blank(text.back())) text.remove_suffix(1);
        if (!text.starts_with("--")) return std::nullopt;
        text.remove_prefix(2);
        for (const auto& [old, name] : names_) {
            if (text == old) return Delimiter{"--" + name + std::string(eol), false};
            if (text.size() == old.size() + 2 && text.starts_with(old) && text.ends_with("--"))
                return Delimiter{"--" + name + "--" + std::string(eol), true};
        }
        return std::nullopt;
    }

private:
    // No digit run after the stem begins with `digits`.
    bool free(const std::string& digits) const {
        auto it = std::lower_bound(taken_.begin(), taken_.end(), digits);
        return it == taken_.end() || !it->starts_with(digits);
    }

    std::size_t max_;
    std::vector<std::string> taken_;
    std::vector<std::pair<std::string, std::string>> names_;  // old, neutral
    std::size_t next_ = 1;
};

// One field with its boundary renamed and its file names cut to the name.
std::string rewrite_field(const RawField& f, Boundaries& boundaries) {
    std::string raw = f.raw;
    if (f.name == "content-type") {
        if (media_type(raw).starts_with("multipart/")) {
            if (auto b = find_param(raw, "boundary")) {
                if (auto name = boundaries.add(b->value)) raw = with_param(raw, *b, *name);
            }
        }
        if (auto n = find_param(raw, "name")) raw = with_param(raw, *n, file_name_only(n->value));
    } else if (f.name == "content-disposition") {
        if (auto n = find_param(raw, "filename"))
            raw = with_param(raw, *n, file_name_only(n->value));
    }
    return raw;
}

// The part header at `pos` rewritten into `out`; returns where its body
// starts, or `pos` when it is no header (then it is copied as it is).
std::size_t rewrite_part_header(std::string_view body, std::size_t pos, Boundaries& boundaries,
                                const HeaderLimits& limits, std::string& out) {
    const auto block = read_fields(body.substr(pos), limits);
    if (!block) return pos;
    for (const RawField& f : block->fields) out.append(rewrite_field(f, boundaries)).append("\r\n");
    out.append("\r\n");
    return pos + block->body_offset;
}

std::string rewrite_body(std::string_view body, Boundaries& boundaries, bool part_headers,
                         const HeaderLimits& limits) {
    std::string out;
    out.reserve(body.size() + 256);
    std::size_t pos = 0;
    while (pos < body.size()) {
        const std::size_t eol = body.find('\n', pos);
        const std::size_t next = eol == std::string_view::npos ? body.size() : eol + 1;
        const std::string_view line = body.substr(pos, next - pos);
        pos = next;
        const auto delimiter = boundaries.delimiter(line);
        if (!delimiter) {
            out.append(line);
            continue;
        }
        out.append(delimiter->line);
        if (part_headers && !delimiter->closing)
            pos = rewrite_part_header(body, pos, boundaries, limits, out);
    }
    return out;
}

}  // namespace

Bytes normalise_original(ByteView original, std::string_view recipient, const HeaderLimits& limits,
                         const MimeLimits& mime) {
    const std::string_view text = as_chars(original);
    std::optional<RawHeader> header;
    if (original.size() <= limits.max_message_bytes) header = read_fields(text, limits);
    if (!header) return Bytes(original.begin(), original.end());  // exit_headers says why

    Boundaries boundaries(text, mime.max_boundaries);
    std::string out;
    out.reserve(original.size() + 256);
    bool wrote_to = false;
    bool signed_message = false;
    for (const RawField& f : header->fields) {
        if (f.name == "to" || f.name == "cc") {
            // The one recipient where the first To was; no other.
            if (f.name == "to" && !wrote_to) out.append("To: ").append(recipient).append("\r\n");
            wrote_to = wrote_to || f.name == "to";
            continue;
        }
        if (f.name == "content-type" && media_type(f.raw) == "multipart/signed")
            signed_message = true;
        out.append(rewrite_field(f, boundaries)).append("\r\n");
    }
    out.append("\r\n");
    const std::string_view body = text.substr(header->body_offset);
    signed_message = signed_message || contains_ignoring_case(body, "multipart/signed");
    out.append(rewrite_body(body, boundaries, !signed_message, limits));
    return Bytes(out.begin(), out.end());
}

}  // namespace mixtasy::core
