// Tests of core/format/mix_header.h and core/format/mix_fields.h.
#include <catch2/catch.hpp>

#include <string>

#include "core/format/mix_fields.h"
#include "core/format/mix_header.h"

using namespace mixtasy;
using namespace mixtasy::core;

namespace {
Expected<ParsedHeader, FormatError> parse(const std::string& s, const MixHeaderLimits& l = {}) {
    return parse_mix_header(as_bytes(s), l);
}
}  // namespace

TEST_CASE("header: CRLF header with Verification first", "[core][header]") {
    const std::string msg =
        "Verification: 0123\r\nRemailer-Type: Mixtasy v1\r\nTo: mixtasy@b.example\r\n\r\nBODY";
    auto p = parse(msg);
    REQUIRE(p);
    REQUIRE(p->header.verification == std::optional<std::string>("0123"));
    CHECK(p->second_line_offset == std::string("Verification: 0123\r\n").size());
    CHECK(msg.substr(p->body_offset) == "BODY");
    REQUIRE(p->header.find("to") != nullptr);
    CHECK(*p->header.find("TO") == "mixtasy@b.example");
}

TEST_CASE("header: LF line ends and folded lines are accepted", "[core][header]") {
    auto p = parse("Remailer-Type: Mixtasy\n v1\nTo:  mixtasy@b.example \n\nX");
    REQUIRE(p);
    CHECK_FALSE(p->header.verification);
    CHECK(*p->header.find("Remailer-Type") == "Mixtasy v1");
    CHECK(*p->header.find("To") == "mixtasy@b.example");
    CHECK(p->body_offset == std::string("Remailer-Type: Mixtasy\n v1\nTo:  mixtasy@b.example \n\n").size());
}

TEST_CASE("header: Verification must be exact and first", "[core][header]") {
    CHECK(parse("verification: ab\r\nTo: a@b\r\n\r\n").error() == FormatError::VerificationMisplaced);
    CHECK(parse("Verification:ab\r\nTo: a@b\r\n\r\n").error() == FormatError::VerificationMisplaced);
    CHECK(parse("To: a@b\r\nVerification: ab\r\n\r\n").error() == FormatError::VerificationMisplaced);
    CHECK(parse("Verification : ab\r\n\r\n").error() == FormatError::HeaderBadLine);
    // two spaces is "exact prefix" followed by a value that starts with a
    // space: parsed, and it can never match a hash.
    auto p = parse("Verification:  ab\r\n\r\n");
    REQUIRE(p);
    CHECK(*p->header.verification == " ab");
}

TEST_CASE("header: limits and garbage are refused", "[core][header]") {
    CHECK(parse("To: a@b\r\n").error() == FormatError::HeaderTruncated);
    CHECK(parse("").error() == FormatError::HeaderTruncated);
    CHECK(parse("\r\nbody").error() == FormatError::HeaderBadLine);
    CHECK(parse("no colon here\r\n\r\n").error() == FormatError::HeaderBadLine);
    CHECK(parse(" folded first\r\n\r\n").error() == FormatError::HeaderBadLine);
    CHECK(parse("To: a\rb\r\n\r\n").error() == FormatError::HeaderBadLine);
    CHECK(parse(std::string("To: a\0b\r\n\r\n", 11)).error() == FormatError::HeaderBadLine);
    CHECK(parse("To: \xc3\xa4\r\n\r\n").error() == FormatError::HeaderBadLine);
    MixHeaderLimits small;
    small.max_header_bytes = 64;
    small.max_line_bytes = 40;
    small.max_fields = 2;
    CHECK(parse("A: " + std::string(50, 'x') + "\r\n\r\n", small).error() == FormatError::HeaderLineTooLong);
    CHECK(parse("A: 1\r\nB: 2\r\nC: 3\r\n\r\n", small).error() == FormatError::HeaderTooManyFields);
    CHECK(parse("A: 1\r\n" + std::string(20, ' ') + "x\r\n" + std::string(20, ' ') + "y\r\n" +
                    std::string(20, ' ') + "z\r\n\r\n",
                small)
              .error() == FormatError::HeaderTooLarge);
    // A header that never ends is refused after max_header_bytes, however
    // long the input.
    std::string endless;
    for (int i = 0; i < 100000; ++i) endless += "A: 1\r\n";
    CHECK(parse(endless).error() == FormatError::HeaderTooManyFields);
    MixHeaderLimits many;
    many.max_fields = 1000000;
    CHECK(parse(endless, many).error() == FormatError::HeaderTooLarge);
}

