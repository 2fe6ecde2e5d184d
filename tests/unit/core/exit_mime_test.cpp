// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/node/exit_mime.h: the one To, neutral MIME boundaries and
// file names without directories, and what a signature keeps untouched.
#include "core/node/exit_mime.h"

#include <catch2/catch.hpp>

#include <string>

using namespace mixtasy;
using namespace mixtasy::core;

namespace {

std::string normalised(std::string_view original, std::string_view recipient = "a@x.example") {
    const Bytes out = normalise_original(as_bytes(original), recipient, HeaderLimits{});
    return std::string(as_chars(out));
}

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

// A multipart/mixed message as Thunderbird writes it, with an alternative
// part inside and an attachment named by its full path.
const std::string kMixed =
    "To: Alice <a@x.example>, b@y.example\r\n"
    "Cc: c@z.example\r\n"
    "To: d@w.example\r\n"
    "Subject: files\r\n"
    "MIME-Version: 1.0\r\n"
    "Content-Type: multipart/mixed;\r\n"
    " boundary=\"------------9Xq3ThunderbirdStyle0\"\r\n"
    "\r\n"
    "This is a multi-part message in MIME format.\r\n"
    "--------------9Xq3ThunderbirdStyle0\r\n"
    "Content-Type: multipart/alternative; boundary=alt-Apple-Mail-42\r\n"
    "\r\n"
    "--alt-Apple-Mail-42\r\n"
    "Content-Type: text/plain; charset=UTF-8\r\n"
    "\r\n"
    "plain text\r\n"
    "--alt-Apple-Mail-42\r\n"
    "Content-Type: text/html; charset=UTF-8\r\n"
    "\r\n"
    "<p>html</p>\r\n"
    "--alt-Apple-Mail-42--\r\n"
    "\r\n"
    "--------------9Xq3ThunderbirdStyle0\r\n"
    "Content-Type: application/pdf; name=\"/home/carol/Documents/report.pdf\"\r\n"
    "Content-Disposition: attachment;\r\n"
    " filename=\"C:\\\\Users\\\\carol\\\\Desktop\\\\report.pdf\"\r\n"
    "Content-Transfer-Encoding: base64\r\n"
    "\r\n"
    "JVBERi0xLjQK\r\n"
    "--------------9Xq3ThunderbirdStyle0--  \r\n"
    "epilogue\r\n";

}  // namespace

TEST_CASE("exit mime: exactly one To, the recipient's, and no Cc", "[exit_headers]") {
    const std::string out = normalised(kMixed);
    const std::string header = out.substr(0, out.find("\r\n\r\n") + 2);
    CHECK(count(header, "To:") == 1);
    CHECK(header.starts_with("To: a@x.example\r\nSubject: files\r\n"));
    for (const char* gone : {"Alice", "b@y.example", "c@z.example", "d@w.example", "Cc:"}) {
        INFO(gone);
        CHECK(out.find(gone) == std::string::npos);
    }
}

TEST_CASE("exit mime: the client's boundaries become neutral ones", "[exit_headers]") {
    const std::string out = normalised(kMixed);
    CHECK(out.find("ThunderbirdStyle") == std::string::npos);
    CHECK(out.find("Apple-Mail") == std::string::npos);
    CHECK(out.find(" boundary=\"=_mixtasy_1\"\r\n") != std::string::npos);
    CHECK(out.find("multipart/alternative; boundary=\"=_mixtasy_2\"\r\n") != std::string::npos);
    CHECK(count(out, "\r\n--=_mixtasy_1\r\n") == 2);
    CHECK(count(out, "\r\n--=_mixtasy_1--\r\n") == 1);  // its transport padding gone too
    CHECK(count(out, "\r\n--=_mixtasy_2\r\n") == 2);
    CHECK(count(out, "\r\n--=_mixtasy_2--\r\n") == 1);
    // Contents, preamble and epilogue as they were.
    for (const char* kept :
         {"This is a multi-part message in MIME format.\r\n", "\r\nplain text\r\n",
          "<p>html</p>\r\n", "\r\nJVBERi0xLjQK\r\n", "\r\nepilogue\r\n"}) {
        INFO(kept);
        CHECK(out.find(kept) != std::string::npos);
    }
}

