// SPDX-License-Identifier: BSD-2-Clause
// armor.cpp - ASCII armor; see armor.h.
#include "crypto/armor.h"

#include <algorithm>
#include <optional>
#include <span>

#include <botan/base64.h>
#include <botan/hash.h>

#include "common/ascii.h"

namespace mixtasy::crypto {
namespace {

constexpr std::string_view kDashes = "-----";
constexpr std::string_view kBegin = "-----BEGIN ";
constexpr std::string_view kEnd = "-----END ";
constexpr std::size_t kColumns = 64;

std::string_view trim_right(std::string_view s) {
    while (!s.empty() && ascii::is_space(s.back())) s.remove_suffix(1);
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
            return fail(ErrorCode::LimitExceeded, line_offset_,
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
    if (line.size() < kDashes.size() || line.substr(line.size() - kDashes.size()) != kDashes)
        return std::nullopt;
    line.remove_suffix(kDashes.size());
    return line;
}

bool base64_char(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '+' ||
           c == '/' || c == '=';
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
        for (int i = 0; i < 64; ++i)
            value[static_cast<uint8_t>(kAlphabet[i])] = static_cast<int8_t>(i);
    }
};
constexpr DecodeTable kDecode;

// The fast paths' tables.  Decoding: one table per position in a quantum,
// holding the character's six bits already shifted into place, and a high
// byte set for anything that is not a base64 digit ('=' included), so four
// lookups and three ORs decode a quantum and one test validates it.
// Encoding: twelve bits to two characters at once.
constexpr uint32_t kNotDigit = 0xFF000000;
struct QuantumTables {
    uint32_t at[4][256];
    constexpr QuantumTables() : at{} {
        for (int pos = 0; pos < 4; ++pos) {
            for (int c = 0; c < 256; ++c) {
                const int v = kDecode.value[c];
                at[pos][c] = v < 0 ? kNotDigit : uint32_t(v) << (6 * (3 - pos));
            }
        }
    }
};
constexpr QuantumTables kQuantum;

struct PairTable {
    char pair[4096][2];
    constexpr PairTable() : pair{} {
        for (int i = 0; i < 4096; ++i) {
            pair[i][0] = kAlphabet[i >> 6];
            pair[i][1] = kAlphabet[i & 63];
        }
    }
};
constexpr PairTable kPairs;

bool is_secret_label(std::string_view label) {
    return label.find("PRIVATE") != std::string_view::npos;
}

// Streaming base64 decoder for message armor: lines are fed as they are
// read and decoded straight into the output, one pass, no copy of the text.
// Padding is optional on the last quantum and allowed nowhere else.
class Base64Decoder {
public:
    // `expected_chars`: how much text will come, to size the output once.
    Base64Decoder(Bytes& out, std::size_t expected_chars) : out_(out) {
        out_.resize(expected_chars / 4 * 3 + 3);
    }

    // False on a character outside the alphabet or data after padding.
    bool feed(std::string_view text) {
        std::size_t i = 0;
        if (pad_ == 0 && have_ == 0) {
            // The fast path, whole quanta into a local view of the output:
            // stores through it cannot alias the decoder's own members.
            if (size_ + text.size() / 4 * 3 > out_.size())
                out_.resize(size_ + text.size() / 4 * 3 + 3);
            const std::span<uint8_t> dst = std::span<uint8_t>(out_).subspan(size_);
            std::size_t w = 0;
            for (; i + 4 <= text.size(); i += 4, w += 3) {
                const uint32_t v = kQuantum.at[0][static_cast<uint8_t>(text[i])] |
                                   kQuantum.at[1][static_cast<uint8_t>(text[i + 1])] |
                                   kQuantum.at[2][static_cast<uint8_t>(text[i + 2])] |
                                   kQuantum.at[3][static_cast<uint8_t>(text[i + 3])];
                if (v & kNotDigit) break;
                dst[w] = static_cast<uint8_t>(v >> 16);
                dst[w + 1] = static_cast<uint8_t>(v >> 8);
                dst[w + 2] = static_cast<uint8_t>(v);
            }
            size_ += w;
        }
        for (; i < text.size(); ++i) {
            if (!feed_char(text[i])) return false;
        }
        return true;
    }

    // False when the last quantum is incomplete in a way padding cannot fix.
    bool finish() {
        if (pad_ > 0 && have_ + pad_ != 4) return false;
        if (have_ == 1) return false;
        if (have_ >= 2) emit(acc_ << (6 * (4 - have_)), have_ - 1);
        have_ = 0;
        out_.resize(size_);
        return true;
    }

private:
    static int value(char c) { return kDecode.value[static_cast<uint8_t>(c)]; }

