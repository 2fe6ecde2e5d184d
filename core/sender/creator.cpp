// SPDX-License-Identifier: BSD-2-Clause
// creator.cpp - see creator.h.
#include "core/sender/creator.h"

#include <exception>
#include <string>

#include "common/ascii.h"
#include "core/format/final_message.h"
#include "core/format/layer.h"
#include "core/format/mail_address.h"
#include "core/format/mail_header.h"
#include "core/format/mix_format.h"
#include "core/format/mix_header.h"
#include "core/format/mixtasy_id.h"
#include "core/format/verification.h"
#include "core/format/wire_message.h"
#include "core/sender/path.h"

namespace mixtasy::core {
namespace {

using Code = CreateError::Code;

Unexpected<CreateError> refuse(Code code, std::string detail) {
    return Unexpected{CreateError{code, std::move(detail)}};
}

// How much of an original's header original_recipient reads.
constexpr std::size_t kMaxHeaderScan = 64 * 1024;

// Payload bytes of each part when `size` bytes are split; 0 parts on
// overflow.  The header grows with the digits of Part, so the capacity is
// computed for the widest part number of the candidate total.
std::vector<std::pair<std::size_t, std::size_t>> split(std::size_t size, const std::string& id) {
    if (size <= final_payload_capacity(MixType::Singlepart, id, {})) return {{0, size}};
    for (std::uint32_t total = 2; total <= kMaxParts; ++total) {
        const std::size_t cap = final_payload_capacity(MixType::Multipart, id, {total, total});
        if (cap == 0 || static_cast<std::size_t>(total) * cap < size) continue;
        std::vector<std::pair<std::size_t, std::size_t>> parts;
        for (std::size_t off = 0; off < size; off += cap)
            parts.emplace_back(off, std::min(cap, size - off));
        return parts;
    }
    return {};
}

// Wraps one final message for `path`, innermost layer first.
// `from` is the From of the outermost message: empty for a sender's, the
// node's own address for a node's dummy (a forward carries it too).
Expected<Bytes, CreateError> wrap(const KeyRing& ring, std::span<const std::string> path,
                                  Bytes inner, Instant now, Random& random,
                                  std::string_view from = {}) {
    for (std::size_t k = path.size(); k-- > 0;) {
        const crypto::Subkey* subkey = ring.encryption_subkey(path[k], now);
        if (subkey == nullptr) {
            return refuse(Code::NoSubkey, "no valid encryption subkey for " + path[k]);
        }
        auto body = seal_layer(inner, subkey->key, random);
        if (!body) return refuse(Code::Crypto, body.error());
        if (k == 0) {
            auto padded = pad_body(*body, kIntermediateBodySize, random);
            if (!padded) return refuse(Code::TooLarge, "path too long for the 30 KiB body");
            return transport_message(from, path[0], *padded);
        }
        const std::string fields = serialize_fields(intermediate_header(path[k]));
        Bytes rest(fields.begin(), fields.end());
        rest.insert(rest.end(), body->begin(), body->end());
        const std::string line =
            std::string(kVerificationPrefix) + verification_hash(rest) + "\r\n";
        inner.assign(line.begin(), line.end());
        inner.insert(inner.end(), rest.begin(), rest.end());
    }
    return refuse(Code::BadPath, "empty path");
}

Expected<void, CreateError> check_roles(const KeyRing& ring, std::span<const std::string> path) {
    for (std::size_t i = 0; i < path.size(); ++i) {
        const MixKey* key = ring.find(path[i]);
        if (key == nullptr) return refuse(Code::UnknownMix, "unknown mix " + path[i]);
        const bool last = i + 1 == path.size();
        if (!last && !key->modes.middleman) {
            return refuse(Code::WrongMode, path[i] + " does not run middleman");
        }
        if (last && !key->modes.exitpublic && !key->modes.exitprivate) {
            return refuse(Code::WrongMode, path[i] + " runs no exit mode");
        }
    }
    return {};
}

// Blanks off the front; blanks and CRs off the back, as this reader has
// always trimmed a To: value and its continuation lines.
std::string_view trim_value(std::string_view s) {
    while (!s.empty() && ascii::is_space(s.back())) s.remove_suffix(1);
    return ascii::trim(s);
}

// The To: value starting on `line`, with the folded lines after it.
std::string to_value(const HeaderLine& line, HeaderLines& lines) {
    std::string value(trim_value(line.text.substr(3)));
    while (true) {
        auto more = lines.next();
        if (!more || !*more) break;
        const std::string_view text = (*more)->text;
        if (text.empty() || !ascii::is_blank(text.front())) break;
        value += ' ';
        value += trim_value(text);
    }
    return value;
}

// The path of each part: one shared by all (`each` empty), or one per part.
struct PartPaths {
    std::span<const std::vector<std::string>> each;
    std::span<const std::string> shared;