TEST_CASE("header: serialization puts Verification first and sorts the rest", "[core][header]") {
    MixHeader h;
    h.set("To", "mixtasy@c.example");
    h.set("Remailer-Type", "Mixtasy v1");
    h.set("Mixtasy-Type", "singlepart");
    h.verification = "abc";
    CHECK(serialize_mix_header(h) ==
          "Verification: abc\r\nMixtasy-Type: singlepart\r\nRemailer-Type: Mixtasy v1\r\n"
          "To: mixtasy@c.example\r\n\r\n");
    CHECK(serialize_fields(h) ==
          "Mixtasy-Type: singlepart\r\nRemailer-Type: Mixtasy v1\r\nTo: mixtasy@c.example\r\n\r\n");
    auto again = parse(serialize_mix_header(h));
    REQUIRE(again);
    CHECK(serialize_mix_header(again->header) == serialize_mix_header(h));
}

TEST_CASE("fields: intermediate and final headers", "[core][header]") {
    auto inter = interpret_mix_fields(intermediate_header("mixtasy@n1.example"));
    REQUIRE(inter);
    CHECK(inter->type == MixType::Intermediate);
    CHECK(inter->to == "mixtasy@n1.example");

    auto fin = interpret_mix_fields(final_header(MixType::Multipart, "<id1@x>", {3, 30}));
    REQUIRE(fin);
    CHECK(fin->type == MixType::Multipart);
    CHECK(fin->mixtasy_id == "<id1@x>");
    CHECK(fin->part.number == 3);
    CHECK(fin->part.total == 30);

    auto single = interpret_mix_fields(final_header(MixType::Singlepart, "abc", {}));
    REQUIRE(single);
    CHECK(single->part.total == 1);
    CHECK(interpret_mix_fields(final_header(MixType::Dummy, "abc", {}))->type == MixType::Dummy);
}

TEST_CASE("fields: prototype Remailer-Type accepted, others refused", "[core][header]") {
    MixHeader h = intermediate_header("mixtasy@n1.example");
    h.set("Remailer-Type", "Mixtasy 1");
    CHECK(interpret_mix_fields(h));
    h.set("Remailer-Type", "Mixmaster 2");
    CHECK(interpret_mix_fields(h).error() == FormatError::NotMixtasy);
    MixHeader none;
    none.set("To", "mixtasy@n1.example");
    CHECK(interpret_mix_fields(none).error() == FormatError::NotMixtasy);
}

TEST_CASE("fields: bad values are refused", "[core][header]") {
    auto with = [](std::string name, std::string value) {
        MixHeader h = final_header(MixType::Multipart, "id", {1, 2});
        h.set(name, std::move(value));
        return interpret_mix_fields(h);
    };
    CHECK(with("Part", "0/2").error() == FormatError::BadPart);
    CHECK(with("Part", "3/2").error() == FormatError::BadPart);
    CHECK(with("Part", "1/257").error() == FormatError::BadPart);
    CHECK(with("Part", "1-2").error() == FormatError::BadPart);
    CHECK(with("Part", "-1/2").error() == FormatError::BadPart);
    CHECK(with("Part", "1/99999999999").error() == FormatError::BadPart);
    CHECK(with("Mixtasy-Type", "bulk").error() == FormatError::BadMixtasyType);
    CHECK(with("Mixtasy-ID", "").error() == FormatError::BadMixtasyId);
    CHECK(with("Mixtasy-ID", std::string(200, 'a')).error() == FormatError::BadMixtasyId);
    CHECK(with("To", "mixtasy@x").error() == FormatError::MixedFields);

    MixHeader single = final_header(MixType::Singlepart, "id", {});
    single.set("Part", "1/1");
    CHECK(interpret_mix_fields(single).error() == FormatError::BadPart);

    MixHeader dup = intermediate_header("mixtasy@n1.example");
    dup.fields.push_back({"to", "mixtasy@n2.example"});
    CHECK(interpret_mix_fields(dup).error() == FormatError::HeaderDuplicateField);

    MixHeader neither;
    neither.set("Remailer-Type", "Mixtasy v1");
    CHECK(interpret_mix_fields(neither).error() == FormatError::MixedFields);
}

TEST_CASE("fields: addresses are plain and SMTP-safe", "[core][header]") {
    CHECK(*parse_address("mixtasy@a.example") == "mixtasy@a.example");
    CHECK(*parse_address(" <mixtasy@a.example> ") == "mixtasy@a.example");
    for (const char* bad : {"", "a", "@a", "a@", "a@@b", "a b@c", "a@b c", "a@b\r\nRCPT TO:x",
                            "<a@b", "a@.b", "a@b..c", "a@-b", "\"q\"@b", "a@b>"}) {
        CAPTURE(bad);
        CHECK_FALSE(parse_address(bad));
    }
    CHECK_FALSE(parse_address(std::string(251, 'a') + "@b.c"));
}