    bool feed_char(char c) {
        if (c == '=') {
            if (have_ + pad_ < 2 || have_ + pad_ >= 4) return false;
            ++pad_;
            return true;
        }
        const int v = value(c);
        if (v < 0 || pad_ > 0) return false;
        acc_ = (acc_ << 6) | uint32_t(v);
        if (++have_ == 4) {
            emit(acc_, 3);
            acc_ = 0;
            have_ = 0;
        }
        return true;
    }

    void emit(uint32_t v, int bytes) {
        if (size_ + 3 > out_.size()) out_.resize(out_.size() * 2 + 3);  // more text than expected
        out_[size_] = static_cast<uint8_t>(v >> 16);
        out_[size_ + 1] = static_cast<uint8_t>(v >> 8);
        out_[size_ + 2] = static_cast<uint8_t>(v);
        size_ += static_cast<std::size_t>(bytes);
    }

    Bytes& out_;
    std::size_t size_ = 0;
    uint32_t acc_ = 0;
    int have_ = 0;
    int pad_ = 0;
};

Result<Bytes> decode_base64(std::string_view text, std::size_t offset, const char* what,
                            bool secret) {
    if (!secret) {
        Bytes out;
        Base64Decoder decoder(out, text.size());
        if (!decoder.feed(text) || !decoder.finish()) {
            return fail(ErrorCode::BadArmor, offset, std::string("invalid base64 in ") + what);
        }
        return out;
    }
    try {
        auto v = Botan::base64_decode(text.data(), text.size(), false);
        return Bytes(v.begin(), v.end());
    } catch (const std::exception&) {
        return fail(ErrorCode::BadArmor, offset, std::string("invalid base64 in ") + what);
    }
}

// Where body lines go: message armor is decoded as its lines arrive,
// straight into the output; secret key armor is collected for Botan's
// constant-time decoder.
class ArmorBody {
public:
    ArmorBody(Bytes& out, bool secret, std::size_t input_size)
        : out_(out), secret_(secret), decoder_(out, secret ? 0 : input_size) {}

    bool add_line(std::string_view text) {
        if (!secret_) return decoder_.feed(text);
        if (!looks_base64(text)) return false;
        secret_text_.append(text);
        return true;
    }

