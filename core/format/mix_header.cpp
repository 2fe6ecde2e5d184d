// mix_header.cpp - see mix_header.h.
#include "core/format/mix_header.h"

#include <algorithm>

#include "core/format/mix_format.h"

namespace mixtasy::core {
namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool is_blank(char c) { return c == ' ' || c == '\t'; }

std::string_view trim(std::string_view s) {
    while (!s.empty() && is_blank(s.front())) s.remove_prefix(1);
    while (!s.empty() && is_blank(s.back())) s.remove_suffix(1);
    return s;
}

// RFC 5322 ftext: printable US-ASCII except colon.
bool is_field_name(std::string_view name) {
    if (name.empty()) return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return c >= 33 && c <= 126 && c != ':';
    });
}

// Header bytes must be 7-bit and free of NUL and stray CR.
bool is_clean_line(std::string_view line) {
    return std::all_of(line.begin(), line.end(), [](char c) {
        auto u = static_cast<unsigned char>(c);
        return u != 0 && u != '\r' && u < 128;
    });
}

struct Line {
    std::string_view text;  // without its line end
    std::size_t next;       // offset just after its line end
};

// The line starting at `pos`, or an error if it does not end within `limit`
// bytes of the message start or is longer than `max_line`.
Expected<Line, FormatError> next_line(std::string_view msg, std::size_t pos, std::size_t limit,
                                      std::size_t max_line) {
    const std::size_t window_end = std::min(msg.size(), limit);
    const std::size_t lf = msg.substr(0, window_end).find('\n', pos);
    if (lf == std::string_view::npos || lf >= window_end) {
        if (window_end - pos > max_line) return Unexpected{FormatError::HeaderLineTooLong};
        return Unexpected{msg.size() > limit ? FormatError::HeaderTooLarge
                                             : FormatError::HeaderTruncated};
    }
    std::size_t end = lf;
    if (end > pos && msg[end - 1] == '\r') --end;
    if (end - pos > max_line) return Unexpected{FormatError::HeaderLineTooLong};
    return Line{msg.substr(pos, end - pos), lf + 1};
}

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (lower(a[i]) != lower(b[i])) return false;
    }
    return true;
}

const std::string* MixHeader::find(std::string_view name) const {
    for (const auto& f : fields) {
        if (iequals(f.name, name)) return &f.value;
    }
    return nullptr;
}

std::size_t MixHeader::count(std::string_view name) const {
    return static_cast<std::size_t>(std::count_if(
        fields.begin(), fields.end(), [&](const HeaderField& f) { return iequals(f.name, name); }));
}

void MixHeader::set(std::string_view name, std::string value) {
    std::erase_if(fields, [&](const HeaderField& f) { return iequals(f.name, name); });
    fields.push_back({std::string(name), std::move(value)});
}

Expected<ParsedHeader, FormatError> parse_mix_header(ByteView message, const MixHeaderLimits& limits) {
    const std::string_view msg = as_chars(message);
    ParsedHeader out;
    std::size_t pos = 0;
    bool first = true;
    while (true) {
        auto line = next_line(msg, pos, limits.max_header_bytes, limits.max_line_bytes);
        if (!line) return Unexpected{line.error()};
        const std::string_view text = line->text;
        pos = line->next;
        if (text.empty()) {
            if (first) return Unexpected{FormatError::HeaderBadLine};  // no header at all
            out.body_offset = pos;
            return out;
        }
        if (!is_clean_line(text)) return Unexpected{FormatError::HeaderBadLine};
        if (is_blank(text.front())) {  // folded continuation of the previous field
            if (out.header.fields.empty()) return Unexpected{FormatError::HeaderBadLine};
            auto& value = out.header.fields.back().value;
            const auto more = trim(text);
            if (!more.empty()) {
                if (!value.empty()) value += ' ';
                value += more;
            }
            continue;
        }
        if (first && text.starts_with(kVerificationPrefix)) {
            out.header.verification = std::string(text.substr(kVerificationPrefix.size()));
            out.second_line_offset = pos;
            first = false;
            continue;
        }
        const std::size_t colon = text.find(':');
        if (colon == std::string_view::npos) return Unexpected{FormatError::HeaderBadLine};
        const std::string_view name = text.substr(0, colon);
        if (!is_field_name(name)) return Unexpected{FormatError::HeaderBadLine};
        if (iequals(name, "Verification")) return Unexpected{FormatError::VerificationMisplaced};
        if (out.header.fields.size() >= limits.max_fields) {
            return Unexpected{FormatError::HeaderTooManyFields};
        }
        out.header.fields.push_back({std::string(name), std::string(trim(text.substr(colon + 1)))});
        first = false;
    }
}

std::string serialize_fields(const MixHeader& header) {
    std::vector<const HeaderField*> sorted;
    sorted.reserve(header.fields.size());
    for (const auto& f : header.fields) sorted.push_back(&f);
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const HeaderField* a, const HeaderField* b) { return a->name < b->name; });
    std::string out;
    for (const auto* f : sorted) {
        out += f->name;
        out += ": ";
        out += f->value;
        out += "\r\n";
    }
    out += "\r\n";
    return out;
}

std::string serialize_mix_header(const MixHeader& header) {
    std::string out;
    if (header.verification) {
        out += kVerificationPrefix;
        out += *header.verification;
        out += "\r\n";
    }
    out += serialize_fields(header);
    return out;
}

}  // namespace mixtasy::core
