// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/format/mix_fields.h.  The known answers are data:
// tests/data/core/mix_fields.vec, one block a case, each group run by the
// TEST_CASE of the same name below (format_vec.h reads them).
#include "core/format/mix_fields.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "common/ascii.h"
#include "core/format/mix_header.h"
#include "format_vec.h"

using namespace mixtasy;
using namespace mixtasy::core;
using mixtasy::core::vec::VecBlock;

namespace {

constexpr const char* kFile = "mix_fields.vec";

MixType type_named(const std::string& name, const std::string& where) {
    for (MixType t :
         {MixType::Intermediate, MixType::Singlepart, MixType::Multipart, MixType::Dummy}) {
        if (name == to_string(t)) return t;
    }
    FAIL(where << ": no Mixtasy type " << name);
    throw;  // not reached
}

PartNumber part_named(const std::string& text, const std::string& where) {
    const auto slash = text.find('/');
    if (slash == std::string::npos) FAIL(where << ": part is n/total, not " << text);
    return PartNumber{static_cast<std::uint32_t>(std::stoul(text.substr(0, slash))),
                      static_cast<std::uint32_t>(std::stoul(text.substr(slash + 1)))};
}

// `base`: "empty", "intermediate <to>" or "<type> <id> [n/total]".
MixHeader base_header(const std::string& base, const std::string& where) {
    const auto space = base.find(' ');
    const std::string kind = base.substr(0, space);
    const std::string rest = space == std::string::npos ? std::string() : base.substr(space + 1);
    if (kind == "empty") return {};
    if (kind == "intermediate") return intermediate_header(rest);
    const auto gap = rest.find(' ');
    const PartNumber part =
        gap == std::string::npos ? PartNumber{} : part_named(rest.substr(gap + 1), where);
    return final_header(type_named(kind, where), rest.substr(0, gap), part);
}

// The base header with the block's set, add and remove lines applied, in
// the order they are written.
MixHeader header_of(const VecBlock& v) {
    MixHeader h = base_header(v.at("base"), v.where);
    for (const auto& [key, value] : v.lines) {
        if (key == "set") {
            HeaderField f = vec::field_of(value, v.where);
            h.set(f.name, std::move(f.value));
        } else if (key == "add") {
            h.fields.push_back(vec::field_of(value, v.where));
        } else if (key == "remove") {
            std::erase_if(h.fields,
                          [&](const HeaderField& f) { return ascii::iequals(f.name, value); });
        }
    }
    return h;
}

void check_fields(const VecBlock& v, const MixFields& got) {
    if (v.has("type")) CHECK(std::string(to_string(got.type)) == v.at("type"));
    if (v.has("to")) CHECK(got.to == v.at("to"));
    if (v.has("from")) CHECK(got.from == v.at("from"));
    if (v.has("mixtasy_id")) CHECK(got.mixtasy_id == v.at("mixtasy_id"));
    if (v.has("part")) {
        const PartNumber want = part_named(v.at("part"), v.where);
        CHECK(got.part.number == want.number);
        CHECK(got.part.total == want.total);
    }
}

// Runs every header block of `group` in mix_fields.vec.
void run_group(const std::string& group) {
    for (const VecBlock& v : vec::blocks_in(kFile, group)) {
        INFO(v.where);
        auto got = interpret_mix_fields(header_of(v));
        if (v.has("error")) {
            REQUIRE_FALSE(got);
            CHECK(std::string(to_string(got.error())) == v.at("error"));
            continue;
        }
        if (!got) FAIL(v.where << ": refused with " << to_string(got.error()));
        check_fields(v, *got);
    }
}

}  // namespace

TEST_CASE("fields: every block of mix_fields.vec is run", "[core][header]") {
    vec::check_groups(kFile,
                      {"built-headers", "remailer-type", "bad-values", "contract", "addresses"});
}

TEST_CASE("fields: intermediate and final headers", "[core][header]") {
    run_group("built-headers");
}

TEST_CASE("fields: prototype Remailer-Type accepted, others refused", "[core][header]") {
    run_group("remailer-type");
}

TEST_CASE("fields: bad values are refused", "[core][header]") { run_group("bad-values"); }

TEST_CASE("fields: each refusal of the contract", "[core][header]") { run_group("contract"); }

TEST_CASE("fields: addresses are plain and SMTP-safe", "[core][header]") {
    for (const VecBlock& v : vec::blocks_in(kFile, "addresses")) {
        INFO(v.where);
        if (v.has("address")) {
            auto a = parse_address(v.at("address"));
            REQUIRE(a);
            CHECK(*a == v.at("result"));
        }
        for (const std::string& bad : v.all("refused")) {
            CAPTURE(bad);
            auto a = parse_address(bad);
            REQUIRE_FALSE(a);
            CHECK(a.error() == FormatError::BadAddress);
        }
    }
}

TEST_CASE("fields: the headers the creator writes", "[core][header]") {
    CHECK(serialize_fields(intermediate_header("mixtasy@n1.example")) ==
          "Remailer-Type: Mixtasy v1\r\nTo: mixtasy@n1.example\r\n\r\n");
    CHECK(serialize_fields(final_header(MixType::Multipart, "<id@mixtasy>", {3, 30})) ==
          "Mixtasy-ID: <id@mixtasy>\r\nMixtasy-Type: multipart\r\nPart: 3/30\r\n"
          "Remailer-Type: Mixtasy v1\r\n\r\n");
    // Part only with multipart
    CHECK(serialize_fields(final_header(MixType::Singlepart, "<id@mixtasy>", {3, 30})) ==
          "Mixtasy-ID: <id@mixtasy>\r\nMixtasy-Type: singlepart\r\n"
          "Remailer-Type: Mixtasy v1\r\n\r\n");
    CHECK(serialize_fields(final_header(MixType::Dummy, "<id@mixtasy>", {})) ==
          "Mixtasy-ID: <id@mixtasy>\r\nMixtasy-Type: dummy\r\nRemailer-Type: Mixtasy v1\r\n\r\n");
    CHECK(std::string(to_string(MixType::Intermediate)) == "intermediate");
    CHECK(std::string(to_string(MixType::Singlepart)) == "singlepart");
    CHECK(std::string(to_string(MixType::Multipart)) == "multipart");
    CHECK(std::string(to_string(MixType::Dummy)) == "dummy");
}
