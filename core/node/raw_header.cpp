// SPDX-License-Identifier: BSD-2-Clause
// raw_header.cpp - see raw_header.h.
#include "core/node/raw_header.h"

#include "common/ascii.h"

namespace mixtasy::core {
namespace {

MailHeaderLimits lexer_limits(const HeaderLimits& limits) {
    MailHeaderLimits out;
    out.max_header_bytes = limits.max_header_bytes;
    out.max_line_bytes = limits.max_line_bytes;
    out.max_fields = limits.max_fields;
    out.allow_8bit = true;
    out.allow_header_only = true;
    return out;
}

}  // namespace

Expected<RawHeader, MailHeaderError> read_raw_header(std::string_view text,
                                                     const HeaderLimits& limits) {
    HeaderLexer lexer(text, lexer_limits(limits));
    RawHeader out;
    while (true) {
        auto token = lexer.next();
        if (!token) return Unexpected{token.error()};
        switch (token->kind) {
            case HeaderToken::Kind::End: out.body_offset = token->body_offset(); return out;
            case HeaderToken::Kind::Continuation:
                // The lexer refuses a continuation before the first field
                // (ContinuationFirst); checked again so no input reaches back().
                if (out.fields.empty())
                    return Unexpected{MailHeaderError{MailHeaderError::Code::ContinuationFirst,
                                                      token->line.offset}};
                out.fields.back().raw.append("\r\n").append(token->line.text);
                break;
            case HeaderToken::Kind::Field:
                out.fields.push_back(
                    RawField{ascii::lower(token->name), std::string(token->line.text)});
                break;
        }
    }
}

}  // namespace mixtasy::core
