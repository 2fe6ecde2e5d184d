// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/sender/key_request.h: the client's side of seed 004's Key
// Retrieval.  The request it writes is read by the server's own parser
// (core/publish/key_service.h), so both sides agree on figure 5; the
// pending K_auth lives in a 0600 file read strictly; a reply mail's body
// is found as the server's retrieval_reply wrote it.
#include "core/sender/key_request.h"

#include <catch2/catch.hpp>

#include <fstream>
#include <string>
#include <sys/stat.h>

#include <botan/base64.h>

#include "core/format/mail_header.h"
#include "core/publish/key_service.h"
#include "tests/unit/temp_dir.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::unit;

TEST_CASE("key request: the request mail is what the key service parses", "[core][key_request]") {
    DeterministicRandom random{7};
    const Instant now = from_unix(kEpoch);
    auto request = new_key_request("Mix1.Example", random, now);
    REQUIRE(request);
    CHECK(request->address == "mixtasy@mix1.example");
    CHECK(request->service() == "keys@mix1.example");
    auto mail = request_mail(*request, "bob@acme.example");
    REQUIRE(mail);
    auto header = parse_mail_header(*mail);
    REQUIRE(header);
    CHECK(header->find("To")->value == "keys@mix1.example");
    CHECK(header->find("From")->value == "bob@acme.example");
    CHECK(header->find("Message-ID") == nullptr);
    auto parsed = parse_key_retrieval(std::string_view(*mail).substr(header->body_offset));
    REQUIRE(parsed);
    CHECK(parsed->address == "mixtasy@mix1.example");
    const auto auth = Botan::base64_decode(request->auth);
    CHECK(std::equal(auth.begin(), auth.end(), parsed->auth.begin(), parsed->auth.end()));
    // Two requests never share K_auth.
    auto other = new_key_request("mix1.example", random, now);
    CHECK(other->auth != request->auth);
}

TEST_CASE("key request: refusals", "[core][key_request]") {
    DeterministicRandom random{8};
    const Instant now = from_unix(kEpoch);
    for (const char* bad : {"", "a b.example", "x@y.example", "mix1.example\r\nBcc: e@v"}) {
        CAPTURE(bad);
        auto r = new_key_request(bad, random, now);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == KeyRequestError::Code::BadDomain);
    }
    auto request = new_key_request("mix1.example", random, now);
    for (const char* from : {"", "<>", "Bob <bob@acme.example>", "bob@acme.example\r\nBcc: e@v"}) {
        CAPTURE(from);
        auto m = request_mail(*request, from);
        REQUIRE_FALSE(m);
        CHECK(m.error().code == KeyRequestError::Code::BadSender);
    }
}

TEST_CASE("key request: pending requests are kept 0600, used once, forgotten when old",
          "[core][key_request]") {
    mixtasy::testing::TempDir tmp("mixtasy-key-request");
    const auto dir = tmp.path() / "directory";
    DeterministicRandom random{9};
    const Instant now = from_unix(kEpoch);
    auto requests = KeyRequests::load(dir, now);
    REQUIRE(requests);
    CHECK(requests->pending().empty());
    auto r1 = new_key_request("mix1.example", random, now);
    auto r2 = new_key_request("mix2.example", random, now - std::chrono::hours(24 * 15));
    REQUIRE(requests->add(*r1));
    REQUIRE(requests->add(*r2));
    REQUIRE(requests->save());
    struct stat st {};
    REQUIRE(::stat((dir / kKeyRequestsFile).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);

    auto again = KeyRequests::load(dir, now);
    REQUIRE(again);
    REQUIRE(again->pending().size() == 1);  // r2 is older than 14 days
    CHECK(again->find("MIXTASY@mix1.example")->auth == r1->auth);
    auto taken = again->take("mixtasy@mix1.example");
    REQUIRE(taken);
    CHECK(taken->auth == r1->auth);
    auto twice = again->take("mixtasy@mix1.example");
    REQUIRE_FALSE(twice);
    CHECK(twice.error().code == KeyRequestError::Code::NoRequest);

    // A file that group or others may read is refused: K_auth is a secret.
    ::chmod((dir / kKeyRequestsFile).c_str(), 0644);
    auto open = KeyRequests::load(dir, now);
    REQUIRE_FALSE(open);
    CHECK(open.error().code == KeyRequestError::Code::Io);
}

TEST_CASE("key request: the file is read strictly", "[core][key_request]") {
    const Instant now = from_unix(kEpoch);
    const std::string auth = "fjGYoKb6RUEmx1EWKsj6KkKR5U6hTzIi/FH5HFfdgSs=";
    const std::string good = "mixtasy@mix1.example\t" + auth + "\t" + std::to_string(kEpoch) + "\n";
    CHECK(KeyRequests::from_text("/d", good, now));
    for (const std::string& bad :
         {std::string("mixtasy@mix1.example\t") + auth + "\t" + std::to_string(kEpoch),
          std::string("bob@mix1.example\t") + auth + "\t1\n",
          std::string("mixtasy@mix1.example\tAAAA\t1\n"),
          std::string("mixtasy@mix1.example\t") + auth + "\tx1\n",
          std::string("mixtasy@mix1.example\t") + auth + "\t1\textra\n", std::string("\n")}) {
        CAPTURE(bad);
        auto r = KeyRequests::from_text("/d", bad, now);
        REQUIRE_FALSE(r);
        CHECK(r.error().code == KeyRequestError::Code::Corrupt);
    }
    std::string many;
    for (std::size_t i = 0; i <= kMaxKeyRequests; ++i)
        many += "mixtasy@m" + std::to_string(i) + ".example\t" + auth + "\t" +
                std::to_string(kEpoch) + "\n";
    CHECK_FALSE(KeyRequests::from_text("/d", many, now));
}

TEST_CASE("key request: the reply's body, as the key service wrote it", "[core][key_request]") {
    UnitMixes mixes(1);
    const Bytes key = crypto::serialize(mixes.ring.find(mix_address(0))->cert);
    AuthKey auth(kAuthKeyBytes, 0x11);
    const std::string body = retrieval_reply(key, key_hmac(auth, key));
    const std::string mail =
        "From keys@n0.example Sun Mar  4 16:50:33 2018\n"
        "To: <bob@acme.example>\r\nFrom: keys@n0.example (Key Storage "
        "Service)\r\n\r\n" +
        body;
    auto got = reply_body(mail);
    REQUIRE(got);
    CHECK(*got == body);
    auto parsed = parse_key_publication(*got);
    REQUIRE(parsed);
    CHECK(parsed->key == key);
    CHECK(reply_body("To: bob@acme.example\r\n").error().code == KeyRequestError::Code::BadReply);
    CHECK(reply_body("To: bob@acme.example\r\n\r\n").error().code ==
          KeyRequestError::Code::BadReply);
    CHECK(reply_body(std::string(kMaxReplyBytes + 1, 'x')).error().code ==
          KeyRequestError::Code::BadReply);
}
