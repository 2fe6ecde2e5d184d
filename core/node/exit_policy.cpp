// exit_policy.cpp - destination rules and header sanitization at the exit.
#include "core/node/exit_policy.h"

#include <algorithm>
#include <array>
#include <cstdio>
#include <optional>

namespace mixtasy::core {
namespace {

constexpr std::size_t max_address_bytes = 320;  // RFC 5321: 64 + 1 + 255
constexpr std::size_t max_our_line = 998;       // RFC 5322 line limit

// Fields that carry the message's content and threading, nothing about the
// path or the author.  Everything else is dropped.
constexpr std::array<std::string_view, 11> default_keep = {
    "subject",          "to",
    "cc",               "in-reply-to",
    "references",       "mime-version",
    "content-type",     "content-transfer-encoding",
    "content-disposition", "content-description",
    "content-language",
};

char lower_char(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::string lower(std::string_view s) {
    std::string out(s);
    std::transform(out.begin(), out.end(), out.begin(), lower_char);
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
    return s;
}

bool has_line_break_or_nul(std::string_view s) {
    return s.find_first_of(std::string_view("\r\n\0", 3)) != std::string_view::npos;
}

struct Address {
    std::string full;    // lower case, local@domain
    std::string domain;  // lower case
};

// A plain addr-spec, optionally in angle brackets; no display names, no
// source routes, no whitespace or control bytes.
std::optional<Address> parse_address(std::string_view text) {
    text = trim(text);
    if (text.size() >= 2 && text.front() == '<' && text.back() == '>')
        text = text.substr(1, text.size() - 2);
    if (text.empty() || text.size() > max_address_bytes) return std::nullopt;
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f || c == '<' || c == '>' || c == ',') return std::nullopt;
    }
    const std::size_t at = text.rfind('@');
    if (at == std::string_view::npos || at == 0 || at + 1 == text.size()) return std::nullopt;
    Address out;
    out.full = lower(text);
    out.domain = out.full.substr(at + 1);
    if (out.domain.front() == '.' || out.domain.back() == '.') return std::nullopt;
    return out;
}

// domain equals `parent` or is a subdomain of it.
bool within_domain(std::string_view domain, std::string_view parent) {
    if (parent.empty()) return false;
    if (domain == parent) return true;
    return domain.size() > parent.size() && domain.ends_with(parent) &&
           domain[domain.size() - parent.size() - 1] == '.';
}

// '*' matches any run, '?' one byte.  Greedy with one backtrack point:
// O(pattern * text) at worst, both bounded by max_address_bytes.
bool glob_match(std::string_view pattern, std::string_view text) {
    std::size_t p = 0, t = 0, star = std::string_view::npos, resume = 0;
    while (t < text.size()) {
        if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
            ++p;
            ++t;
        } else if (p < pattern.size() && pattern[p] == '*') {
            star = p++;
            resume = t;
        } else if (star != std::string_view::npos) {
            p = star + 1;
            t = ++resume;
        } else {
            return false;
        }
    }
    while (p < pattern.size() && pattern[p] == '*') ++p;
    return p == pattern.size();
}

bool entry_matches(std::string_view entry, const Address& address) {
    if (entry.find_first_of("*?") != std::string_view::npos) return glob_match(entry, address.full);
    if (entry.front() == '@') return within_domain(address.domain, entry.substr(1));
    if (entry.find('@') != std::string_view::npos) return entry == address.full;
    return within_domain(address.domain, entry);
}

std::optional<std::string> check_entry(std::string_view entry, const char* what) {
    if (entry.empty() || entry.size() > max_address_bytes)
        return std::string(what) + ": entry empty or too long";
    for (char c : entry) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u == 0x7f) return std::string(what) + ": entry with space or control byte";
    }
    if (entry == "@") return std::string(what) + ": bare '@'";
    return std::nullopt;
}

bool valid_field_name(std::string_view name) {
    if (name.empty()) return false;
    for (char c : name) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 33 || u > 126 || c == ':') return false;
    }
    return true;
}

// ---- header parsing ---------------------------------------------------------

struct Field {
    std::string name;  // lower case
    std::string raw;   // the whole field, folded lines joined with CRLF
};

struct ParsedMessage {
    std::vector<Field> fields;
    std::size_t body_offset = 0;  // first byte after the blank line
};

