// SPDX-License-Identifier: BSD-2-Clause
// key_request.h - the sender's side of seed 004's Key Retrieval protocol
// (figures 5 and 6) for mix keys: ask keys@DOMAIN for mixtasy@DOMAIN's key
// by mail, keep the one-time key K_auth until the answer arrives in the
// user's mailbox, then read that answer.
//
// WHAT IT DOES
//   new_key_request(domain, random, now): a request for mixtasy@DOMAIN
//       with a fresh K_auth (32 random bytes, kept base64 as the mail
//       carries it).
//   request_mail(request, from): the request mail, CRLF: To: keys@DOMAIN,
//       From: `from`, and the body of seed 004 fig. 5, the address asked
//       for on the first line and K_auth on the next (what core/publish/
//       key_service.h's parse_key_retrieval reads).  No Message-ID, Date or
//       User-Agent: the submission server adds what it needs.
//   reply_body(mail): the body of a reply mail (fig. 6) as the user saved
//       it (an mbox "From " line first is skipped), its header read with
//       the one bounded mail-header reader; the body is what key_service.h's
//       retrieval_reply wrote and parse_key_publication's grammar reads
//       (one key block, one base64 line of 32 bytes).
//   KeyRequests: the pending requests of one directory, in the file
//       `key-requests` beside the directory's index, mode 0600 (K_auth is a
//       secret until the reply is checked).  A request is used once: take()
//       removes it; requests older than kKeyRequestLifetime are dropped on
//       load.  A new request for the same address replaces the old one.
//
// WHAT IT GUARANTEES
//   K_auth comes from Random (Botan's system RNG in the CLI), is never
//   logged or printed, and is on disk only in the 0600 file.  The file is
//   input like any other: at most kMaxKeyRequests lines of at most
//   kMaxKeyRequestLine bytes, each checked (address, base64 of 32 bytes, a
//   time); anything else is KeyRequestError::Corrupt, never a guess.
//
// WHAT IT REFUSES (KeyRequestError: a code, a one-line detail)
//   BadDomain (not a plain domain), BadSender (not a plain address: the
//   reply must reach the user), Io, Corrupt (the file), TooMany (more than
//   kMaxKeyRequests pending), BadReply (a reply whose header does not
//   parse or that has no body), NoRequest (take() of an address with no
//   pending request: the reply answers nothing this directory asked).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "core/ports/clock.h"
#include "core/ports/random.h"

namespace mixtasy::core {

inline constexpr std::chrono::seconds kKeyRequestLifetime{14 * 24 * 3600};
inline constexpr std::size_t kMaxKeyRequests = 256;
inline constexpr std::size_t kMaxKeyRequestLine = 512;
inline constexpr std::size_t kMaxReplyBytes = 512 * 1024;
inline constexpr std::string_view kKeyRequestsFile = "key-requests";

struct KeyRequestError {
    enum class Code { BadDomain, BadSender, Io, Corrupt, TooMany, BadReply, NoRequest };
    Code code;
    std::string detail;
};
const char* to_string(KeyRequestError::Code code) noexcept;

struct KeyRequest {
    std::string address;  // mixtasy@domain, lower-case: the key asked for
    std::string auth;     // K_auth, base64 of 32 bytes
    Instant created{};

    std::string service() const;  // keys@domain
};

Expected<KeyRequest, KeyRequestError> new_key_request(std::string_view domain, Random& random,
                                                      Instant now);
Expected<std::string, KeyRequestError> request_mail(const KeyRequest& request,
                                                    std::string_view from);
Expected<std::string_view, KeyRequestError> reply_body(std::string_view mail);

class KeyRequests {
public:
    // `dir` is the directory's folder; a missing file is no request.
    static Expected<KeyRequests, KeyRequestError> load(const std::filesystem::path& dir,
                                                       Instant now);
    // What load() does with the file's text (the fuzzer's and tests' entry).
    static Expected<KeyRequests, KeyRequestError> from_text(const std::filesystem::path& dir,
                                                            std::string_view text, Instant now);
    Expected<void, KeyRequestError> save() const;

    Expected<void, KeyRequestError> add(KeyRequest request);
    const KeyRequest* find(std::string_view address) const;
    Expected<KeyRequest, KeyRequestError> take(std::string_view address);
    const std::vector<KeyRequest>& pending() const { return requests_; }

private:
    std::filesystem::path dir_;
    std::vector<KeyRequest> requests_;
};

}  // namespace mixtasy::core
