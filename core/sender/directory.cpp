// SPDX-License-Identifier: BSD-2-Clause
// directory.cpp - see directory.h.
//
// The index is one record a line, fields separated by TAB (values never
// hold a TAB, CR or LF: writers replace them by blanks):
//   mixtasy-directory  1
//   updated   UNIX
//   mix       ADDRESS  FPR  ORIGIN  FIRST_SEEN  REFRESHED  WHERE
//   pending   ADDRESS  FPR  ORIGIN  SEEN  WHERE
//   rejected  ORIGIN   FPR|-  REASON  WHERE  DETAIL
// A pending line follows the mix line of its address.
#include "core/sender/directory.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>

#include "common/ascii.h"
#include "crypto/armor.h"
#include "crypto/armor_blocks.h"
#include "crypto/key_file.h"
#include "crypto/key_io.h"

namespace mixtasy::core {
namespace {

using Code = DirectoryError::Code;

constexpr const char* kIndexFile = "index";
constexpr const char* kKeysFile = "keys.asc";
constexpr std::string_view kMagic = "mixtasy-directory\t1";
constexpr std::size_t kMaxWhere = 512;

Unexpected<DirectoryError> fail(Code code, std::string detail) {
    return Unexpected{DirectoryError{code, std::move(detail)}};
}

// A value as the index may hold it: one line, no TAB, bounded.
std::string field(std::string_view s) {
    std::string out(s.substr(0, kMaxWhere));
    for (char& c : out)
        if (c == '\t' || c == '\r' || c == '\n') c = ' ';
    return out;
}

std::vector<std::string_view> split_tabs(std::string_view line) {
    std::vector<std::string_view> out;
    while (true) {
        const auto tab = line.find('\t');
        out.push_back(line.substr(0, tab));
        if (tab == std::string_view::npos) return out;
        line.remove_prefix(tab + 1);
    }
}

std::optional<Instant> parse_instant(std::string_view s) {
    std::int64_t v = 0;
    const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || end != s.data() + s.size() || v < 0) return std::nullopt;
    return from_unix(v);
}

std::optional<KeyOrigin> parse_origin(std::string_view s) {
    for (auto o : {KeyOrigin::Keyserver, KeyOrigin::KeyService, KeyOrigin::Wkd, KeyOrigin::File})
        if (s == to_string(o)) return o;
    return std::nullopt;
}

std::optional<MixKeyReason> parse_reason(std::string_view s) {
    for (int r = 0; r <= static_cast<int>(MixKeyReason::NoValidSubkey); ++r)
        if (s == to_string(static_cast<MixKeyReason>(r))) return static_cast<MixKeyReason>(r);
    return std::nullopt;
}

bool is_fingerprint(std::string_view s) {
    // crypto::to_hex writes upper-case hex.
    return (s.size() == 40 || s.size() == 64) &&
           s.find_first_not_of("0123456789ABCDEF") == std::string_view::npos;
}

// A copy outranks another when it comes from a better place: the domain's
// own WKD or the user's file over the key service over a keyserver.
bool at_least_as_good(KeyOrigin a, KeyOrigin b) {
    return static_cast<int>(a) >= static_cast<int>(b);
}

crypto::Timestamp newest_subkey(const crypto::Certificate& cert) {
    crypto::Timestamp t = 0;
    for (const auto& s : cert.subkeys) t = std::max(t, s.key.created);
    return t;
}

std::string format_time(Instant t) { return std::to_string(to_unix(t)); }

}  // namespace

namespace {

// One index being read: each record checked for its shape and numbers.
struct IndexReader {
    std::vector<DirectoryEntry> entries;
    std::vector<RejectedKey> rejected;
    std::optional<Instant> updated;

    Expected<void, DirectoryError> record(const std::vector<std::string_view>& f) {
        if (f[0] == "updated" && f.size() == 2) {
            updated = parse_instant(f[1]);
            if (!updated) return fail(Code::Corrupt, "bad updated time");
            return {};
        }
        if (f[0] == "mix" && f.size() == 7) return mix(f);
        if (f[0] == "pending" && f.size() == 6) return pending(f);
        if (f[0] == "rejected" && f.size() == 6) return reject(f);
        return fail(Code::Corrupt, "unknown record '" + field(f[0]) + "'");
    }

    Expected<KeySighting, DirectoryError> sighting(std::string_view fpr, std::string_view origin,
                                                   std::string_view seen, std::string_view where) {
        auto o = parse_origin(origin);
        auto t = parse_instant(seen);
        if (!is_fingerprint(fpr) || !o || !t) return fail(Code::Corrupt, "bad key record");
        return KeySighting{std::string(fpr), *o, std::string(where), *t};
    }

