// armor.cpp - ASCII armor; see armor.h.
#include "crypto/armor.h"

#include <optional>

#include <botan/base64.h>
#include <botan/hash.h>

namespace mixtasy::crypto {
namespace {

constexpr std::string_view kDashes = "-----";
constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::size_t kColumns = 64;

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
    return s;
}

// Splits text into lines (without their LF), tracking offsets.
class Lines {
public:
    Lines(std::string_view text, std::size_t max_line) : text_(text), max_line_(max_line) {}

    // Next line trimmed of trailing whitespace, or nullopt at the end.
    Result<std::optional<std::string_view>> next() {
        if (pos_ >= text_.size()) return std::optional<std::string_view>{};
        line_offset_ = pos_;
        std::size_t end = text_.find('\n', pos_);
        if (end == std::string_view::npos) end = text_.size();
        std::string_view line = text_.substr(pos_, end - pos_);
        pos_ = end + 1;
        if (line.size() > max_line_)
            return fail(ErrorCode::limit_exceeded, line_offset_,
                        "armor line longer than " + std::to_string(max_line_) + " characters");
        return std::optional<std::string_view>{trim_right(line)};
    }
    std::size_t line_offset() const { return line_offset_; }

private:
    std::string_view text_;
    std::size_t max_line_;
    std::size_t pos_ = 0;
    std::size_t line_offset_ = 0;
};

// "-----BEGIN X-----" -> "X"
std::optional<std::string_view> label_of(std::string_view line, std::string_view prefix) {
    if (line.substr(0, prefix.size()) != prefix) return std::nullopt;
    line.remove_prefix(prefix.size());
    if (line.size() < kDashes.size() || line.substr(line.size() - kDashes.size()) != kDashes) return std::nullopt;
    line.remove_suffix(kDashes.size());
    return line;
}

bool base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' || c == '/' ||
           c == '=';
}

bool looks_base64(std::string_view line) {
    if (line.empty()) return false;
    for (char c : line)
        if (!base64_char(c)) return false;
    return true;
}

// Base64.  Botan 2's codec is constant-time and runs at about 30 MB/s
// here, which alone would cost ten times the per-hop budget on a 30 KiB
// mix message; message armor therefore uses this table-driven codec.
// Secret key blocks (a PRIVATE label) keep Botan's constant-time codec,
// where timing could leak key bits and speed does not matter.
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

struct DecodeTable {
    int8_t value[256];
    constexpr DecodeTable() : value{} {
        for (auto& v : value) v = -1;
        for (int i = 0; i < 64; ++i) value[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
    }
};
constexpr DecodeTable kDecode;

bool is_secret_label(std::string_view label) { return label.find("PRIVATE") != std::string_view::npos; }

// Whitespace-free base64; padding optional on the last quantum, nowhere else.
std::optional<Bytes> fast_base64_decode(std::string_view text) {
    std::size_t n = text.size();
    std::size_t pad = 0;
    while (pad < 2 && n > 0 && text[n - 1] == '=') { --n; ++pad; }
    if (pad && (n + pad) % 4 != 0) return std::nullopt;
    if (n % 4 == 1) return std::nullopt;
    Bytes out;
    out.reserve(n / 4 * 3 + 2);
    std::size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        const int a = kDecode.value[static_cast<uint8_t>(text[i])], b = kDecode.value[static_cast<uint8_t>(text[i + 1])],
                  c = kDecode.value[static_cast<uint8_t>(text[i + 2])], d = kDecode.value[static_cast<uint8_t>(text[i + 3])];
        if ((a | b | c | d) < 0) return std::nullopt;
        const uint32_t v = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6) | uint32_t(d);
        out.push_back(static_cast<uint8_t>(v >> 16));
        out.push_back(static_cast<uint8_t>(v >> 8));
        out.push_back(static_cast<uint8_t>(v));
    }
    const std::size_t rest = n - i;
    if (rest >= 2) {
        const int a = kDecode.value[static_cast<uint8_t>(text[i])], b = kDecode.value[static_cast<uint8_t>(text[i + 1])];
        const int c = rest == 3 ? kDecode.value[static_cast<uint8_t>(text[i + 2])] : 0;
        if ((a | b | c) < 0) return std::nullopt;
        const uint32_t v = (uint32_t(a) << 18) | (uint32_t(b) << 12) | (uint32_t(c) << 6);
        out.push_back(static_cast<uint8_t>(v >> 16));
        if (rest == 3) out.push_back(static_cast<uint8_t>(v >> 8));
    }
    return out;
}

