// SPDX-License-Identifier: BSD-2-Clause
// key_service.cpp - seed 004's Key Publication and Key Retrieval; see
// key_service.h.
#include "core/publish/key_service.h"

#include <optional>
#include <vector>

#include <botan/base64.h>
#include <botan/mac.h>

#include "common/ascii.h"
#include "core/format/mail_address.h"
#include "crypto/armor.h"

namespace mixtasy::core {
namespace {

constexpr std::string_view kBegin = "-----BEGIN PGP PUBLIC KEY BLOCK-----";
constexpr std::string_view kEnd = "-----END PGP PUBLIC KEY BLOCK-----";

Unexpected<KeyServiceError> fail(KeyServiceError::Code code, std::size_t line, std::string detail) {
    return Unexpected{KeyServiceError{code, line, std::move(detail)}};
}

struct Line {
    std::string_view text;  // without CR LF, blanks trimmed
    std::size_t number = 0;
    std::size_t offset = 0;  // of the line in the body
    std::size_t end = 0;     // offset after its line break
};

Expected<std::vector<Line>, KeyServiceError> split_lines(std::string_view body,
                                                         const KeyServiceLimits& limits) {
    if (body.size() > limits.max_body_bytes)
        return fail(KeyServiceError::Code::TooLarge, 0, "body above the size limit");
    std::vector<Line> out;
    std::size_t at = 0, number = 0;
    while (at < body.size()) {
        const std::size_t lf = body.find('\n', at);
        const std::size_t stop = lf == std::string_view::npos ? body.size() : lf;
        ++number;
        std::string_view text = body.substr(at, stop - at);
        if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
        if (text.size() > limits.max_line_length)
            return fail(KeyServiceError::Code::TooLarge, number, "line above the length limit");
        out.push_back(Line{ascii::trim(text), number, at, stop == body.size() ? stop : stop + 1});
        at = stop + 1;
    }
    return out;
}

// base64 of exactly 32 bytes; Botan throws on bad input, which stays here.
std::optional<AuthKey> decode_auth(std::string_view text) {
    try {
        AuthKey key = Botan::base64_decode(text.data(), text.size(), false);
        if (key.size() != kAuthKeyBytes) return std::nullopt;
        return key;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

Expected<AuthKey, KeyServiceError> auth_of(const Line& line) {
    auto key = decode_auth(line.text);
    if (!key)
        return fail(KeyServiceError::Code::BadAuthKey, line.number,
                    "K_auth is not base64 of 32 bytes");
    return std::move(*key);
}

Expected<Bytes, KeyServiceError> dearmor(std::string_view block, std::size_t line,
                                         const KeyServiceLimits& limits) {
    crypto::ArmorLimits armor;
    armor.max_input_size = limits.max_body_bytes;
    auto decoded = crypto::armor_decode(as_bytes(block), armor);
    if (!decoded || decoded->label != crypto::kLabelPublicKey)
        return fail(KeyServiceError::Code::BadKey, line, "the key block does not decode");
    if (decoded->data.size() > limits.max_key_bytes)
        return fail(KeyServiceError::Code::TooLarge, line, "key above the size limit");
    return std::move(decoded->data);
}

}  // namespace

const char* KeyServiceError::reason() const noexcept {
    switch (code) {
        case Code::TooLarge: return "too-large";
        case Code::NoKey: return "no-key";
        case Code::BadKey: return "bad-key";
        case Code::NoAuthKey: return "no-auth-key";
        case Code::BadAuthKey: return "bad-auth-key";
        case Code::BadAddress: return "bad-address";
        case Code::Malformed: return "malformed";
    }
    return "malformed";
}

Expected<KeyPublicationRequest, KeyServiceError> parse_key_publication(
    std::string_view body, const KeyServiceLimits& limits) {
    MIXTASY_TRY(lines, split_lines(body, limits));
    std::optional<Bytes> key;
    std::optional<AuthKey> auth;
    for (std::size_t i = 0; i < lines->size(); ++i) {
        const Line& l = (*lines)[i];
        if (l.text.empty()) continue;
        if (l.text == kBegin) {
            if (key) return fail(KeyServiceError::Code::BadKey, l.number, "two key blocks");
            std::size_t j = i + 1;
            while (j < lines->size() && (*lines)[j].text != kEnd) ++j;
            if (j == lines->size())
                return fail(KeyServiceError::Code::BadKey, l.number, "key block without end");
            const std::string_view block = body.substr(l.offset, (*lines)[j].end - l.offset);
            MIXTASY_TRY(k, dearmor(block, l.number, limits));
            key = std::move(*k);
            i = j;
            continue;
        }
        if (ascii::istarts_with(l.text, "-----"))
            return fail(KeyServiceError::Code::BadKey, l.number, "not a public key block");
        if (auth) return fail(KeyServiceError::Code::Malformed, l.number, "unexpected line");
        MIXTASY_TRY(a, auth_of(l));
        auth = std::move(*a);
    }
    if (!key) return fail(KeyServiceError::Code::NoKey, 0, "no public key block");
    if (!auth) return fail(KeyServiceError::Code::NoAuthKey, 0, "no K_auth line");
    return KeyPublicationRequest{std::move(*key), std::move(*auth)};
}

Expected<KeyRetrievalRequest, KeyServiceError> parse_key_retrieval(std::string_view body,
                                                                   const KeyServiceLimits& limits) {
    MIXTASY_TRY(lines, split_lines(body, limits));
    std::vector<const Line*> content;
    for (const Line& l : *lines)
        if (!l.text.empty()) content.push_back(&l);
    if (content.empty()) return fail(KeyServiceError::Code::BadAddress, 0, "empty request");
    const auto spec = strict_addr_spec(content[0]->text);
    if (!spec || spec->address.size() != content[0]->text.size())
        return fail(KeyServiceError::Code::BadAddress, content[0]->number,
                    "not a plain local@domain");
    if (content.size() < 2) return fail(KeyServiceError::Code::NoAuthKey, 0, "no K_auth line");
    if (content.size() > 2)
        return fail(KeyServiceError::Code::Malformed, content[2]->number, "unexpected line");
    MIXTASY_TRY(auth, auth_of(*content[1]));
    return KeyRetrievalRequest{std::string(spec->address), std::move(*auth)};
}

KeyHmac key_hmac(const AuthKey& auth, ByteView key) {
    auto mac = Botan::MessageAuthenticationCode::create_or_throw("HMAC(SHA-256)");
    mac->set_key(auth);
    mac->update(key.data(), key.size());
    KeyHmac out{};
    mac->final(out.data());
    return out;
}

std::string publication_confirmation(const KeyHmac& hmac) {
    return Botan::base64_encode(hmac.data(), hmac.size()) + "\r\n";
}

std::string retrieval_reply(ByteView key, const KeyHmac& hmac) {
    Bytes armored;
    crypto::armor_append(armored, key, crypto::kLabelPublicKey, crypto::ArmorStyle{true, true});
    return std::string(as_chars(armored)) + publication_confirmation(hmac);
}

}  // namespace mixtasy::core