    std::span<const std::string> of(std::size_t part) const {
        return each.empty() ? shared : std::span<const std::string>(each[part]);
    }
    std::size_t distinct() const { return each.empty() ? 1 : each.size(); }
};

Expected<void, CreateError> check_paths(const KeyRing& ring, const PartPaths& paths) {
    for (std::size_t i = 0; i < paths.distinct(); ++i) {
        const auto path = paths.of(i);
        if (auto ok = check_path(path, kMinPathLength); !ok) {
            return refuse(Code::BadPath, path_problem(path, kMinPathLength));
        }
        MIXTASY_CHECK(check_roles(ring, path));
        // The exit reassembles: parts that end at different mixes never meet.
        if (!ascii::iequals(path.back(), paths.of(0).back())) {
            return refuse(Code::BadPath, "the parts' paths end at different exits");
        }
    }
    return {};
}

Expected<void, CreateError> check_original(ByteView original, std::size_t max_original) {
    if (original_recipient(original).empty()) {
        return refuse(Code::NoRecipient, "the original message has no plain To: address");
    }
    if (original.size() > max_original) {
        return refuse(Code::TooLarge, "the original message is " +
                                          std::to_string(original.size()) +
                                          " bytes, over the limit of " +
                                          std::to_string(max_original) + " bytes");
    }
    return {};
}

Expected<std::vector<CreatedMessage>, CreateError> create_parts(const KeyRing& ring,
                                                                const PartPaths& paths,
                                                                ByteView original, Instant now,
                                                                Random& random,
                                                                std::size_t max_original) {
    try {
        MIXTASY_CHECK(check_paths(ring, paths));
        MIXTASY_CHECK(check_original(original, max_original));
        const std::string id = bound_mixtasy_id(original, random);
        const auto parts = split(original.size(), id);
        if (parts.empty()) return refuse(Code::TooLarge, "the original message is too large");
        if (!paths.each.empty() && paths.each.size() != parts.size()) {
            return refuse(Code::BadPath, std::to_string(paths.each.size()) + " paths for " +
                                             std::to_string(parts.size()) + " parts");
        }
        const bool multipart = parts.size() > 1;
        std::vector<CreatedMessage> out;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const PartNumber number{static_cast<std::uint32_t>(i + 1),
                                    static_cast<std::uint32_t>(parts.size())};
            auto final_msg = build_final_message(
                multipart ? MixType::Multipart : MixType::Singlepart, id, number,
                original.subspan(parts[i].first, parts[i].second), random);
            if (!final_msg) {
                return refuse(Code::TooLarge,
                              std::string("final message: ") + to_string(final_msg.error()));
            }
            const auto path = paths.of(i);
            MIXTASY_TRY(wrapped, wrap(ring, path, std::move(*final_msg), now, random));
            out.push_back({path[0], std::move(*wrapped)});
        }
        return out;
    } catch (const std::exception& e) {
        return refuse(Code::Crypto, std::string("creation failed: ") + e.what());
    }
}

}  // namespace

std::string original_recipient(ByteView original) {
    // Only the header, bounded; the first To: field, folded or not, with the
    // strict address of mix_fields (a plain address we can hand to SMTP).
    const std::string_view text =
        as_chars(original.first(std::min(original.size(), kMaxHeaderScan)));
    HeaderLines lines(text, kMaxHeaderScan, kMaxHeaderScan);
    for (auto line = lines.next(); line && *line; line = lines.next()) {
        const std::string_view l = (*line)->text;
        if (l.empty()) break;  // end of header
        if (l.size() > 3 && ascii::istarts_with(l, "to:")) {
            const std::string value = to_value(**line, lines);
            auto addr = parse_address(mailbox_address(value));
            return addr ? *addr : std::string();
        }
    }
    return {};
}

const char* to_string(CreateError::Code code) noexcept {
    switch (code) {
        case Code::BadPath: return "bad-path";
        case Code::UnknownMix: return "unknown-mix";
        case Code::WrongMode: return "wrong-mode";
        case Code::NoSubkey: return "no-subkey";
        case Code::NoRecipient: return "no-recipient";
        case Code::TooLarge: return "too-large";
        case Code::Crypto: return "crypto";
    }
    return "unknown";
}

std::ostream& operator<<(std::ostream& out, const CreateError& error) {
    return out << error.detail;
}

Expected<std::vector<CreatedMessage>, CreateError> create_messages(
    const KeyRing& ring, std::span<const std::string> path, ByteView original, Instant now,
    Random& random, std::size_t max_original) {
    return create_parts(ring, PartPaths{{}, path}, original, now, random, max_original);
}

Expected<std::vector<CreatedMessage>, CreateError> create_messages_on_paths(
    const KeyRing& ring, std::span<const std::vector<std::string>> paths, ByteView original,
    Instant now, Random& random, std::size_t max_original) {
    if (paths.empty()) return refuse(Code::BadPath, "no path");
    return create_parts(ring, PartPaths{paths, {}}, original, now, random, max_original);
}

std::size_t part_count(std::size_t size) {
    // Capacities depend on the id's length only, which bound_mixtasy_id fixes.
    static const std::string kSameLengthId =
        "<" + std::string(32, '0') + "." + std::string(64, '0') + "@mixtasy>";
    return split(size, kSameLengthId).size();
}

Expected<CreatedMessage, CreateError> create_dummy(const KeyRing& ring,
                                                   std::span<const std::string> path, Instant now,
                                                   Random& random, std::string_view from) {
    try {
        if (auto ok = check_path(path, kMinDummyPath); !ok) {
            return refuse(Code::BadPath, path_problem(path, kMinDummyPath));
        }
        auto final_msg =
            build_final_message(MixType::Dummy, new_mixtasy_id(random), {}, {}, random);
        if (!final_msg) {
            return refuse(Code::TooLarge, std::string("dummy: ") + describe(final_msg.error()));
        }
        MIXTASY_TRY(wrapped, wrap(ring, path, std::move(*final_msg), now, random, from));
        return CreatedMessage{path[0], std::move(*wrapped)};
    } catch (const std::exception& e) {
        return refuse(Code::Crypto, std::string("dummy failed: ") + e.what());
    }
}

}  // namespace mixtasy::core