    Expected<void, DirectoryError> mix(const std::vector<std::string_view>& f) {
        if (entries.size() >= Directory::kMaxMixes) return fail(Code::Corrupt, "too many mixes");
        MIXTASY_TRY(pin, sighting(f[2], f[3], f[4], f[6]));
        auto refreshed = parse_instant(f[5]);
        if (!refreshed || !f[1].starts_with("mixtasy@"))
            return fail(Code::Corrupt, "bad mix record");
        entries.push_back({ascii::lower(f[1]), std::move(*pin), *refreshed, std::nullopt});
        return {};
    }

    Expected<void, DirectoryError> pending(const std::vector<std::string_view>& f) {
        if (entries.empty() || entries.back().address != f[1] || entries.back().pending)
            return fail(Code::Corrupt, "pending record without its mix");
        MIXTASY_TRY(seen, sighting(f[2], f[3], f[4], f[5]));
        entries.back().pending = std::move(*seen);
        return {};
    }

    Expected<void, DirectoryError> reject(const std::vector<std::string_view>& f) {
        if (rejected.size() >= Directory::kMaxRejected)
            return fail(Code::Corrupt, "too many rejected keys");
        auto o = parse_origin(f[1]);
        auto r = parse_reason(f[3]);
        const bool fpr_ok = f[2] == "-" || is_fingerprint(f[2]);
        if (!o || !r || !fpr_ok) return fail(Code::Corrupt, "bad rejected record");
        rejected.push_back({*o, std::string(f[4]), f[2] == "-" ? "" : std::string(f[2]),
                            MixKeyRefusal{*r, std::string(f[5])}});
        return {};
    }
};

Expected<std::optional<std::string>, DirectoryError> read_optional(
    const std::filesystem::path& path) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) return std::optional<std::string>();
    auto text = crypto::read_key_file(path, crypto::FileAccess::Any);
    if (!text) return fail(Code::Io, crypto::describe(text.error()));
    return std::optional<std::string>(std::move(*text));
}

Expected<IndexReader, DirectoryError> read_index(std::string_view text) {
    IndexReader reader;
    bool first = true;
    while (!text.empty()) {
        const auto lf = text.find('\n');
        if (lf == std::string_view::npos) return fail(Code::Corrupt, "index ends mid-line");
        const std::string_view line = text.substr(0, lf);
        text.remove_prefix(lf + 1);
        if (line.size() > Directory::kMaxIndexLine)
            return fail(Code::Corrupt, "index line too long");
        if (first) {
            if (line != kMagic) return fail(Code::Corrupt, "not a mixtasy directory index");
            first = false;
            continue;
        }
        MIXTASY_CHECK(reader.record(split_tabs(line)));
    }
    return reader;
}

// Every certificate of keys.asc by fingerprint; keys that no longer parse
// are left out (the entries naming them then count as corrupt).
std::map<std::string, crypto::Certificate> read_keys(std::string_view text) {
    std::map<std::string, crypto::Certificate> out;
    for (std::string_view block : crypto::split_armor_blocks(text, 2 * Directory::kMaxMixes)) {
        auto armored = crypto::armor_decode(as_bytes(block));
        if (!armored) continue;
        auto certs = crypto::parse_certificates(armored->data);
        if (!certs) continue;
        for (auto& c : *certs) out.emplace(crypto::to_hex(c.fingerprint()), std::move(c));
    }
    return out;
}

}  // namespace

Expected<Directory, DirectoryError> Directory::load(const std::filesystem::path& dir) {
    MIXTASY_TRY(index, read_optional(dir / kIndexFile));
    if (!*index) {
        Directory empty;
        empty.dir_ = dir;
        return empty;
    }
    MIXTASY_TRY(keys, read_optional(dir / kKeysFile));
    return from_text(dir, **index, keys->value_or(""));
}

Expected<Directory, DirectoryError> Directory::from_text(const std::filesystem::path& dir,
                                                         std::string_view index,
                                                         std::string_view keys) {
    Directory d;
    d.dir_ = dir;
    MIXTASY_TRY(reader, read_index(index));
    d.certs_ = read_keys(keys);
    for (const auto& e : reader->entries) {
        const bool pin_ok = d.certs_.count(e.pinned.fingerprint) != 0;
        const bool pending_ok = !e.pending || d.certs_.count(e.pending->fingerprint) != 0;
        if (!pin_ok || !pending_ok)
            return fail(Code::Corrupt, "keys.asc lacks a key of " + e.address);
    }
    d.entries_ = std::move(reader->entries);
    d.rejected_ = std::move(reader->rejected);
    d.updated_ = reader->updated;
    return d;
}