    Result<void> finish() {
        if (secret_) {
            MIXTASY_TRY(data, decode_base64(secret_text_, 0, "armor body", true));
            out_ = std::move(*data);
        } else if (!decoder_.finish()) {
            return fail(ErrorCode::BadArmor, 0, "invalid base64 in armor body");
        }
        return {};
    }

private:
    Bytes& out_;
    bool secret_;
    std::string secret_text_;
    Base64Decoder decoder_;
};

std::string_view trim_left(std::string_view s) {
    while (!s.empty() && ascii::is_space(s.front())) s.remove_prefix(1);
    return s;
}

// 1. The BEGIN line's label; text before it is skipped, up to a bound.
Result<std::string> read_begin_label(Lines& lines, const ArmorLimits& limits,
                                     std::size_t input_size) {
    while (true) {
        MIXTASY_TRY(l, lines.next());
        if (!*l) return fail(ErrorCode::BadArmor, input_size, "no BEGIN line");
        if (lines.line_offset() > limits.max_leading_text)
            return fail(
                ErrorCode::BadArmor, lines.line_offset(),
                "no BEGIN line in the first " + std::to_string(limits.max_leading_text) + " bytes");
        if (auto label = label_of(trim_left(**l), kBegin)) return std::string(*label);
    }
}

// 2. Headers until a blank line, or until the first base64 line when a
//    sloppy writer left the blank line out (that line goes to the body).
Result<void> read_headers(Lines& lines, const ArmorLimits& limits, std::size_t input_size,
                          Armored& out, ArmorBody& body) {
    while (true) {
        MIXTASY_TRY(l, lines.next());
        if (!*l) return fail(ErrorCode::BadArmor, input_size, "armor ends inside the headers");
        std::string_view text = **l;
        if (text.empty()) return {};
        const auto colon = text.find(": ");
        if (colon == std::string_view::npos || colon == 0) {
            if (!body.add_line(text))
                return fail(ErrorCode::BadArmor, lines.line_offset(), "malformed armor header");
            return {};
        }
        if (out.headers.size() >= limits.max_headers)
            return fail(ErrorCode::LimitExceeded, lines.line_offset(), "too many armor headers");
        out.headers.emplace_back(std::string(text.substr(0, colon)),
                                 std::string(text.substr(colon + 2)));
    }
}

// The "=XXXX" line, when there is one, and where it starts.
struct ChecksumLine {
    std::optional<std::string_view> text;
    std::size_t offset = 0;
};

// 3. Body lines, an optional checksum line, the END line with the BEGIN
//    line's label.
Result<ChecksumLine> read_body(Lines& lines, std::string_view label, std::size_t input_size,
                               ArmorBody& body) {
    ChecksumLine checksum;
    while (true) {
        MIXTASY_TRY(l, lines.next());
        if (!*l) return fail(ErrorCode::BadArmor, input_size, "no END line");
        // Leading whitespace is tolerated too (some mailers indent).
        const std::string_view text = trim_left(**l);
        if (auto end_label = label_of(text, kEnd)) {
            if (*end_label != label)
                return fail(ErrorCode::BadArmor, lines.line_offset(),
                            "END label does not match BEGIN label");
            return checksum;
        }
        if (text.empty()) continue;
        if (checksum.text)
            return fail(ErrorCode::BadArmor, lines.line_offset(), "data after the checksum line");
        if (text.front() == '=' && text.size() == 5) {
            checksum.text = text.substr(1);
            checksum.offset = lines.line_offset();
            continue;
        }
        if (!body.add_line(text))
            return fail(ErrorCode::BadArmor, lines.line_offset(), "invalid base64 line");
    }
}

// 4. The CRC24 of the decoded data against the checksum line.
Result<void> check_checksum(const ChecksumLine& checksum, ByteView data) {
    MIXTASY_TRY(crc, decode_base64(*checksum.text, checksum.offset, "armor checksum", false));
    if (crc->size() != 3)
        return fail(ErrorCode::BadArmor, checksum.offset, "checksum is not 3 bytes");
    const uint32_t want =
        (uint32_t{(*crc)[0]} << 16) | (uint32_t{(*crc)[1]} << 8) | uint32_t{(*crc)[2]};
    if (want != crc24(data))
        return fail(ErrorCode::BadChecksum, checksum.offset, "armor CRC24 mismatch");
    return {};
}

}  // namespace

uint32_t crc24(ByteView data) {
    auto h = Botan::HashFunction::create_or_throw("CRC24");
    h->update(data.data(), data.size());
    const auto d = h->final();
    return (uint32_t{d[0]} << 16) | (uint32_t{d[1]} << 8) | uint32_t{d[2]};
}

bool is_armored(ByteView input, const ArmorLimits& limits) noexcept {
    const std::string_view text = as_chars(input);
    const std::string_view head = text.substr(0, limits.max_leading_text);
    const std::size_t first = head.find_first_not_of(" \t\r\n");
    if (first != std::string_view::npos && (static_cast<unsigned char>(head[first]) & 0x80) != 0)
        return false;
    // The lines armor_decode's read_begin_label looks at, each trimmed of
    // leading blanks as it trims them.
    for (std::size_t line = 0; line <= limits.max_leading_text && line < text.size();) {
        const std::string_view start = text.substr(line, limits.max_line_length);
        const std::size_t lead = start.find_first_not_of(" \t\r");
        if (lead != std::string_view::npos && start.substr(lead).starts_with(kBegin)) return true;
        const std::size_t eol = text.find('\n', line);
        if (eol == std::string_view::npos) return false;
        line = eol + 1;
    }
    return false;
}

Result<Armored> armor_decode(ByteView input, const ArmorLimits& limits) {
    if (input.size() > limits.max_input_size)
        return fail(ErrorCode::LimitExceeded, 0,
                    "armored input above " + std::to_string(limits.max_input_size) + " bytes");
    Lines lines(as_chars(input), limits.max_line_length);
    Armored out;
    MIXTASY_TRY(label, read_begin_label(lines, limits, input.size()));
    out.label = std::move(*label);
    ArmorBody body(out.data, is_secret_label(out.label), input.size());
    MIXTASY_CHECK(read_headers(lines, limits, input.size(), out, body));
    MIXTASY_TRY(checksum, read_body(lines, out.label, input.size(), body));
    MIXTASY_CHECK(body.finish());
    if (checksum->text) {
        MIXTASY_CHECK(check_checksum(*checksum, out.data));
        out.had_checksum = true;
    }
    return out;
}

namespace {

template <class Out>
void append(Out& out, std::string_view text) {
    out.insert(out.end(), text.begin(), text.end());
}

// Base64 of `data` in 64-column lines, each ended by `eol`, written in
// place into storage sized once: no per-character append, no second copy.
template <class Out>
void append_base64_lines(Out& out, ByteView data, std::string_view eol) {
    constexpr std::size_t kLineBytes = kColumns / 4 * 3;
    const std::size_t chars = (data.size() + 2) / 3 * 4;
    const std::size_t lines = (chars + kColumns - 1) / kColumns;
    const std::size_t start = out.size();
    out.resize(start + chars + lines * eol.size());
    // A local view of the new storage: stores through it cannot alias `out`.
    using T = typename Out::value_type;
    const std::span<T> dst = std::span<T>(out).subspan(start);
    std::size_t at = 0;
    const auto put_eol = [&] {
        for (char e : eol) dst[at++] = static_cast<T>(e);
    };
    const std::size_t full = data.size() / 3 * 3;  // bytes in whole quanta
    std::size_t i = 0;
    while (i < full) {
        const std::size_t line_end = std::min(full, i + kLineBytes);
        for (; i < line_end; i += 3, at += 4) {
            const uint32_t v =
                (uint32_t{data[i]} << 16) | (uint32_t{data[i + 1]} << 8) | data[i + 2];
            const auto& hi = kPairs.pair[v >> 12];
            const auto& lo = kPairs.pair[v & 0xFFF];
            dst[at] = static_cast<T>(hi[0]);
            dst[at + 1] = static_cast<T>(hi[1]);
            dst[at + 2] = static_cast<T>(lo[0]);
            dst[at + 3] = static_cast<T>(lo[1]);
        }
        if (i % kLineBytes == 0) put_eol();  // a complete line
    }
    if (const std::size_t rest = data.size() - i; rest) {
        const uint32_t v = (uint32_t{data[i]} << 16) | (rest == 2 ? uint32_t{data[i + 1]} << 8 : 0);
        dst[at] = static_cast<T>(kAlphabet[v >> 18]);
        dst[at + 1] = static_cast<T>(kAlphabet[(v >> 12) & 63]);
        dst[at + 2] = static_cast<T>(rest == 2 ? kAlphabet[(v >> 6) & 63] : '=');
        dst[at + 3] = static_cast<T>('=');
        at += 4;
        put_eol();
    } else if (full % kLineBytes != 0) {
        put_eol();  // the last, partial line
    }
}

template <class Out>
void write_armor(Out& out, ByteView data, std::string_view label, const ArmorStyle& style,
                 const std::vector<std::pair<std::string, std::string>>& headers) {
    const std::string_view eol = style.crlf ? "\r\n" : "\n";
    out.reserve(out.size() + data.size() * 4 / 3 + data.size() / 48 * eol.size() + 128);
    append(out, kBegin), append(out, label), append(out, kDashes), append(out, eol);
    for (const auto& [key, value] : headers)
        append(out, key), append(out, ": "), append(out, value), append(out, eol);
    append(out, eol);
    if (is_secret_label(label)) {
        const std::string b64 = Botan::base64_encode(data.data(), data.size());
        for (std::size_t i = 0; i < b64.size(); i += kColumns) {
            append(out, std::string_view(b64).substr(i, kColumns));
            append(out, eol);
        }
    } else {
        append_base64_lines(out, data, eol);
    }
    if (style.checksum) {
        const uint32_t crc = crc24(data);
        const uint8_t c[3] = {static_cast<uint8_t>(crc >> 16), static_cast<uint8_t>(crc >> 8),
                              static_cast<uint8_t>(crc)};
        append(out, "=");
        append_base64_lines(out, ByteView(c, 3), eol);
    }
    append(out, kEnd), append(out, label), append(out, kDashes), append(out, eol);
}

}  // namespace

std::string armor_encode(ByteView data, std::string_view label,
                         const std::vector<std::pair<std::string, std::string>>& headers) {
    std::string out;
    write_armor(out, data, label, ArmorStyle{}, headers);
    return out;
}

void armor_append(Bytes& out, ByteView data, std::string_view label, const ArmorStyle& style) {
    write_armor(out, data, label, style, {});
}

Result<Bytes> to_binary(ByteView input, const ArmorLimits& limits) {
    if (!is_armored(input, limits)) return Bytes(input.begin(), input.end());
    MIXTASY_TRY(a, armor_decode(input, limits));
    return std::move(a->data);
}

}  // namespace mixtasy::crypto