TEST_CASE("exit mime: file names lose their directories", "[exit_headers]") {
    const std::string out = normalised(kMixed);
    CHECK(out.find("carol") == std::string::npos);
    CHECK(out.find("Content-Type: application/pdf; name=\"report.pdf\"\r\n") != std::string::npos);
    CHECK(out.find(" filename=\"report.pdf\"\r\n") != std::string::npos);
    // In the message's own header, and unquoted.
    const std::string single = normalised(
        "To: a@x.example\r\nContent-Type: application/zip\r\n"
        "Content-Disposition: attachment; filename=/tmp/alice/x.zip; size=3\r\n\r\nabc");
    CHECK(single.find("Content-Disposition: attachment; filename=\"x.zip\"; size=3\r\n") !=
          std::string::npos);
    const std::string dir_only =
        normalised("To: a@x.example\r\nContent-Disposition: inline; filename=\"C:\\\\\"\r\n\r\n");
    CHECK(dir_only.find("filename=\"attachment\"") != std::string::npos);
}

TEST_CASE("exit mime: a neutral boundary never occurs in the message", "[exit_headers]") {
    const std::string original =
        "To: a@x.example\r\nContent-Type: multipart/mixed; boundary=b1\r\n\r\n"
        "--b1\r\n\r\nforwarded: --=_mixtasy_1 and =_mixtasy_23\r\n--b1--\r\n";
    const std::string out = normalised(original);
    // 1 is taken, 2 begins 23: the first free name is 3.
    CHECK(out.find("boundary=\"=_mixtasy_3\"") != std::string::npos);
    CHECK(out.find("\r\n--=_mixtasy_3\r\n") != std::string::npos);
    CHECK(out.find("forwarded: --=_mixtasy_1 and =_mixtasy_23\r\n") != std::string::npos);
}

TEST_CASE("exit mime: inside a signed message only the outer boundary changes", "[exit_headers]") {
    const std::string signed_part =
        "Content-Type: multipart/alternative; boundary=inner-Client-7\r\n"
        "\r\n"
        "--inner-Client-7\r\n"
        "Content-Type: text/plain; name=\"/home/carol/n.txt\"\r\n"
        "\r\n"
        "signed text\r\n"
        "--inner-Client-7--\r\n";
    const std::string original =
        "To: a@x.example\r\n"
        "Content-Type: multipart/signed; micalg=pgp-sha256;\r\n"
        " protocol=\"application/pgp-signature\"; boundary=\"outer-Client-1\"\r\n"
        "\r\n"
        "--outer-Client-1\r\n" +
        signed_part +
        "--outer-Client-1\r\n"
        "Content-Type: application/pgp-signature; name=\"signature.asc\"\r\n"
        "\r\n"
        "-----BEGIN PGP SIGNATURE-----\r\n"
        "-----END PGP SIGNATURE-----\r\n"
        "--outer-Client-1--\r\n";
    const std::string out = normalised(original);
    CHECK(out.find("outer-Client-1") == std::string::npos);
    CHECK(out.find("boundary=\"=_mixtasy_1\"") != std::string::npos);
    // What the signature covers is byte for byte the same.
    CHECK(out.find("\r\n--=_mixtasy_1\r\n" + signed_part + "--=_mixtasy_1\r\n") !=
          std::string::npos);
}

TEST_CASE("exit mime: at most max_boundaries are renamed", "[exit_headers]") {
    std::string original = "To: a@x.example\r\nContent-Type: multipart/mixed; boundary=b0\r\n\r\n";
    for (int i = 1; i <= 3; ++i) {
        original += "--b" + std::to_string(i - 1) +
                    "\r\nContent-Type: multipart/mixed; boundary=b" + std::to_string(i) +
                    "\r\n\r\n";
    }
    MimeLimits two;
    two.max_boundaries = 2;
    const Bytes out = normalise_original(as_bytes(original), "a@x.example", HeaderLimits{}, two);
    const std::string text(as_chars(out));
    CHECK(text.find("boundary=b0") == std::string::npos);
    CHECK(text.find("boundary=b1") == std::string::npos);
    CHECK(text.find("boundary=b2") != std::string::npos);  // past the limit: left alone
    CHECK(text.find("--b2\r\n") != std::string::npos);
}

TEST_CASE("exit mime: a header it cannot read is left for exit_headers to refuse",
          "[exit_headers]") {
    for (const std::string& bad :
         {std::string(" folded first\r\n\r\n"), std::string("no colon\r\n\r\nbody"),
          std::string("Subject: a\rb\r\n\r\n")}) {
        CHECK(normalised(bad) == bad);
    }
}