Expected<void, DirectoryError> Directory::save() const {
    std::error_code ec;
    std::filesystem::create_directories(dir_.parent_path(), ec);
    if (auto made = crypto::make_private_directory(dir_); !made)
        return fail(Code::Io, crypto::describe(made.error()));
    std::string index = std::string(kMagic) + "\n";
    if (updated_) index += "updated\t" + format_time(*updated_) + "\n";
    std::string keys;
    for (const auto& e : entries_) {
        const KeySighting& p = e.pinned;
        index += "mix\t" + e.address + "\t" + p.fingerprint + "\t" + to_string(p.origin) + "\t" +
                 format_time(p.seen) + "\t" + format_time(e.refreshed) + "\t" + field(p.where) +
                 "\n";
        keys += crypto::export_public(certs_.at(p.fingerprint));
        if (!e.pending) continue;
        const KeySighting& q = *e.pending;
        index += "pending\t" + e.address + "\t" + q.fingerprint + "\t" + to_string(q.origin) +
                 "\t" + format_time(q.seen) + "\t" + field(q.where) + "\n";
        keys += crypto::export_public(certs_.at(q.fingerprint));
    }
    for (const auto& r : rejected_) {
        index += "rejected\t" + std::string(to_string(r.origin)) + "\t" +
                 (r.fingerprint.empty() ? "-" : r.fingerprint) + "\t" +
                 to_string(r.refusal.reason) + "\t" + field(r.where) + "\t" +
                 field(r.refusal.detail) + "\n";
    }
    if (keys.size() > crypto::kMaxKeyFileSize || index.size() > crypto::kMaxKeyFileSize)
        return fail(Code::Io, "the directory would exceed 1 MiB per file; nothing written");
    // Keys first, so a crash between the two leaves the old index beside
    // keys that still hold its pins (only accept and a WKD replacement drop
    // a key, and load() calls that case Corrupt rather than guess).
    if (auto w = crypto::write_key_file(dir_, kKeysFile, keys, 0600); !w)
        return fail(Code::Io, crypto::describe(w.error()));
    if (auto w = crypto::write_key_file(dir_, kIndexFile, index, 0600); !w)
        return fail(Code::Io, crypto::describe(w.error()));
    return {};
}

DirectoryEntry* Directory::find(std::string_view address) {
    for (auto& e : entries_)
        if (ascii::iequals(e.address, address)) return &e;
    return nullptr;
}

const crypto::Certificate* Directory::certificate(std::string_view fingerprint) const {
    auto it = certs_.find(std::string(fingerprint));
    return it == certs_.end() ? nullptr : &it->second;
}

bool Directory::stale(Instant now, std::chrono::seconds half_life) const {
    return !updated_ || now - *updated_ > half_life;
}

ImportReport Directory::import(const FetchedKey& fetched, Instant now) {
    ImportReport report;
    // What this source said before is replaced by what it says now.
    std::erase_if(rejected_, [&](const RejectedKey& r) {
        return r.origin == fetched.origin && r.where == fetched.where;
    });
    for (auto& checked : check_armored_keys(fetched.armored, now)) {
        if (checked.result) {
            file_key(*checked.result, fetched, now, report);
            continue;
        }
        ++report.rejected;
        if (rejected_.size() < kMaxRejected)
            rejected_.push_back(
                {fetched.origin, fetched.where, checked.fingerprint, checked.result.error()});
    }
    return report;
}

namespace {

constexpr std::size_t kMaxCertifications = 64;

// Third-party certifications (ranking, core/sender/ranking.h) of `from`'s
// user IDs added to the same user IDs of `into`, each once, at most
// kMaxCertifications per user ID so that keys.asc stays within the
// certificate parser's limits.  They are verified when counted, not here.
void merge_certifications(crypto::Certificate& into, const crypto::Certificate& from) {
    for (auto& uid : into.user_ids) {
        for (const auto& other : from.user_ids) {
            if (other.text != uid.text) continue;
            for (const auto& sig : other.certifications) {
                if (uid.certifications.size() >= kMaxCertifications) break;
                const bool known = std::any_of(
                    uid.certifications.begin(), uid.certifications.end(),
                    [&](const crypto::Signature& s) { return s.body == sig.body; });
                if (!known) uid.certifications.push_back(sig);
            }
        }
    }
}

}  // namespace

