// SPDX-License-Identifier: BSD-2-Clause
// key_source.h - where mix keys come from, as one interface for everyone who
// refreshes a view of the network: the sender's directory (`mixtasy dir
// update`) and the node's own list of mixes for dummy traffic.
//
// WHAT IT DOES
//   A KeySource fetches candidate certificates from one place: a keyserver
//   (HKP search for the mix address scheme, then every key found), a mix
//   domain's Web Key Directory, seed 004's key service, or a file.  It
//   fetches; it does not judge.  Every FetchedKey is validated by the
//   caller against the mix key format (mix_key.h) exactly as an imported
//   file is, so a hostile source can offer garbage but never a key that a
//   file could not also offer.
//
// WHAT IT GUARANTEES
//   fetch_all() asks for every mix key the source offers, never for the
//   mixes of one path: the choice of path must not show in what is fetched
//   (seed 000 6.3.2).  Each implementation bounds what it reads (bytes per
//   response, keys per source) and says so in its own header.
//
// WHAT IT REFUSES
//   Nothing here; a source that cannot be reached returns KeySourceError,
//   and `temporary` says whether trying again later may help (a refused
//   connection, an HTTP 5xx) or not (a malformed URL, an HTTP 404).
#pragma once

#include <string>
#include <vector>

#include "common/expected.h"

namespace mixtasy::core {

// Ordered by trust: a key from the mix domain's own WKD outranks a
// keyserver's copy of the same address (issue 13); a file is what the user
// chose to import.
enum class KeyOrigin { Keyserver, KeyService, Wkd, File };
const char* to_string(KeyOrigin origin) noexcept;

struct FetchedKey {
    KeyOrigin origin = KeyOrigin::File;
    std::string where;    // "hkps://keys.example.org", "wkd:mix1.example", a path
    std::string armored;  // one or more ASCII-armored public key blocks
};

struct KeySourceError {
    std::string detail;  // one line, no secrets; names the source
    bool temporary = true;
};

class KeySource {
public:
    virtual ~KeySource() = default;
    virtual KeyOrigin origin() const = 0;
    virtual std::string where() const = 0;
    virtual Expected<std::vector<FetchedKey>, KeySourceError> fetch_all() = 0;
};

}  // namespace mixtasy::core
