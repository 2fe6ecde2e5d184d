// SPDX-License-Identifier: BSD-2-Clause
// exit_headers.cpp - see exit_headers.h.
#include "core/node/exit_headers.h"

#include <algorithm>
#include <array>

#include "common/ascii.h"
#include "core/format/mail_address.h"
#include "core/format/mail_header.h"
#include "core/node/exit_mime.h"

namespace mixtasy::core {
namespace {

constexpr std::size_t max_our_line = 998;  // RFC 5322 line limit

// Fields that carry the message's content, nothing about the path or the
// author.  Everything else is dropped: also Cc (the exit delivers to the one
// To, exit_mime.h), threading (In-Reply-To, References link the message to
// the author's earlier mail) and Content-Language (the author's locale).
constexpr std::array<std::string_view, 7> default_keep = {
    "subject",
    "to",
    "mime-version",
    "content-type",
    "content-transfer-encoding",
    "content-disposition",
    "content-description",
};

bool has_line_break_or_nul(std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

Unexpected<ExitOptionError> refuse(ExitOptionError::Code code, const char* why) {
    return Unexpected{ExitOptionError{code, why}};
}

// ---- header parsing ---------------------------------------------------------

HeaderError from_lexer(const MailHeaderError& error) {
    using L = MailHeaderError::Code;
    using C = HeaderError::Code;
    switch (error.code) {
        case L::HeaderTooLarge: return {C::HeaderTooLarge, error.offset};
        case L::LineTooLong: return {C::LineTooLong, error.offset};
        case L::ForbiddenByte: return {C::ForbiddenByte, error.offset};
        case L::ContinuationFirst: return {C::ContinuationFirst, error.offset};
        case L::BadFieldName: return {C::BadFieldName, error.offset};
        case L::TooManyFields: return {C::TooManyFields, error.offset};
        case L::Truncated: break;  // not with allow_header_only
    }
    return {C::HeaderTooLarge, error.offset};
}

// ---- what we add ------------------------------------------------------------

void append_line(Bytes& out, std::string_view line) {
    out.insert(out.end(), line.begin(), line.end());
    out.push_back('\r');
    out.push_back('\n');
}

// Body bytes with every line end (LF, CRLF or bare CR) written as CRLF.
void append_body_crlf(Bytes& out, std::string_view body) {
    for (std::size_t i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c == '\r') {
            out.push_back('\r');
            out.push_back('\n');
            if (i + 1 < body.size() && body[i + 1] == '\n') ++i;
        } else if (c == '\n') {
            out.push_back('\r');
            out.push_back('\n');
        } else {
            out.push_back(static_cast<std::uint8_t>(c));
        }
    }
}

}  // namespace

const char* to_string(HeaderError::Code code) noexcept {
    switch (code) {
        case HeaderError::Code::HeaderTooLarge: return "header-too-large";
        case HeaderError::Code::LineTooLong: return "header-line-too-long";
        case HeaderError::Code::TooManyFields: return "too-many-header-fields";
        case HeaderError::Code::BadFieldName: return "bad-header-field-name";
        case HeaderError::Code::ContinuationFirst: return "header-starts-with-continuation";
        case HeaderError::Code::ForbiddenByte: return "forbidden-byte-in-header";
        case HeaderError::Code::MessageTooLarge: return "message-too-large";
    }
    return "unknown";
}

Expected<std::unique_ptr<ExitHeaders>, ExitOptionError> ExitHeaders::create(
    ExitHeaderOptions options) {
    using C = ExitOptionError::Code;
    if (options.anonymous_from.empty() || has_line_break_or_nul(options.anonymous_from))
        return refuse(C::AnonymousFrom, "anonymous_from empty or with a line break");
    if (("From: " + options.anonymous_from).size() > max_our_line)
        return refuse(C::AnonymousFrom, "anonymous_from too long");
    const std::string probe = "x@" + options.message_id_domain;
    if (options.message_id_domain.empty() || !lenient_addr_spec(probe))
        return refuse(C::MessageIdDomain, "message_id_domain is not a domain");
    if (!options.disclaimer_field.empty()) {
        if (!is_field_name(options.disclaimer_field))
            return refuse(C::DisclaimerField, "disclaimer_field is not a field name");
        if (has_line_break_or_nul(options.disclaimer))
            return refuse(C::Disclaimer, "disclaimer with a line break");
        if (options.disclaimer_field.size() + 2 + options.disclaimer.size() > max_our_line)
            return refuse(C::Disclaimer, "disclaimer longer than one header line");
    }
    for (auto& name : options.keep_extra) {
        if (!is_field_name(name)) return refuse(C::KeepExtra, "keep_extra: bad field name");
    }
    MIXTASY_CHECK(normalize_destinations(options.from_opt_in));
    return std::unique_ptr<ExitHeaders>(new ExitHeaders(std::move(options)));
}

ExitHeaders::ExitHeaders(ExitHeaderOptions options) : options_(std::move(options)) {
    for (std::string_view name : default_keep) keep_.emplace_back(name);
    for (const auto& name : options_.keep_extra) keep_.push_back(ascii::lower(name));
    if (options_.allow_reply_to) {
        keep_.emplace_back("reply-to");
        keep_.emplace_back("mail-followup-to");
    }
}

bool ExitHeaders::opted_in(std::string_view recipient) const {
    const auto destination = parse_destination(recipient);
    return destination && matches_any(options_.from_opt_in, *destination);
}

bool ExitHeaders::keeps(std::string_view field_name) const {
    return std::find(keep_.begin(), keep_.end(), field_name) != keep_.end();
}

Expected<Bytes, HeaderError> ExitHeaders::sanitize(ByteView original, std::string_view recipient,
                                                   Instant /*now*/, Random& /*random*/) const {
    const HeaderLimits& limits = options_.limits;
    if (original.size() > limits.max_message_bytes)
        return Unexpected{
            HeaderError{HeaderError::Code::MessageTooLarge, limits.max_message_bytes}};
    const Bytes normalised = normalise_original(original, recipient, limits);
    const std::string_view text = as_chars(normalised);
    auto parsed = read_raw_header(text, limits);
    if (!parsed) return Unexpected{from_lexer(parsed.error())};

    Bytes out;
    out.reserve(original.size() + 512);

    const RawField* chosen_from = nullptr;
    if (opted_in(recipient)) {
        for (const RawField& f : parsed->fields) {
            if (f.name == "from") {
                chosen_from = &f;
                break;
            }
        }
    }
    if (chosen_from) {
        append_line(out, chosen_from->raw);
    } else {
        append_line(out, "From: " + options_.anonymous_from);
    }
    for (const RawField& f : parsed->fields) {
        if (keeps(f.name)) append_line(out, f.raw);
    }
    if (!options_.disclaimer_field.empty())
        append_line(out, options_.disclaimer_field + ": " + options_.disclaimer);
    append_line(out, "");
    append_body_crlf(out, text.substr(parsed->body_offset));
    return out;
}

}  // namespace mixtasy::core