Expected<ParsedMessage, HeaderError> parse_header(std::string_view text, const HeaderLimits& limits) {
    using C = HeaderError::Code;
    ParsedMessage out;
    std::size_t pos = 0;
    while (pos < text.size()) {
        const std::size_t lf = text.find('\n', pos);
        const std::size_t end = lf == std::string_view::npos ? text.size() : lf;
        const std::size_t next = lf == std::string_view::npos ? text.size() : lf + 1;
        std::string_view line = text.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);

        if (next > limits.max_header_bytes) return Unexpected{HeaderError{C::HeaderTooLarge, pos}};
        if (line.size() > limits.max_line_bytes) return Unexpected{HeaderError{C::LineTooLong, pos}};
        if (line.empty()) {
            out.body_offset = next;
            return out;
        }
        if (line.find_first_of(std::string_view("\r\0", 2)) != std::string_view::npos)
            return Unexpected{HeaderError{C::ForbiddenByte, pos}};

        if (line.front() == ' ' || line.front() == '\t') {
            if (out.fields.empty()) return Unexpected{HeaderError{C::ContinuationFirst, pos}};
            out.fields.back().raw.append("\r\n").append(line);
        } else {
            const std::size_t colon = line.find(':');
            if (colon == std::string_view::npos || !valid_field_name(line.substr(0, colon)))
                return Unexpected{HeaderError{C::BadFieldName, pos}};
            if (out.fields.size() >= limits.max_fields)
                return Unexpected{HeaderError{C::TooManyFields, pos}};
            out.fields.push_back(Field{lower(line.substr(0, colon)), std::string(line)});
        }
        pos = next;
    }
    out.body_offset = text.size();  // header only, no body
    return out;
}

// ---- what we add ------------------------------------------------------------

std::string rfc5322_date(Instant now) {
    static constexpr std::array<const char*, 7> weekdays = {"Sun", "Mon", "Tue", "Wed",
                                                            "Thu", "Fri", "Sat"};
    static constexpr std::array<const char*, 12> months = {"Jan", "Feb", "Mar", "Apr",
                                                           "May", "Jun", "Jul", "Aug",
                                                           "Sep", "Oct", "Nov", "Dec"};
    const auto day = std::chrono::floor<std::chrono::days>(now);
    const std::chrono::year_month_day ymd{day};
    const std::chrono::hh_mm_ss hms{now - day};
    const std::chrono::weekday wd{day};
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04d %02d:%02d:%02d +0000",
                  weekdays[wd.c_encoding()], static_cast<unsigned>(ymd.day()),
                  months[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                  static_cast<int>(hms.hours().count()), static_cast<int>(hms.minutes().count()),
                  static_cast<int>(hms.seconds().count()));
    return buf;
}

std::string random_message_id(Random& random, std::string_view domain) {
    static constexpr char hex[] = "0123456789abcdef";
    const Bytes id = random.bytes(16);
    std::string out = "<";
    for (std::uint8_t b : id) {
        out.push_back(hex[b >> 4]);
        out.push_back(hex[b & 15]);
    }
    out.append("@").append(domain).append(">");
    return out;
}

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

const char* to_string(ExitPolicy::Verdict verdict) noexcept {
    switch (verdict) {
        case ExitPolicy::Verdict::Deliver: return "deliver";
        case ExitPolicy::Verdict::Blocked: return "destination-blocked";
        case ExitPolicy::Verdict::RateLimited: return "destination-rate-limited";
        case ExitPolicy::Verdict::NotLocal: return "destination-not-local";
        case ExitPolicy::Verdict::BadAddress: return "bad-destination-address";
    }
    return "unknown";
}

Expected<std::unique_ptr<ExitPolicy>, std::string> ExitPolicy::create(ExitPolicyOptions options) {
    if (options.anonymous_from.empty() || has_line_break_or_nul(options.anonymous_from))
        return Unexpected{std::string("anonymous_from empty or with a line break")};
    if (("From: " + options.anonymous_from).size() > max_our_line)
        return Unexpected{std::string("anonymous_from too long")};
    const std::string probe = "x@" + options.message_id_domain;
    if (options.message_id_domain.empty() || !parse_address(probe))
        return Unexpected{std::string("message_id_domain is not a domain")};
    if (!options.disclaimer_field.empty()) {
        if (!valid_field_name(options.disclaimer_field))
            return Unexpected{std::string("disclaimer_field is not a field name")};
        if (has_line_break_or_nul(options.disclaimer))
            return Unexpected{std::string("disclaimer with a line break")};
        if (options.disclaimer_field.size() + 2 + options.disclaimer.size() > max_our_line)
            return Unexpected{std::string("disclaimer longer than one header line")};
    }
    for (auto& name : options.keep_extra) {
        if (!valid_field_name(name)) return Unexpected{std::string("keep_extra: bad field name")};
    }
    for (auto* list : {&options.blocked, &options.from_opt_in, &options.local_domains}) {
        for (auto& entry : *list) {
            entry = lower(trim(entry));
            if (auto bad = check_entry(entry, "destination list")) return Unexpected{*bad};
        }
    }
    if (options.exit_private && options.local_domains.empty())
        return Unexpected{std::string("exit_private without local_domains delivers nowhere")};
    return std::unique_ptr<ExitPolicy>(new ExitPolicy(std::move(options)));
}

