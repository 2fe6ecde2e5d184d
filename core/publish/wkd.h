// SPDX-License-Identifier: BSD-2-Clause
// wkd.h - the OpenPGP Web Key Directory (draft-koch-openpgp-webkey-service):
// where a mix address's key lives on the web, and the tree a node writes for
// its web server.
//
// WHAT IT DOES
//   zbase32(bytes)          z-base-32 (the draft's section 3.1 encoding)
//   wkd_hash(local)         z-base-32 of SHA-1 of the ASCII-lower-cased
//                           local part: "mixtasy" -> "wt6m6zg1...banmx"
//   wkd_address(addr)       an address split for WKD, or nullopt
//   wkd_urls(address)       the advanced URL
//                             https://openpgpkey.<domain>/.well-known/openpgpkey/<domain>/hu/<hash>?l=<local>
//                           and the direct one
//                             https://<domain>/.well-known/openpgpkey/hu/<hash>?l=<local>
//   write_wkd_tree(root, keys) writes, under root, both layouts:
//       .well-known/openpgpkey/policy                 direct layout
//       .well-known/openpgpkey/hu/<hash>              binary key
//       .well-known/openpgpkey/<domain>/policy        advanced layout
//       .well-known/openpgpkey/<domain>/hu/<hash>
//     root is served as the document root of <domain> and of
//     openpgpkey.<domain>; nothing outside .well-known/openpgpkey is touched.
//
// WHAT IT GUARANTEES
//   The tree is replaced atomically: built complete beside the old one
//   (.well-known/.openpgpkey.new), synced, then exchanged with it in one
//   renameat2(RENAME_EXCHANGE) (plain rename the first time) and the old
//   one removed, so the web server never serves a half-written tree or a
//   key without its policy.  Files are mode 0644, directories 0755.
//
// WHAT IT REFUSES
//   An address that is not a strict local@domain (format/mail_address.h)
//   or whose local part passes 64 bytes (BadAddress); more than
//   kMaxWkdKeys keys; filesystem failures (Io, with the path).
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/bytes.h"
#include "common/expected.h"

namespace mixtasy::core {

inline constexpr std::size_t kMaxWkdLocalPart = 64;
inline constexpr std::size_t kMaxWkdKeys = 256;

struct WkdAddress {
    std::string local;   // as given; hashed lower-cased
    std::string domain;  // lower-cased
};

struct WkdUrls {
    std::string advanced;
    std::string direct;
};

struct WkdKey {
    std::string address;  // mixtasy@mix1.example
    Bytes binary;         // the certificate, binary (not armored), as WKD serves it
};

struct WkdError {
    enum class Code { BadAddress, TooMany, Io };
    Code code = Code::Io;
    std::string detail;
};

std::string zbase32(ByteView data);
std::string wkd_hash(std::string_view local_part);
std::optional<WkdAddress> wkd_address(std::string_view address);
WkdUrls wkd_urls(const WkdAddress& address);

Expected<void, WkdError> write_wkd_tree(const std::filesystem::path& root,
                                        const std::vector<WkdKey>& keys);

}  // namespace mixtasy::core
