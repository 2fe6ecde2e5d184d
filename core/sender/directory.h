// SPDX-License-Identifier: BSD-2-Clause
// directory.h - the sender's local directory of mixes (issue 13): which
// mixes exist, their validated keys, where each came from, and which
// primary key is pinned for each mix address.
//
// WHAT IT DOES
//   Directory::load(dir) reads the directory kept in `dir` (a missing one
//   is empty); save() writes it back.  import(fetched, now) validates every
//   key of one FetchedKey (key_source.h) exactly as mix_key.h's
//   check_armored_keys does and files it:
//     - a new address is pinned to the key's primary fingerprint (first
//       sight), with its origin, where, first seen and last refreshed;
//     - the pinned key seen again is refreshed (its new subkeys taken),
//       unless the copy on file came from a better origin; third-party
//       certifications of its user ID (ranking, ranking.h) are merged from
//       every copy, at most 64 per user ID;
//     - a different primary key for a known address is kept as pending:
//       listed, never used, until accept(address) makes it the pin.  One
//       exception: a key from the mix domain's own WKD replaces a pin that
//       came from a keyserver or the key service (a WKD key outranks
//       keyserver copies);
//     - an invalid key is listed with its reason and never used.
//   usable(now, min_validity) is what a sender may use now: each pinned mix
//   whose key is valid now, its encryption subkeys that expire sooner than
//   `min_validity` (12 hours by default) left out, so a message crosses
//   the pools before its key expires.
//   stale(now, half_life): the directory was last updated longer ago than a
//   subkey half-life (1 day by default): its keys may have been rotated.
//
// WHAT IT GUARANTEES
//   Files in `dir`: `index` (tab-separated lines, see directory.cpp) and
//   `keys.asc` (the pinned and pending keys, armored), each replaced
//   atomically and read bounded (crypto/key_file.h: at most 1 MiB), the
//   directory 0700.  Its own files are input like any other: a line over
//   kMaxIndexLine, more than kMaxMixes mixes, an unknown record or a bad
//   number is a DirectoryError, never a guess; a key in keys.asc is
//   validated again on every load.
//
// WHAT IT REFUSES (DirectoryError: a code, a one-line detail)
//   Io (a file that cannot be read or written), Corrupt (an index that
//   breaks the rules above), NotFound (accept of an address with nothing
//   pending).
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "core/keys/key_source.h"
#include "core/keys/keyring.h"
#include "core/keys/mix_key.h"
#include "core/ports/clock.h"

namespace mixtasy::core {

inline constexpr std::chrono::seconds kDefaultHalfLife{24 * 3600};
inline constexpr std::chrono::seconds kDefaultMinSubkeyValidity{12 * 3600};

struct DirectoryError {
    enum class Code { Io, Corrupt, NotFound };
    Code code;
    std::string detail;
};

struct KeySighting {
    std::string fingerprint;  // primary, hex
    KeyOrigin origin = KeyOrigin::File;
    std::string where;
    Instant seen{};
};

struct DirectoryEntry {
    std::string address;  // mixtasy@fqdn, lower-case
    KeySighting pinned;   // `seen` is the first sight
    Instant refreshed{};
    std::optional<KeySighting> pending;  // a different primary key, not used
};

struct RejectedKey {
    KeyOrigin origin = KeyOrigin::File;
    std::string where;
    std::string fingerprint;  // empty when the block did not decode
    MixKeyRefusal refusal;
};

// What one import did, for the user.
struct ImportReport {
    std::size_t added = 0;
    std::size_t refreshed = 0;
    std::size_t replaced = 0;  // a keyserver pin replaced by the domain's WKD key
    std::size_t pending = 0;
    std::size_t rejected = 0;
};

class Directory {
public:
    static constexpr std::size_t kMaxMixes = 2000;
    static constexpr std::size_t kMaxRejected = 2000;
    static constexpr std::size_t kMaxIndexLine = 2048;

    // `dir` does not have to exist.
    static Expected<Directory, DirectoryError> load(const std::filesystem::path& dir);
    // What load() does with the two files' contents (the fuzzer's entry).
    static Expected<Directory, DirectoryError> from_text(const std::filesystem::path& dir,
                                                         std::string_view index,
                                                         std::string_view keys);
    Expected<void, DirectoryError> save() const;

    ImportReport import(const FetchedKey& fetched, Instant now);
    Expected<void, DirectoryError> accept(std::string_view address, Instant now);
    void mark_updated(Instant now) { updated_ = now; }

    const std::vector<DirectoryEntry>& entries() const { return entries_; }
    const std::vector<RejectedKey>& rejected() const { return rejected_; }
    const crypto::Certificate* certificate(std::string_view fingerprint) const;
    std::optional<Instant> updated() const { return updated_; }
    bool stale(Instant now, std::chrono::seconds half_life = kDefaultHalfLife) const;

    KeyRing usable(Instant now,
                   std::chrono::seconds min_validity = kDefaultMinSubkeyValidity) const;
    // The key of one entry as usable() judges it: the reason it is left out.
    Expected<MixKey, MixKeyRefusal> usable_key(
        const DirectoryEntry& entry, Instant now,
        std::chrono::seconds min_validity = kDefaultMinSubkeyValidity) const;

    const std::filesystem::path& path() const { return dir_; }

private:
    void file_key(const MixKey& key, const FetchedKey& fetched, Instant now, ImportReport& report);
    DirectoryEntry* find(std::string_view address);

    std::filesystem::path dir_;
    std::vector<DirectoryEntry> entries_;
    std::vector<RejectedKey> rejected_;
    std::map<std::string, crypto::Certificate> certs_;  // by primary fingerprint
    std::optional<Instant> updated_;
};

// $XDG_DATA_HOME/mixtasy/directory, or ~/.local/share/mixtasy/directory.
std::filesystem::path default_directory_path();

}  // namespace mixtasy::core