std::string fast_base64_encode(ByteView data) {
    std::string out;
    out.reserve((data.size() + 2) / 3 * 4);
    std::size_t i = 0;
    for (; i + 3 <= data.size(); i += 3) {
        const uint32_t v = (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
        out.push_back(kAlphabet[v >> 18]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(kAlphabet[(v >> 6) & 63]);
        out.push_back(kAlphabet[v & 63]);
    }
    if (const std::size_t rest = data.size() - i; rest) {
        const uint32_t v = (uint32_t{data[i]} << 16) | (rest == 2 ? uint32_t{data[i + 1]} << 8 : 0);
        out.push_back(kAlphabet[v >> 18]);
        out.push_back(kAlphabet[(v >> 12) & 63]);
        out.push_back(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
        out.push_back('=');
    }
    return out;
}

Result<Bytes> decode_base64(std::string_view text, std::size_t offset, const char* what, bool secret) {
    if (!secret) {
        auto v = fast_base64_decode(text);
        if (!v) return fail(ErrorCode::bad_armor, offset, std::string("invalid base64 in ") + what);
        return std::move(*v);
    }
    try {
        auto v = Botan::base64_decode(text.data(), text.size(), false);
        return Bytes(v.begin(), v.end());
    } catch (const std::exception&) {
        return fail(ErrorCode::bad_armor, offset, std::string("invalid base64 in ") + what);
    }
}

}  // namespace

uint32_t crc24(ByteView data) {
    auto h = Botan::HashFunction::create_or_throw("CRC24");
    h->update(data.data(), data.size());
    const auto d = h->final();
    return (uint32_t{d[0]} << 16) | (uint32_t{d[1]} << 8) | uint32_t{d[2]};
}

bool is_armored(ByteView input) noexcept {
    const std::string_view text = as_chars(input);
    std::size_t i = 0;
    while (i < text.size() && is_space(text[i])) ++i;
    return text.substr(i, kBegin.size()) == kBegin;
}

Result<Armored> armor_decode(ByteView input, const ArmorLimits& limits) {
    if (input.size() > limits.max_input_size)
        return fail(ErrorCode::limit_exceeded, 0, "armored input above " + std::to_string(limits.max_input_size) + " bytes");
    Lines lines(as_chars(input), limits.max_line_length);
    Armored out;

    // 1. The BEGIN line.
    while (true) {
        auto l = lines.next();
        if (!l) return Unexpected{l.error()};
        if (!*l) return fail(ErrorCode::bad_armor, input.size(), "no BEGIN line");
        std::string_view text = **l;
        while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
        auto label = label_of(text, kBegin);
        if (label) {
            out.label = std::string(*label);
            break;
        }
    }

    // 2. Headers until a blank line (or the first base64 line when a sloppy
    //    writer left the blank line out).
    std::string body;
    body.reserve(input.size() * 3 / 4 + 16);
    bool in_body = false;
    while (!in_body) {
        auto l = lines.next();
        if (!l) return Unexpected{l.error()};
        if (!*l) return fail(ErrorCode::bad_armor, input.size(), "armor ends inside the headers");
        std::string_view text = **l;
        if (text.empty()) break;
        const auto colon = text.find(": ");
        if (colon == std::string_view::npos || colon == 0) {
            if (!looks_base64(text)) return fail(ErrorCode::bad_armor, lines.line_offset(), "malformed armor header");
            body.append(text);  // no blank line: this was the first body line
            in_body = true;
            break;
        }
        if (out.headers.size() >= limits.max_headers)
            return fail(ErrorCode::limit_exceeded, lines.line_offset(), "too many armor headers");
        out.headers.emplace_back(std::string(text.substr(0, colon)), std::string(text.substr(colon + 2)));
    }

    // 3. Body, optional checksum, END line.
    std::optional<std::string> checksum;
    std::size_t checksum_offset = 0;
    while (true) {
        auto l = lines.next();
        if (!l) return Unexpected{l.error()};
        if (!*l) return fail(ErrorCode::bad_armor, input.size(), "no END line");
        std::string_view text = **l;
        // Leading whitespace is tolerated too (some mailers indent).
        while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
        if (auto end_label = label_of(text, kEnd)) {
            if (*end_label != out.label)
                return fail(ErrorCode::bad_armor, lines.line_offset(), "END label does not match BEGIN label");
            break;
        }
        if (text.empty()) continue;
        if (checksum) return fail(ErrorCode::bad_armor, lines.line_offset(), "data after the checksum line");
        if (text.front() == '=' && text.size() == 5) {
            checksum = std::string(text.substr(1));
            checksum_offset = lines.line_offset();
            continue;
        }
        if (!looks_base64(text)) return fail(ErrorCode::bad_armor, lines.line_offset(), "invalid base64 line");
        body.append(text);
    }

    const bool secret = is_secret_label(out.label);
    auto data = decode_base64(body, 0, "armor body", secret);
    if (!data) return Unexpected{data.error()};
    out.data = std::move(*data);
    if (checksum) {
        auto crc = decode_base64(*checksum, checksum_offset, "armor checksum", false);
        if (!crc) return Unexpected{crc.error()};
        if (crc->size() != 3) return fail(ErrorCode::bad_armor, checksum_offset, "checksum is not 3 bytes");
        const uint32_t want = (uint32_t{(*crc)[0]} << 16) | (uint32_t{(*crc)[1]} << 8) | uint32_t{(*crc)[2]};
        if (want != crc24(out.data)) return fail(ErrorCode::bad_checksum, checksum_offset, "armor CRC24 mismatch");
        out.had_checksum = true;
    }
    return out;
}

std::string armor_encode(ByteView data, std::string_view label,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string out;
    out.reserve(data.size() * 4 / 3 + data.size() / 48 + 128);
    out.append(kBegin).append(label).append(kDashes).push_back('\n');
    for (const auto& [key, value] : headers) out.append(key).append(": ").append(value).push_back('\n');
    out.push_back('\n');
    const std::string b64 =
        is_secret_label(label) ? Botan::base64_encode(data.data(), data.size()) : fast_base64_encode(data);
    for (std::size_t i = 0; i < b64.size(); i += kColumns) {
        out.append(b64, i, kColumns);
        out.push_back('\n');
    }
    const uint32_t crc = crc24(data);
    const uint8_t c[3] = {static_cast<uint8_t>(crc >> 16), static_cast<uint8_t>(crc >> 8), static_cast<uint8_t>(crc)};
    out.push_back('=');
    out.append(fast_base64_encode(ByteView(c, 3))).push_back('\n');
    out.append(kEnd).append(label).append(kDashes).push_back('\n');
    return out;
}

Result<Bytes> to_binary(ByteView input, const ArmorLimits& limits) {
    if (!is_armored(input)) return Bytes(input.begin(), input.end());
    auto a = armor_decode(input, limits);
    if (!a) return Unexpected{a.error()};
    return std::move(a->data);
}

}  // namespace mixtasy::crypto