ExitPolicy::ExitPolicy(ExitPolicyOptions options) : options_(std::move(options)) {
    for (std::string_view name : default_keep) keep_.emplace_back(name);
    for (const auto& name : options_.keep_extra) keep_.push_back(lower(name));
    if (options_.allow_reply_to) {
        keep_.emplace_back("reply-to");
        keep_.emplace_back("mail-followup-to");
    }
}

bool ExitPolicy::is_blocked(std::string_view recipient) const {
    const auto address = parse_address(recipient);
    if (!address) return true;
    for (const auto& entry : options_.blocked) {
        if (entry_matches(entry, *address)) return true;
    }
    return false;
}

bool ExitPolicy::opted_in(std::string_view recipient) const {
    const auto address = parse_address(recipient);
    if (!address) return false;
    for (const auto& entry : options_.from_opt_in) {
        if (entry_matches(entry, *address)) return true;
    }
    return false;
}

ExitPolicy::Verdict ExitPolicy::admit(std::string_view recipient, Instant now) {
    const auto address = parse_address(recipient);
    if (!address) return Verdict::BadAddress;
    if (options_.exit_private) {
        const bool local = std::any_of(
            options_.local_domains.begin(), options_.local_domains.end(),
            [&](const std::string& d) { return within_domain(address->domain, d); });
        if (!local) return Verdict::NotLocal;
    }
    if (is_blocked(recipient)) return Verdict::Blocked;
    if (over_rate(address->full, now)) return Verdict::RateLimited;
    return Verdict::Deliver;
}

bool ExitPolicy::over_rate(const std::string& destination, Instant now) {
    if (options_.rate_per_hour == 0) return false;
    const std::int64_t hour = to_unix(now) / 3600;
    std::lock_guard lock(rate_mutex_);
    if (auto it = rate_.find(destination); it != rate_.end()) {
        if (it->second.hour != hour) it->second = Window{hour, 0};
        if (it->second.count >= options_.rate_per_hour) return true;
        ++it->second.count;
        return false;
    }
    if (rate_.size() >= options_.max_tracked_destinations) {
        std::erase_if(rate_, [hour](const auto& entry) { return entry.second.hour != hour; });
        if (rate_.size() >= options_.max_tracked_destinations) return true;  // fail closed
    }
    rate_.emplace(destination, Window{hour, 1});
    return false;
}

bool ExitPolicy::keeps(std::string_view field_name) const {
    return std::find(keep_.begin(), keep_.end(), field_name) != keep_.end();
}

Expected<Bytes, HeaderError> ExitPolicy::sanitize(ByteView original, std::string_view recipient,
                                                  Instant now, Random& random) const {
    const HeaderLimits& limits = options_.limits;
    if (original.size() > limits.max_message_bytes)
        return Unexpected{HeaderError{HeaderError::Code::MessageTooLarge, limits.max_message_bytes}};
    const std::string_view text = as_chars(original);
    auto parsed = parse_header(text, limits);
    if (!parsed) return Unexpected{parsed.error()};

    Bytes out;
    out.reserve(original.size() + 512);

    const Field* chosen_from = nullptr;
    if (opted_in(recipient)) {
        for (const Field& f : parsed->fields) {
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
    for (const Field& f : parsed->fields) {
        if (keeps(f.name)) append_line(out, f.raw);
    }
    append_line(out, "Date: " + rfc5322_date(now));
    append_line(out, "Message-ID: " + random_message_id(random, options_.message_id_domain));
    if (!options_.disclaimer_field.empty())
        append_line(out, options_.disclaimer_field + ": " + options_.disclaimer);
    append_line(out, "");
    append_body_crlf(out, text.substr(parsed->body_offset));
    return out;
}

}  // namespace mixtasy::core
