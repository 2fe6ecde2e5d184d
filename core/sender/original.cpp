// SPDX-License-Identifier: BSD-2-Clause
// original.cpp - see original.h.
#include "core/sender/original.h"

#include <algorithm>

#include "common/ascii.h"
#include "core/format/mail_address.h"

namespace mixtasy::core {
namespace {

using Code = OriginalError::Code;

Unexpected<OriginalError> refuse(Code code, std::string detail) {
    return Unexpected{OriginalError{code, std::move(detail)}};
}

bool is_recipient_field(std::string_view name) {
    return ascii::iequals(name, "To") || ascii::iequals(name, "Cc") || ascii::iequals(name, "Bcc");
}

bool is_stripped(std::string_view name, const OriginalOptions& options) {
    const auto named = [&](std::string_view f) {
        return ascii::iequals(f, name);
    };
    if (std::any_of(options.keep.begin(), options.keep.end(), named)) return false;
    return std::any_of(std::begin(kStrippedFields), std::end(kStrippedFields), named);
}

// The entry without its quoted strings and comments, whose brackets and
// commas are text, not syntax.
std::string skeleton_of(std::string_view entry) {
    std::string out;
    bool quoted = false;
    int comment = 0;
    for (std::size_t i = 0; i < entry.size(); ++i) {
        const char c = entry[i];
        if (quoted) {
            if (c == '\\') ++i;
            else if (c == '"') quoted = false;
        } else if (c == '"' && comment == 0) {
            quoted = true;
        } else if (c == '(') {
            ++comment;
        } else if (c == ')' && comment > 0) {
            --comment;
        } else if (comment == 0) {
            out.push_back(c);
        }
    }
    return out;
}

// One mailbox (or group member) of a list, trimmed; "" for an empty one.
Expected<std::string, OriginalError> address_of_entry(std::string_view raw) {
    const std::string skeleton = skeleton_of(raw);
    const std::string_view entry = ascii::trim_space(skeleton);
    if (entry.empty()) return std::string();
    auto addr = strict_addr_spec(mailbox_address(entry));
    if (!addr) return refuse(Code::BadAddress, "not a plain address: " + std::string(raw));
    return std::string(addr->address);
}

// Splits at commas (and a group's ':' and ';') outside quotes, comments and
// angle brackets.
std::vector<std::string_view> list_entries(std::string_view value) {
    std::vector<std::string_view> out;
    bool quoted = false;
    int comment = 0;
    bool angle = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < value.size(); ++i) {
        const char c = value[i];
        if (quoted) {
            if (c == '\\') ++i;
            else if (c == '"') quoted = false;
            continue;
        }
        if (c == '"' && comment == 0) quoted = true;
        else if (c == '(') ++comment;
        else if (c == ')' && comment > 0) --comment;
        else if (comment == 0 && c == '<') angle = true;
        else if (comment == 0 && c == '>') angle = false;
        else if (comment == 0 && !angle && (c == ',' || c == ';' || c == ':')) {
            // A group's display name ends at ':' and is no mailbox.
            if (c != ':') out.push_back(value.substr(start, i - start));
            start = i + 1;
        }
    }
    out.push_back(value.substr(start));
    return out;
}

std::string line_end_of(std::string_view text) {
    const auto lf = text.find('\n');
    return lf != std::string_view::npos && lf > 0 && text[lf - 1] == '\r' ? "\r\n" : "\n";
}

struct ReadHeader {
    std::vector<std::string> recipients;
    std::string kept;  // the field lines kept, byte for byte
    std::size_t body_offset = 0;
};

Expected<void, OriginalError> add_recipients(ReadHeader& out, std::string_view value,
                                             const OriginalLimits& limits) {
    MIXTASY_TRY(list, split_address_list(value, limits.max_list_entries));
    for (auto& r : *list) {
        const bool known = std::any_of(out.recipients.begin(), out.recipients.end(),
                                       [&](const std::string& k) { return ascii::iequals(k, r); });
        if (known) continue;
        if (out.recipients.size() >= limits.max_recipients)
            return refuse(Code::TooManyRecipients,
                          "more than " + std::to_string(limits.max_recipients) + " recipients");
        out.recipients.push_back(std::move(r));
    }
    return {};
}

// Walks the header once: recipients collected, kept lines copied.
Expected<ReadHeader, OriginalError> read_header(std::string_view text,
                                                const OriginalOptions& options,
                                                const OriginalLimits& limits) {
    ReadHeader out;
    HeaderLexer lexer(text, limits.header);
    std::string value;
    bool in_recipients = false;
    bool keep = false;
    while (true) {
        auto token = lexer.next();
        if (!token)
            return refuse(Code::BadHeader, std::string("header: ") + to_string(token.error().code));
        const bool field = token->kind == HeaderToken::Kind::Field;
        if (token->kind == HeaderToken::Kind::Continuation) {
            if (in_recipients) unfold_into(value, token->line.text);
        } else if (in_recipients) {
            MIXTASY_CHECK(add_recipients(out, value, limits));
            in_recipients = false;
        }
        if (field) {
            in_recipients = is_recipient_field(ascii::trim(token->name));
            keep = !in_recipients && !is_stripped(ascii::trim(token->name), options);
            if (in_recipients) value = std::string(ascii::trim(token->value));
        }
        if (token->kind == HeaderToken::Kind::End) {
            out.body_offset = token->body_offset();
            return out;
        }
        if (keep)
            out.kept += text.substr(token->line.offset, token->line.next - token->line.offset);
    }
}

}  // namespace

const char* to_string(OriginalError::Code code) noexcept {
    switch (code) {
        case Code::BadHeader: return "bad-header";
        case Code::BadAddress: return "bad-address";
        case Code::NoRecipient: return "no-recipient";
        case Code::TooManyRecipients: return "too-many-recipients";
    }
    return "unknown";
}

Expected<std::vector<std::string>, OriginalError> split_address_list(std::string_view value,
                                                                     std::size_t max_entries) {
    std::vector<std::string> out;
    for (std::string_view entry : list_entries(value)) {
        MIXTASY_TRY(addr, address_of_entry(entry));
        if (addr->empty()) continue;
        if (out.size() >= max_entries)
            return refuse(Code::TooManyRecipients, "too many addresses in one field");
        out.push_back(std::move(*addr));
    }
    return out;
}

Expected<std::vector<AddressedOriginal>, OriginalError> prepare_originals(
    ByteView original, const OriginalOptions& options, const OriginalLimits& limits) {
    const std::string_view text = as_chars(original);
    MIXTASY_TRY(header, read_header(text, options, limits));
    if (header->recipients.empty())
        return refuse(Code::NoRecipient, "the original has no To, Cc or Bcc recipient");
    const std::string eol = line_end_of(text);
    const std::string_view rest = text.substr(std::min(header->body_offset, text.size()));
    std::vector<AddressedOriginal> out;
    for (const auto& r : header->recipients) {
        const std::string head = "To: " + r + eol + header->kept + eol;
        Bytes message(head.begin(), head.end());
        message.insert(message.end(), rest.begin(), rest.end());
        out.push_back({r, std::move(message)});
    }
    return out;
}

}  // namespace mixtasy::core
