// creator.cpp - see creator.h.
#include "core/sender/creator.h"

#include <exception>

#include "core/format/final_message.h"
#include "core/format/layer.h"
#include "core/format/mix_format.h"
#include "core/format/mix_header.h"
#include "core/sender/path.h"
#include "core/format/wire_message.h"
#include "core/format/verification.h"

namespace mixtasy::core {
namespace {

using Reason = Unexpected<std::string>;

// Payload bytes of each part when `size` bytes are split; 0 parts on
// overflow.  The header grows with the digits of Part, so the capacity is
// computed for the widest part number of the candidate total.
std::vector<std::pair<std::size_t, std::size_t>> split(std::size_t size, const std::string& id) {
    if (size <= final_payload_capacity(MixType::Singlepart, id, {})) return {{0, size}};
    for (std::uint32_t total = 2; total <= kMaxParts; ++total) {
        const std::size_t cap = final_payload_capacity(MixType::Multipart, id, {total, total});
        if (cap == 0 || static_cast<std::size_t>(total) * cap < size) continue;
        std::vector<std::pair<std::size_t, std::size_t>> parts;
        for (std::size_t off = 0; off < size; off += cap) parts.emplace_back(off, std::min(cap, size - off));
        return parts;
    }
    return {};
}

// Wraps one final message for `path`, innermost layer first.
Expected<Bytes, std::string> wrap(const KeyRing& ring, std::span<const std::string> path,
                                  Bytes inner, Instant now, Random& random) {
    for (std::size_t k = path.size(); k-- > 0;) {
        const crypto::Subkey* subkey = ring.encryption_subkey(path[k], now);
        if (subkey == nullptr) return Reason{"no valid encryption subkey for " + path[k]};
        auto body = seal_layer(inner, subkey->key, random);
        if (!body) return Reason{body.error()};
        if (k == 0) {
            auto padded = pad_body(*body, kIntermediateBodySize, random);
            if (!padded) return Reason{std::string("path too long for the 30 KiB body")};
            return transport_message("", path[0], *padded);
        }
        const std::string fields = serialize_fields(intermediate_header(path[k]));
        Bytes rest(fields.begin(), fields.end());
        rest.insert(rest.end(), body->begin(), body->end());
        const std::string line = std::string(kVerificationPrefix) + verification_hash(rest) + "\r\n";
        inner.assign(line.begin(), line.end());
        inner.insert(inner.end(), rest.begin(), rest.end());
    }
    return Reason{std::string("empty path")};
}

Expected<void, std::string> check_roles(const KeyRing& ring, std::span<const std::string> path) {
    for (std::size_t i = 0; i < path.size(); ++i) {
        const MixKey* key = ring.find(path[i]);
        if (key == nullptr) return Reason{"unknown mix " + path[i]};
        const bool last = i + 1 == path.size();
        if (!last && !key->modes.middleman) return Reason{path[i] + " does not run middleman"};
        if (last && !key->modes.exitpublic && !key->modes.exitprivate) {
            return Reason{path[i] + " runs no exit mode"};
        }
    }
    return {};
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
    return s;
}

}  // namespace

std::string original_recipient(ByteView original) {
    // Only the header, bounded; unfolded enough for a To: on one line or
    // folded onto the next.
    const std::string_view text = as_chars(original.first(std::min<std::size_t>(original.size(), 64 * 1024)));
    std::size_t pos = 0;
    while (pos < text.size()) {
        std::size_t eol = text.find('\n', pos);
        if (eol == std::string_view::npos) eol = text.size();
        std::string_view line = text.substr(pos, eol - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) break;  // end of header
        if (line.size() > 3 && iequals(line.substr(0, 3), "to:")) {
            std::string value(trim(line.substr(3)));
            for (std::size_t next = eol + 1; next < text.size() && (text[next] == ' ' || text[next] == '\t');) {
                std::size_t e = text.find('\n', next);
                if (e == std::string_view::npos) e = text.size();
                value += ' ';
                value += trim(text.substr(next, e - next));
                next = e + 1;
            }
            // "Name <addr>" or "addr": the angle form wins.
            const auto lt = value.rfind('<');
            const auto gt = value.rfind('>');
            std::string_view candidate = value;
            if (lt != std::string::npos && gt != std::string::npos && gt > lt) {
                candidate = std::string_view(value).substr(lt, gt - lt + 1);
            }
            auto addr = parse_address(candidate);
            return addr ? *addr : std::string();
        }
        pos = eol + 1;
    }
    return {};
}

Expected<std::vector<CreatedMessage>, std::string> create_messages(
    const KeyRing& ring, std::span<const std::string> path, ByteView original, Instant now,
    Random& random) {
    try {
        if (auto ok = check_path(path, kMinPathLength); !ok) {
            return Reason{std::string("bad path: ") + to_string(ok.error())};
        }
        if (auto roles = check_roles(ring, path); !roles) return Reason{roles.error()};
        if (original_recipient(original).empty()) {
            return Reason{std::string("the original message has no plain To: address")};
        }
        const std::string id = new_mixtasy_id(random);
        const auto parts = split(original.size(), id);
        if (parts.empty()) return Reason{std::string("the original message is too large")};
        const bool multipart = parts.size() > 1;
        std::vector<CreatedMessage> out;
        for (std::size_t i = 0; i < parts.size(); ++i) {
            const PartNumber number{static_cast<std::uint32_t>(i + 1),
                                    static_cast<std::uint32_t>(parts.size())};
            auto final_msg = build_final_message(multipart ? MixType::Multipart : MixType::Singlepart,
                                                 id, number,
                                                 original.subspan(parts[i].first, parts[i].second),
                                                 random);
            if (!final_msg) return Reason{std::string("final message: ") + to_string(final_msg.error())};
            auto wrapped = wrap(ring, path, std::move(*final_msg), now, random);
            if (!wrapped) return Reason{wrapped.error()};
            out.push_back({path[0], std::move(*wrapped)});
        }
        return out;
    } catch (const std::exception& e) {
        return Reason{std::string("creation failed: ") + e.what()};
    }
}

Expected<CreatedMessage, std::string> create_dummy(const KeyRing& ring,
                                                   std::span<const std::string> path, Instant now,
                                                   Random& random) {
    try {
        if (auto ok = check_path(path, kMinDummyPath); !ok) {
            return Reason{std::string("bad path: ") + to_string(ok.error())};
        }
        auto final_msg = build_final_message(MixType::Dummy, new_mixtasy_id(random), {}, {}, random);
        if (!final_msg) return Reason{std::string("dummy: ") + to_string(final_msg.error())};
        auto wrapped = wrap(ring, path, std::move(*final_msg), now, random);
        if (!wrapped) return Reason{wrapped.error()};
        return CreatedMessage{path[0], std::move(*wrapped)};
    } catch (const std::exception& e) {
        return Reason{std::string("dummy failed: ") + e.what()};
    }
}

}  // namespace mixtasy::core
