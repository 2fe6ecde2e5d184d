// SPDX-License-Identifier: BSD-2-Clause
// client_config.h - the sender's configuration file (~/.config/mixtasy/
// mixtasy.conf): `Key value` lines like the daemon's, `#` comments.
//
// WHAT IT DOES
//   parse_client_config(text) reads the keys below; each key's check sits
//   beside it in one table (client_config.cpp).  Keys that may repeat
//   (KeyServer, MixDomain, KeyServiceDomain, KeyFile, RankingKey) collect
//   every value.
//     KeyServer URL          a keyserver for `dir update` (hkps://...)
//     MixDomain DOMAIN       a mix domain whose WKD `dir update` asks
//     KeyServiceDomain DOMAIN  a domain whose keys@ service (seed 004)
//                            `dir update` asks by mail; the reply goes in
//                            with `dir import --reply`
//     KeyFile PATH           a file of armored keys `dir update` reads
//                            (offline users and the tests)
//     Sendmail PATH          submit through this sendmail binary (-i)
//                            (default /usr/sbin/sendmail)
//     SmtpUrl URL            submit by SMTP instead: smtp://host:587 (STARTTLS
//                            required) or smtps://host:465
//     SmtpUser NAME          AUTH user; SmtpPasswordFile PATH its password
//     SmtpTls MODE           starttls (default: required on smtp://), none
//                            (a loopback test server only)
//     EnvelopeSender ADDR    MAIL FROM of every submission; required to
//                            send, since an empty one is refused by most
//                            submission servers and any other choice names
//                            someone: it is the user's to make.  `<>` is
//                            the explicit choice of an empty sender.
//     SenderDomain DOMAIN    the sender's provider (its mix joins the path);
//                            default: EnvelopeSender's domain
//     MinSubkeyValidity T    refuse subkeys with less left (default 12h)
//     HalfLife T             the directory is stale after T (default 1d)
//     RankingKey PATH        a file of trusted ranking keys (seed 000
//                            6.3.3; core/sender/ranking.h)
//     MinRank N              use only mixes certified by at least N of the
//                            ranking keys (default 0: every mix)
//
// WHAT IT GUARANTEES
//   Every value is checked before it is stored; a value never holds a CR,
//   LF or NUL.
//
// WHAT IT REFUSES (ClientConfigError, with the line number)
//   An unknown key, a missing or malformed value, a repeated single key,
//   more than kMaxLines lines, a line over kMaxLineBytes, a file over
//   kMaxConfigBytes.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"

namespace mixtasy::core {

struct ClientConfig {
    std::vector<std::string> key_servers;
    std::vector<std::string> mix_domains;
    // Domains whose keys@ service (seed 004) `dir update` asks by mail; the
    // replies arrive later and go in with `dir import --reply`.
    std::vector<std::string> key_service_domains;
    std::vector<std::string> key_files;
    std::string sendmail = "/usr/sbin/sendmail";
    std::string smtp_url;
    std::string smtp_user;
    bool smtp_starttls = true;
    std::string smtp_password_file;
    std::optional<std::string> envelope_sender;  // "" for <>; nullopt: not chosen
    std::string sender_domain;
    std::chrono::seconds min_subkey_validity{12 * 3600};
    std::chrono::seconds half_life{24 * 3600};
    std::vector<std::string> ranking_keys;  // RankingKey files
    std::size_t min_rank = 0;
};

inline constexpr std::size_t kMaxMinRank = 100;

struct ClientConfigError {
    std::size_t line = 0;  // 1-based; 0 for the file as a whole
    std::string detail;
};

inline constexpr std::size_t kMaxConfigBytes = 64 * 1024;
inline constexpr std::size_t kMaxLines = 1000;
inline constexpr std::size_t kMaxLineBytes = 1024;

Expected<ClientConfig, ClientConfigError> parse_client_config(std::string_view text);

}  // namespace mixtasy::core
