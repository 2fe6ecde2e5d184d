// SPDX-License-Identifier: BSD-2-Clause
// mix_fields.cpp - see mix_fields.h.
#include "core/format/mix_fields.h"

#include <algorithm>
#include <charconv>

#include "common/ascii.h"
#include "core/format/mail_address.h"
#include "core/format/mix_format.h"

namespace mixtasy::core {
namespace {

std::optional<std::uint32_t> parse_number(std::string_view s) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    std::uint32_t v = 0;
    auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
    if (ec != std::errc() || ptr != s.data() + s.size()) return std::nullopt;
    return v;
}

Expected<PartNumber, FormatError> parse_part(std::string_view value) {
    const auto slash = value.find('/');
    if (slash == std::string_view::npos) return Unexpected{FormatError::BadPart};
    auto n = parse_number(ascii::trim(value.substr(0, slash)));
    auto total = parse_number(ascii::trim(value.substr(slash + 1)));
    if (!n || !total || *n == 0 || *n > *total || *total > kMaxParts) {
        return Unexpected{FormatError::BadPart};
    }
    return PartNumber{*n, *total};
}

bool valid_mixtasy_id(std::string_view id) {
    if (id.empty() || id.size() > kMaxMixtasyIdBytes) return false;
    return std::all_of(id.begin(), id.end(), [](char c) { return c >= 33 && c <= 126; });
}

std::optional<MixType> parse_type(std::string_view v) {
    if (v == "singlepart") return MixType::Singlepart;
    if (v == "multipart") return MixType::Multipart;
    if (v == "dummy") return MixType::Dummy;
    return std::nullopt;
}

// The fields a node acts on may appear at most once: a second copy could
// otherwise be read differently by two implementations.
bool any_duplicate(const MixHeader& h) {
    for (auto name : {kFieldRemailerType, kFieldFrom, kFieldTo, kFieldMixtasyId, kFieldMixtasyType,
                      kFieldPart}) {
        if (h.count(name) > 1) return true;
    }
    return false;
}

Expected<MixFields, FormatError> interpret_final(const MixHeader& h, MixFields out) {
    const std::string* id = h.find(kFieldMixtasyId);
    const std::string* type = h.find(kFieldMixtasyType);
    const std::string* part = h.find(kFieldPart);
    if (id == nullptr || !valid_mixtasy_id(*id)) return Unexpected{FormatError::BadMixtasyId};
    // The prototype omits Mixtasy-Type nowhere, but a missing type is
    // ambiguous: refuse rather than guess.
    if (type == nullptr) return Unexpected{FormatError::BadMixtasyType};
    auto t = parse_type(*type);
    if (!t) return Unexpected{FormatError::BadMixtasyType};
    out.type = *t;
    out.mixtasy_id = *id;
    if (*t == MixType::Multipart) {
        if (part == nullptr) return Unexpected{FormatError::BadPart};
        MIXTASY_TRY(p, parse_part(*part));
        out.part = *p;
    } else if (part != nullptr) {
        return Unexpected{FormatError::BadPart};  // 6.2.4: only with multipart
    }
    return out;
}

}  // namespace

const char* to_string(MixType type) {
    switch (type) {
        case MixType::Intermediate: return "intermediate";
        case MixType::Singlepart: return "singlepart";
        case MixType::Multipart: return "multipart";
        case MixType::Dummy: return "dummy";
    }
    return "unknown";
}

Expected<std::string, FormatError> parse_address(std::string_view value) {
    const auto spec = strict_addr_spec(value);
    if (!spec) return Unexpected{FormatError::BadAddress};
    return std::string(spec->address);
}

Expected<MixFields, FormatError> interpret_mix_fields(const MixHeader& h) {
    if (any_duplicate(h)) return Unexpected{FormatError::HeaderDuplicateField};
    const std::string* rt = h.find(kFieldRemailerType);
    if (rt == nullptr) return Unexpected{FormatError::NotMixtasy};
    if (std::find(std::begin(kRemailerTypesAccepted), std::end(kRemailerTypesAccepted), *rt) ==
        std::end(kRemailerTypesAccepted)) {
        return Unexpected{FormatError::NotMixtasy};
    }
    MixFields out;
    if (const std::string* from = h.find(kFieldFrom)) {
        MIXTASY_TRY(a, parse_address(*from));
        out.from = std::move(*a);
    }
    const bool has_final =
        h.find(kFieldMixtasyId) || h.find(kFieldMixtasyType) || h.find(kFieldPart);
    const std::string* to = h.find(kFieldTo);
    if (to != nullptr && has_final) return Unexpected{FormatError::MixedFields};
    if (to != nullptr) {
        MIXTASY_TRY(a, parse_address(*to));
        out.type = MixType::Intermediate;
        out.to = std::move(*a);
        return out;
    }
    if (!has_final) return Unexpected{FormatError::MixedFields};
    return interpret_final(h, std::move(out));
}

MixHeader intermediate_header(std::string_view next_mix) {
    MixHeader h;
    h.set(kFieldRemailerType, std::string(kRemailerTypeEmitted));
    h.set(kFieldTo, std::string(next_mix));
    return h;
}

MixHeader final_header(MixType type, std::string_view mixtasy_id, PartNumber part) {
    MixHeader h;
    h.set(kFieldRemailerType, std::string(kRemailerTypeEmitted));
    h.set(kFieldMixtasyId, std::string(mixtasy_id));
    h.set(kFieldMixtasyType, to_string(type));
    if (type == MixType::Multipart) {
        h.set(kFieldPart, std::to_string(part.number) + "/" + std::to_string(part.total));
    }
    return h;
}

}  // namespace mixtasy::core
