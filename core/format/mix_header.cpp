// SPDX-License-Identifier: BSD-2-Clause
// mix_header.cpp - see mix_header.h.
#include "core/format/mix_header.h"

#include <algorithm>
#include <limits>

#include "core/format/mail_header.h"
#include "core/format/mix_format.h"

namespace mixtasy::core {
namespace {

// The shared lexer, held to this header's limits.  Fields are counted here,
// not there: the Verification line is not one of them.
MailHeaderLimits lexer_limits(const MixHeaderLimits& limits) {
    MailHeaderLimits out;
    out.max_header_bytes = limits.max_header_bytes;
    out.max_line_bytes = limits.max_line_bytes;
    out.max_fields = std::numeric_limits<std::size_t>::max();
    out.allow_8bit = false;
    out.allow_header_only = false;
    return out;
}

// The lexer's error as this parser has always reported it.  A line that is
// already over its own limit when the header limit or the input's end cuts
// it off is the line's fault (HeaderLineTooLong).
FormatError from_lexer(const MailHeaderError& error, std::string_view msg,
                       const MixHeaderLimits& limits) {
    using C = MailHeaderError::Code;
    const std::size_t window = std::min(msg.size(), limits.max_header_bytes);
    const bool line_over = window - error.offset > limits.max_line_bytes;
    switch (error.code) {
        case C::HeaderTooLarge:
            return line_over ? FormatError::HeaderLineTooLong : FormatError::HeaderTooLarge;
        case C::Truncated:
            return line_over ? FormatError::HeaderLineTooLong : FormatError::HeaderTruncated;
        case C::LineTooLong: return FormatError::HeaderLineTooLong;
        case C::TooManyFields: return FormatError::HeaderTooManyFields;
        case C::ForbiddenByte:
        case C::ContinuationFirst:
        case C::BadFieldName: return FormatError::HeaderBadLine;
    }
    return FormatError::HeaderBadLine;
}

// One `name: value` line after the first; `header` gains it or the reason
// it may not.
Expected<void, FormatError> add_field(MixHeader& header, const HeaderToken& token,
                                      const MixHeaderLimits& limits) {
    if (ascii::iequals(token.name, "Verification")) {
        return Unexpected{FormatError::VerificationMisplaced};
    }
    if (header.fields.size() >= limits.max_fields) {
        return Unexpected{FormatError::HeaderTooManyFields};
    }
    header.fields.push_back({std::string(token.name), std::string(ascii::trim(token.value))});
    return {};
}

}  // namespace

const std::string* MixHeader::find(std::string_view name) const {
    for (const auto& f : fields) {
        if (ascii::iequals(f.name, name)) return &f.value;
    }
    return nullptr;
}

std::size_t MixHeader::count(std::string_view name) const {
    return static_cast<std::size_t>(
        std::count_if(fields.begin(), fields.end(),
                      [&](const HeaderField& f) { return ascii::iequals(f.name, name); }));
}

void MixHeader::set(std::string_view name, std::string value) {
    std::erase_if(fields, [&](const HeaderField& f) { return ascii::iequals(f.name, name); });
    fields.push_back({std::string(name), std::move(value)});
}

Expected<ParsedHeader, FormatError> parse_mix_header(ByteView message,
                                                     const MixHeaderLimits& limits) {
    const std::string_view msg = as_chars(message);
    HeaderLexer lexer(msg, lexer_limits(limits));
    ParsedHeader out;
    bool first = true;
    while (true) {
        auto token = lexer.next();
        if (!token) return Unexpected{from_lexer(token.error(), msg, limits)};
        const std::string_view text = token->line.text;
        switch (token->kind) {
            case HeaderToken::Kind::End:
                if (first) return Unexpected{FormatError::HeaderBadLine};  // no header at all
                out.body_offset = token->body_offset();
                return out;
            case HeaderToken::Kind::Continuation:  // of the previous field
                if (out.header.fields.empty()) return Unexpected{FormatError::HeaderBadLine};
                unfold_into(out.header.fields.back().value, text);
                break;
            case HeaderToken::Kind::Field:
                // 6.2.4: exactly this prefix, on line one only, taken as is.
                if (first && text.starts_with(kVerificationPrefix)) {
                    out.header.verification = std::string(text.substr(kVerificationPrefix.size()));
                    out.second_line_offset = token->line.next;
                } else {
                    MIXTASY_CHECK(add_field(out.header, *token, limits));
                }
                first = false;
                break;
        }
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
