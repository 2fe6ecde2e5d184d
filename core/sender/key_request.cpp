// SPDX-License-Identifier: BSD-2-Clause
// key_request.cpp - see key_request.h.
#include "core/sender/key_request.h"

#include <algorithm>
#include <charconv>
#include <exception>

#include <botan/base64.h>

#include "common/ascii.h"
#include "core/format/mail_address.h"
#include "core/format/mail_header.h"
#include "crypto/key_file.h"

namespace mixtasy::core {
namespace {

using Code = KeyRequestError::Code;

constexpr std::size_t kAuthBytes = 32;  // seed 004 V: a 32-byte key

Unexpected<KeyRequestError> refuse(Code code, std::string detail) {
    return Unexpected{KeyRequestError{code, std::move(detail)}};
}

// The whole text is one plain address (strict_addr_spec accepts a prefix).
bool plain_address(std::string_view text) {
    const auto spec = strict_addr_spec(text);
    return spec && spec->address.size() == text.size();
}

bool is_auth(std::string_view text) {
    try {
        return Botan::base64_decode(text.data(), text.size(), false).size() == kAuthBytes;
    } catch (const std::exception&) {
        return false;
    }
}

// "address TAB auth TAB created" -> a request; nullopt for anything else.
std::optional<KeyRequest> parse_line(std::string_view line) {
    const std::size_t a = line.find('\t');
    const std::size_t b = a == std::string_view::npos ? a : line.find('\t', a + 1);
    if (b == std::string_view::npos || line.find('\t', b + 1) != std::string_view::npos)
        return std::nullopt;
    const std::string_view address = line.substr(0, a), auth = line.substr(a + 1, b - a - 1),
                           created = line.substr(b + 1);
    std::int64_t unix = 0;
    const auto [end, ec] = std::from_chars(created.data(), created.data() + created.size(), unix);
    if (!plain_address(address) || !ascii::istarts_with(address, "mixtasy@") || !is_auth(auth) ||
        created.empty() || ec != std::errc() || end != created.data() + created.size() || unix < 0)
        return std::nullopt;
    return KeyRequest{ascii::lower(address), std::string(auth), from_unix(unix)};
}

}  // namespace

const char* to_string(KeyRequestError::Code code) noexcept {
    switch (code) {
        case Code::BadDomain: return "bad-domain";
        case Code::BadSender: return "bad-sender";
        case Code::Io: return "io";
        case Code::Corrupt: return "corrupt";
        case Code::TooMany: return "too-many";
        case Code::BadReply: return "bad-reply";
        case Code::NoRequest: return "no-request";
    }
    return "unknown";
}

std::string KeyRequest::service() const { return "keys@" + address.substr(address.find('@') + 1); }

Expected<KeyRequest, KeyRequestError> new_key_request(std::string_view domain, Random& random,
                                                      Instant now) {
    const std::string address = "mixtasy@" + ascii::lower(domain);
    if (domain.empty() || !plain_address(address))
        return refuse(Code::BadDomain, "not a plain domain: " + std::string(domain));
    const Bytes auth = random.bytes(kAuthBytes);
    return KeyRequest{address, Botan::base64_encode(auth.data(), auth.size()), now};
}

Expected<std::string, KeyRequestError> request_mail(const KeyRequest& request,
                                                    std::string_view from) {
    // The reply goes to `from`: it must be a mailbox the user reads.
    if (!plain_address(from))
        return refuse(Code::BadSender,
                      "the reply needs a plain address to go to, not '" + std::string(from) + "'");
    return "From: " + std::string(from) + "\r\nTo: " + request.service() +
           "\r\nSubject: key request\r\nMIME-Version: 1.0\r\n"
           "Content-Type: text/plain; charset=us-ascii\r\n\r\n" +
           request.address + "\r\n" + request.auth + "\r\n";
}

Expected<std::string_view, KeyRequestError> reply_body(std::string_view mail) {
    if (mail.size() > kMaxReplyBytes) return refuse(Code::BadReply, "the reply is over 512 KiB");
    // An mbox file starts with the envelope line "From sender date".
    if (mail.starts_with("From ")) {
        const std::size_t lf = mail.find('\n');
        mail.remove_prefix(lf == std::string_view::npos ? mail.size() : lf + 1);
    }
    auto header = parse_mail_header(mail);
    if (!header) {
        return refuse(Code::BadReply, std::string("the reply's header: ") +
                                          to_string(header.error().code) + " at byte " +
                                          std::to_string(header.error().offset));
    }
    if (header->body_offset >= mail.size()) return refuse(Code::BadReply, "the reply has no body");
    return mail.substr(header->body_offset);
}

Expected<KeyRequests, KeyRequestError> KeyRequests::load(const std::filesystem::path& dir,
                                                         Instant now) {
    const auto file = dir / kKeyRequestsFile;
    std::error_code ec;
    if (!std::filesystem::exists(file, ec)) return from_text(dir, {}, now);
    auto text = crypto::read_key_file(file, crypto::FileAccess::OwnerOnly);
    if (!text) return refuse(Code::Io, crypto::describe(text.error()));
    return from_text(dir, *text, now);
}

Expected<KeyRequests, KeyRequestError> KeyRequests::from_text(const std::filesystem::path& dir,
                                                              std::string_view text, Instant now) {
    KeyRequests out;
    out.dir_ = dir;
    std::size_t number = 0;
    while (!text.empty()) {
        const std::size_t lf = text.find('\n');
        if (lf == std::string_view::npos)
            return refuse(Code::Corrupt, "key-requests: the last line has no end");
        const std::string_view line = text.substr(0, lf);
        text.remove_prefix(lf + 1);
        if (++number > kMaxKeyRequests || line.size() > kMaxKeyRequestLine)
            return refuse(Code::Corrupt,
                          "key-requests: over the limits at line " + std::to_string(number));
        auto request = parse_line(line);
        if (!request)
            return refuse(Code::Corrupt, "key-requests: bad line " + std::to_string(number));
        if (now - request->created > kKeyRequestLifetime) continue;  // unanswered: forget it
        MIXTASY_CHECK(out.add(std::move(*request)));
    }
    return out;
}

Expected<void, KeyRequestError> KeyRequests::save() const {
    std::string text;
    for (const auto& r : requests_)
        text += r.address + "\t" + r.auth + "\t" + std::to_string(to_unix(r.created)) + "\n";
    if (auto made = crypto::make_private_directory(dir_); !made)
        return refuse(Code::Io, crypto::describe(made.error()));
    const std::string name(kKeyRequestsFile);
    if (auto w = crypto::write_key_file(dir_, name.c_str(), text, 0600); !w)
        return refuse(Code::Io, crypto::describe(w.error()));
    return {};
}

Expected<void, KeyRequestError> KeyRequests::add(KeyRequest request) {
    std::erase_if(requests_, [&](const KeyRequest& r) { return r.address == request.address; });
    if (requests_.size() >= kMaxKeyRequests)
        return refuse(Code::TooMany,
                      "more than " + std::to_string(kMaxKeyRequests) + " key requests are pending");
    requests_.push_back(std::move(request));
    return {};
}

const KeyRequest* KeyRequests::find(std::string_view address) const {
    for (const auto& r : requests_)
        if (ascii::iequals(r.address, address)) return &r;
    return nullptr;
}

Expected<KeyRequest, KeyRequestError> KeyRequests::take(std::string_view address) {
    const auto it = std::find_if(requests_.begin(), requests_.end(), [&](const KeyRequest& r) {
        return ascii::iequals(r.address, address);
    });
    if (it == requests_.end())
        return refuse(Code::NoRequest, "no pending key request for " + std::string(address) +
                                           " (`mixtasy dir request` it first)");
    KeyRequest out = std::move(*it);
    requests_.erase(it);
    return out;
}

}  // namespace mixtasy::core
