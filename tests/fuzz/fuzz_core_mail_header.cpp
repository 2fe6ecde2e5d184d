// SPDX-License-Identifier: BSD-2-Clause
// libFuzzer target: the shared mail-header reader and the address parsers
// (core/format/mail_header.h, core/format/mail_address.h).
// Invariants checked: no crash; offsets stay inside the input and grow;
// the field-level parse agrees with the lexer; an address either parser
// accepts lies inside its input and has one '@' between local and domain.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "core/format/mail_address.h"
#include "core/format/mail_header.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

void check_spec(const std::optional<AddrSpec>& spec, std::string_view input) {
    if (!spec) return;
    const char* begin = input.data();
    const char* end = input.data() + input.size();
    if (spec->address.data() < begin) std::abort();
    if (spec->address.data() + spec->address.size() > end) std::abort();
    if (spec->local.empty() || spec->domain.empty()) std::abort();
    if (spec->local.size() + 1 + spec->domain.size() != spec->address.size()) std::abort();
    if (spec->address[spec->local.size()] != '@') std::abort();
}

void check_lexer(std::string_view text, const MailHeaderLimits& limits) {
    HeaderLexer lexer(text, limits);
    std::size_t last = 0, fields = 0;
    for (int guard = 0; guard < 100000; ++guard) {
        auto token = lexer.next();
        if (!token) {
            if (token.error().offset > text.size()) std::abort();
            if (parse_mail_header(text, limits)) std::abort();
            return;
        }
        if (token->line.offset < last || token->line.next > text.size()) std::abort();
        last = token->line.next;
        if (token->kind == HeaderToken::Kind::Field) ++fields;
        if (token->kind == HeaderToken::Kind::End) {
            auto parsed = parse_mail_header(text, limits);
            if (!parsed || parsed->fields.size() != fields) std::abort();
            if (parsed->body_offset != token->body_offset()) std::abort();
            for (const auto& f : parsed->fields) check_spec(lenient_addr_spec(f.value), f.value);
            return;
        }
    }
    std::abort();  // the lexer must make progress
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    MailHeaderLimits limits;
    limits.max_header_bytes = 4096;
    limits.max_line_bytes = 256;
    limits.max_fields = 32;
    limits.allow_header_only = size > 0 && (data[0] & 1);
    limits.allow_8bit = size > 0 && (data[0] & 2);
    check_lexer(text, limits);
    const std::string_view first_line = text.substr(0, std::min<std::size_t>(text.find('\n'), 512));
    check_spec(strict_addr_spec(first_line), first_line);
    check_spec(lenient_addr_spec(first_line), first_line);
    const std::string_view mailbox = mailbox_address(first_line);
    check_spec(strict_addr_spec(mailbox), mailbox);
    return 0;
}
