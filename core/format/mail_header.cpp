// SPDX-License-Identifier: BSD-2-Clause
// mail_header.cpp - see mail_header.h.
#include "core/format/mail_header.h"

#include <algorithm>

#include "common/ascii.h"

namespace mixtasy::core {
namespace {

using Code = MailHeaderError::Code;

Unexpected<MailHeaderError> fail(Code code, std::size_t offset) {
    return Unexpected{MailHeaderError{code, offset}};
}

// NUL never, a CR only as part of the line end (already removed), 8-bit
// bytes where the caller allows them.
bool clean_bytes(std::string_view line, bool allow_8bit) {
    return std::all_of(line.begin(), line.end(), [allow_8bit](char c) {
        const auto u = static_cast<unsigned char>(c);
        return u != 0 && u != '\r' && (allow_8bit || u < 0x80);
    });
}

}  // namespace

const char* to_string(MailHeaderError::Code code) noexcept {
    switch (code) {
        case Code::HeaderTooLarge: return "header-too-large";
        case Code::LineTooLong: return "header-line-too-long";
        case Code::Truncated: return "header-truncated";
        case Code::ForbiddenByte: return "forbidden-byte-in-header";
        case Code::ContinuationFirst: return "header-starts-with-continuation";
        case Code::BadFieldName: return "bad-header-field-name";
        case Code::TooManyFields: return "too-many-header-fields";
    }
    return "unknown";
}

bool is_field_name(std::string_view name) noexcept {
    if (name.empty()) return false;
    return std::all_of(name.begin(), name.end(),
                       [](char c) { return c >= 33 && c <= 126 && c != ':'; });
}

void unfold_into(std::string& value, std::string_view continuation) {
    const std::string_view more = ascii::trim(continuation);
    if (more.empty()) return;
    if (!value.empty()) value += ' ';
    value += more;
}

// ---- lines ------------------------------------------------------------------

HeaderLines::HeaderLines(std::string_view text, std::size_t max_header_bytes,
                         std::size_t max_line_bytes)
    : text_(text), window_(std::min(text.size(), max_header_bytes)), max_line_(max_line_bytes) {}

Expected<std::optional<HeaderLine>, MailHeaderError> HeaderLines::next() {
    if (pos_ == text_.size()) return std::optional<HeaderLine>{};
    const std::size_t start = pos_;
    // Search only the window: a hostile input cannot make us scan past it.
    const std::size_t lf = text_.substr(0, window_).find('\n', start);
    HeaderLine line;
    line.offset = start;
    if (lf != std::string_view::npos) {
        line.text = text_.substr(start, lf - start);
        line.next = lf + 1;
    } else if (window_ < text_.size()) {
        return fail(Code::HeaderTooLarge, start);  // the limit came before a line end
    } else {
        line.text = text_.substr(start);
        line.next = text_.size();
        line.terminated = false;
    }
    if (!line.text.empty() && line.text.back() == '\r') line.text.remove_suffix(1);
    if (line.text.size() > max_line_) return fail(Code::LineTooLong, start);
    pos_ = line.next;
    return std::optional<HeaderLine>{line};
}

// ---- tokens -----------------------------------------------------------------

HeaderLexer::HeaderLexer(std::string_view text, const MailHeaderLimits& limits)
    : lines_(text, limits.max_header_bytes, limits.max_line_bytes),
      limits_(limits),
      size_(text.size()) {}

Expected<HeaderToken, MailHeaderError> HeaderLexer::next() {
    if (end_) return *end_;
    MIXTASY_TRY(line, lines_.next());
    if (!*line) {
        // The input ended where the next line would start.
        if (!limits_.allow_header_only) return fail(Code::Truncated, size_);
        HeaderToken end;
        end.line.offset = end.line.next = size_;
        end.line.terminated = false;
        end_ = end;
        return end;
    }
    return classify(**line);
}

Expected<HeaderToken, MailHeaderError> HeaderLexer::classify(const HeaderLine& line) {
    if (!line.terminated && !limits_.allow_header_only) return fail(Code::Truncated, line.offset);
    HeaderToken token;
    token.line = line;
    if (line.text.empty()) {
        end_ = token;
        return token;
    }
    if (!clean_bytes(line.text, limits_.allow_8bit)) return fail(Code::ForbiddenByte, line.offset);
    if (ascii::is_blank(line.text.front())) {
        if (fields_ == 0) return fail(Code::ContinuationFirst, line.offset);
        token.kind = HeaderToken::Kind::Continuation;
        return token;
    }
    const std::size_t colon = line.text.find(':');
    if (colon == std::string_view::npos || !is_field_name(line.text.substr(0, colon))) {
        return fail(Code::BadFieldName, line.offset);
    }
    if (fields_ >= limits_.max_fields) return fail(Code::TooManyFields, line.offset);
    ++fields_;
    token.kind = HeaderToken::Kind::Field;
    token.name = line.text.substr(0, colon);
    token.value = line.text.substr(colon + 1);
    return token;
}

// ---- fields -----------------------------------------------------------------

const MailField* MailHeader::find(std::string_view name) const {
    for (const auto& f : fields) {
        if (ascii::iequals(f.name, name)) return &f;
    }
    return nullptr;
}

Expected<MailHeader, MailHeaderError> parse_mail_header(std::string_view text,
                                                        const MailHeaderLimits& limits) {
    HeaderLexer lexer(text, limits);
    MailHeader out;
    while (true) {
        MIXTASY_TRY(token, lexer.next());
        switch (token->kind) {
            case HeaderToken::Kind::End: out.body_offset = token->body_offset(); return out;
            case HeaderToken::Kind::Continuation:
                unfold_into(out.fields.back().value, token->line.text);
                break;
            case HeaderToken::Kind::Field:
                out.fields.push_back(
                    {token->name, std::string(ascii::trim(token->value)), token->line.offset});
                break;
        }
    }
}

}  // namespace mixtasy::core