void Directory::file_key(const MixKey& key, const FetchedKey& fetched, Instant now,
                         ImportReport& report) {
    const KeySighting seen{key.fingerprint, fetched.origin, fetched.where, now};
    DirectoryEntry* entry = find(key.address);
    if (entry == nullptr) {
        if (entries_.size() >= kMaxMixes) {
            ++report.rejected;
            return;
        }
        entries_.push_back({key.address, seen, now, std::nullopt});
        certs_[key.fingerprint] = key.cert;
        ++report.added;
        return;
    }
    if (entry->pinned.fingerprint == key.fingerprint) {
        // The same key again: take this copy when it comes from as good a
        // place or carries a newer subkey (a rotated key).
        crypto::Certificate& old = certs_.at(key.fingerprint);
        if (at_least_as_good(fetched.origin, entry->pinned.origin) ||
            newest_subkey(key.cert) > newest_subkey(old)) {
            crypto::Certificate taken = key.cert;
            merge_certifications(taken, old);
            old = std::move(taken);
            if (at_least_as_good(fetched.origin, entry->pinned.origin)) {
                entry->pinned.origin = fetched.origin;
                entry->pinned.where = fetched.where;
            }
        } else {
            // Ranking keys' certifications travel on keyserver copies too.
            merge_certifications(old, key.cert);
        }
        entry->refreshed = now;
        ++report.refreshed;
        return;
    }
    const bool wkd_over_keyserver =
        fetched.origin == KeyOrigin::Wkd && (entry->pinned.origin == KeyOrigin::Keyserver ||
                                             entry->pinned.origin == KeyOrigin::KeyService);
    certs_[key.fingerprint] = key.cert;
    if (wkd_over_keyserver) {
        entry->pinned = seen;
        entry->refreshed = now;
        if (entry->pending && entry->pending->fingerprint == key.fingerprint)
            entry->pending.reset();
        ++report.replaced;
        return;
    }
    entry->pending = seen;
    ++report.pending;
}

Expected<void, DirectoryError> Directory::accept(std::string_view address, Instant now) {
    DirectoryEntry* entry = find(address);
    if (entry == nullptr || !entry->pending)
        return fail(Code::NotFound, "no pending key for " + std::string(address));
    entry->pinned = *entry->pending;
    entry->pinned.seen = now;
    entry->refreshed = now;
    entry->pending.reset();
    return {};
}

Expected<MixKey, MixKeyRefusal> Directory::usable_key(const DirectoryEntry& entry, Instant now,
                                                      std::chrono::seconds min_validity) const {
    const crypto::Certificate* cert = certificate(entry.pinned.fingerprint);
    if (cert == nullptr)
        return Unexpected{MixKeyRefusal{MixKeyReason::Unreadable, "no key on file"}};
    MIXTASY_TRY(key, check_mix_key(*cert, now));
    if (key->address != entry.address)
        return Unexpected{
            MixKeyRefusal{MixKeyReason::NotMixAddress, "the key names another address"}};
    // Subkeys that expire before a message could cross the pools are left
    // out, so the creator encrypts to the newest one with time to spare.
    crypto::Certificate trimmed = *cert;
    const auto limit = crypto::to_timestamp(now + min_validity);
    std::erase_if(trimmed.subkeys, [&](const crypto::Subkey& s) {
        return s.encryption_capable() && s.expires && *s.expires < limit;
    });
    auto usable = check_mix_key(trimmed, now);
    if (!usable && usable.error().reason == MixKeyReason::NoValidSubkey) {
        return Unexpected{MixKeyRefusal{
            MixKeyReason::NoValidSubkey,
            "no subkey valid for " + std::to_string(min_validity.count() / 3600) + " hours more"}};
    }
    return usable;
}

KeyRing Directory::usable(Instant now, std::chrono::seconds min_validity) const {
    KeyRing ring;
    for (const auto& e : entries_) {
        auto key = usable_key(e, now, min_validity);
        if (key) ring.add(std::move(*key));
    }
    return ring;
}

std::filesystem::path default_directory_path() {
    const char* data = std::getenv("XDG_DATA_HOME");
    if (data != nullptr && data[0] == '/')
        return std::filesystem::path(data) / "mixtasy" / "directory";
    const char* home = std::getenv("HOME");
    return std::filesystem::path(home != nullptr ? home : ".") / ".local" / "share" / "mixtasy" /
           "directory";
}

}  // namespace mixtasy::core
