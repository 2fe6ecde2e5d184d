// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/sender/creator.h on its own: the path rules, the sizes of
// what it builds, how it splits a long original, and what it refuses.  The
// layers it writes are opened with peel() (processor.h) and open_layer()
// (layer.h) at keys held in memory (unit_mixes.h); no Node is involved.
#include "core/sender/creator.h"

#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "core/format/final_message.h"
#include "core/format/layer.h"
#include "core/format/mix_format.h"
#include "core/format/mix_header.h"
#include "core/format/mixtasy_id.h"
#include "core/keys/node_key.h"
#include "crypto/keygen.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::unit;

namespace {

constexpr std::int64_t kDay = 24 * 3600;

const std::string kOriginal =
    "To: bob@dest.example\r\nSubject: hello through the mixes\r\n\r\n"
    "Hi Bob,\r\nthis is secret.\r\n";

std::vector<std::string> four_hops() {
    return {mix_address(0), mix_address(1), mix_address(2), mix_address(3)};
}

std::string refusal(UnitMixes& mixes, const std::vector<std::string>& path,
                    const std::string& original = kOriginal) {
    auto created = create_messages(mixes.ring, path, as_bytes(original), mixes.now, mixes.random);
    REQUIRE_FALSE(created);
    return created.error().detail;
}

// An original with a To: field and lines of text up to at least `size` bytes.
std::string long_original(std::size_t size) {
    std::string original = "To: bob@dest.example\r\nSubject: big\r\n\r\n";
    std::size_t line = 0;
    while (original.size() < size) {
        original += "line " + std::to_string(line++) + " of a long message\r\n";
    }
    return original;
}

// The header of a message as it leaves the sender.
MixHeader outer_header(ByteView message) {
    auto parsed = parse_mix_header(message);
    REQUIRE(parsed);
    return parsed->header;
}

}  // namespace

TEST_CASE("creator: one message for path[0], its body exactly 30 KiB", "[core][creator]") {
    UnitMixes mixes(4);
    const auto path = four_hops();
    auto created = create_messages(mixes.ring, path, as_bytes(kOriginal), mixes.now, mixes.random);
    if (!created) FAIL(created.error().detail);
    REQUIRE(created->size() == 1);
    const CreatedMessage& m = created->front();
    CHECK(m.first_hop == path[0]);
    CHECK(binary_body(m.message).size() == kIntermediateBodySize);
    // The sender does not name itself: no From, To the first mix.
    const MixHeader header = outer_header(m.message);
    CHECK(header.find("From") == nullptr);
    REQUIRE(header.find("To") != nullptr);
    CHECK(*header.find("To") == path[0]);
    REQUIRE(header.find("Remailer-Type") != nullptr);
    CHECK(*header.find("Remailer-Type") == "Mixtasy v1");
    // Each call draws fresh keys and padding.
    auto again = create_messages(mixes.ring, path, as_bytes(kOriginal), mixes.now, mixes.random);
    REQUIRE(again);
    CHECK(binary_body(again->front().message) != binary_body(m.message));
}

TEST_CASE("creator: every layer opens at its mix and the last gives the original",
          "[core][creator]") {
    UnitMixes mixes(5);
    // mixes may come back, never twice in a row
    const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(0),
                                        mix_address(2), mix_address(4), mix_address(3)};
    auto created = create_messages(mixes.ring, path, as_bytes(kOriginal), mixes.now, mixes.random);
    if (!created) FAIL(created.error().detail);
    REQUIRE(created->size() == 1);
    const Bytes at_exit = mixes.forward_along(path, created->front().message, path.size() - 1);
    Peeled p = mixes.peel_at(path.back(), at_exit);
    REQUIRE(p.kind == Peeled::Kind::Final);
    CHECK(text_of(p.message) == kOriginal);
    CHECK(p.fields.type == MixType::Singlepart);
}

TEST_CASE("creator: path rules", "[core][creator]") {
    UnitMixes mixes(4);
    const std::string n0 = mix_address(0), n1 = mix_address(1), n2 = mix_address(2),
                      n3 = mix_address(3);
    // Issue 15: sentences, not the enum's token ("bad path: path-repeats-a-mix").
    CHECK(refusal(mixes, {n0, n1, n2}) == "the path names 3 mix(es); it needs at least 4");
    CHECK(refusal(mixes, {}) == "the path names no mix");
    CHECK(refusal(mixes, {n0, n1, n1, n2}) == "the path repeats " + n1 + " twice in a row");
    CHECK(refusal(mixes, {n0, n1, n2, n2}) == "the path repeats " + n2 + " twice in a row");
    CHECK(refusal(mixes, {n0, n1, "mixtasy@n9.example", n2}) == "unknown mix mixtasy@n9.example");
    // A known mix is looked up whatever the case of its address.
    CHECK(create_messages(mixes.ring, std::vector<std::string>{n0, n1, n2, "MIXTASY@N3.EXAMPLE"},
                          as_bytes(kOriginal), mixes.now, mixes.random));
}

TEST_CASE("creator: inner mixes must run middleman, the last an exit mode", "[core][creator]") {
    UnitMixes mixes(3);
    mixes.add("mixtasy@middle.example", {"middleman"});
    mixes.add("mixtasy@exit.example", {"exitpublic"});
    mixes.add("mixtasy@private.example", {"exitprivate"});
    const std::vector<std::string> to_middle_exit{mix_address(0), mix_address(1), mix_address(2),
                                                  "mixtasy@middle.example"};
    CHECK(refusal(mixes, to_middle_exit).find("runs no exit mode") != std::string::npos);
    CHECK(refusal(mixes, to_middle_exit) == "mixtasy@middle.example runs no exit mode");
    const std::vector<std::string> via_exit{mix_address(0), "mixtasy@exit.example", mix_address(1),
                                            mix_address(2)};
    CHECK(refusal(mixes, via_exit) == "mixtasy@exit.example does not run middleman");
    // either exit mode ends a path
    for (const std::string exit : {"mixtasy@exit.example", "mixtasy@private.example"}) {
        const std::vector<std::string> path{mix_address(0), mix_address(1), mix_address(2), exit};
        CHECK(create_messages(mixes.ring, path, as_bytes(kOriginal), mixes.now, mixes.random));
    }
}

TEST_CASE("creator: a mix without a valid subkey at that time is refused", "[core][creator]") {
    UnitMixes mixes(4);
    mixes.now = from_unix(kKeysCreated + 3 * kDay);
    // The layers are made from the last mix inwards.
    CHECK(refusal(mixes, four_hops()) == "no valid encryption subkey for " + mix_address(3));
}

TEST_CASE("creator: each layer goes to the mix's newest valid subkey", "[core][creator]") {
    UnitMixes mixes(4);
    crypto::SecretCertificate& n0 = mixes.keys[0].second;
    REQUIRE(crypto::add_encryption_subkey(
        n0, static_cast<crypto::Timestamp>(kKeysCreated + 600),
        static_cast<std::uint32_t>(kDefaultSubkeyValidity.count()), mixes.random));
    std::string armored;
    for (const auto& [address, key] : mixes.keys) armored += crypto::export_public(key.cert);
    mixes.ring = KeyRing::parse(armored);
    REQUIRE(mixes.ring.size() == 4);
    auto created =
        create_messages(mixes.ring, four_hops(), as_bytes(kOriginal), mixes.now, mixes.random);
    REQUIRE(created);
    auto opened = open_layer(binary_body(created->front().message), n0, mixes.now);
    REQUIRE(opened);
    CHECK(opened->subkey_expires == from_unix(kKeysCreated + 600 + kDefaultSubkeyValidity.count()));
}

TEST_CASE("creator: the original needs a plain To: address", "[core][creator]") {
    UnitMixes mixes(4);
    const std::string why = "the original message has no plain To: address";
    CHECK(refusal(mixes, four_hops(), "Subject: no recipient\r\n\r\nbody\r\n") == why);
    CHECK(refusal(mixes, four_hops(), "Subject: x\r\n\r\nTo: bob@dest.example\r\n") == why);
    CHECK(refusal(mixes, four_hops(), "To: bob at dest\r\n\r\nbody\r\n") == why);
    CHECK(refusal(mixes, four_hops(), "") == why);
}

TEST_CASE("creator: the To: address of an original", "[core][creator]") {
    const auto to = [](const std::string& original) {
        return original_recipient(as_bytes(original));
    };
    CHECK(to("To: bob@dest.example\r\n\r\n") == "bob@dest.example");
    CHECK(to("Subject: s\r\nto:   bob@dest.example  \r\n\r\n") == "bob@dest.example");
    CHECK(to("TO: Bob <bob@dest.example>\r\n\r\n") == "bob@dest.example");
    CHECK(to("To: \"Bob, the builder\" <bob@dest.example>\n\n") == "bob@dest.example");
    CHECK(to("To: Bob\r\n <bob@dest.example>\r\n\r\n") == "bob@dest.example");
    CHECK(to("To: Bob\r\n\t<bob@dest.example>\r\nSubject: s\r\n\r\n") == "bob@dest.example");
    CHECK(to("Subject: s\r\n\r\nTo: bob@dest.example\r\n").empty());
    CHECK(to("To: bob@dest.example, eve@dest.example\r\n\r\n").empty());
    CHECK(to("To: bob\r\n\r\n").empty());
    CHECK(to("Reply-To: bob@dest.example\r\n\r\n").empty());
    CHECK(to("").empty());
}

TEST_CASE("creator: a long original is split into as few parts as fit", "[core][creator]") {
    UnitMixes mixes(4);
    const auto path = four_hops();
    for (std::size_t parts : {1u, 2u, 30u}) {
        CAPTURE(parts);
        const std::string original = long_original((parts - 1) * 20300 + 5000);
        auto created =
            create_messages(mixes.ring, path, as_bytes(original), mixes.now, mixes.random);
        if (!created) FAIL(created.error().detail);
        REQUIRE(created->size() == parts);
        std::string joined;
        std::string id;
        for (std::size_t i = 0; i < parts; ++i) {
            CAPTURE(i);
            const CreatedMessage& m = (*created)[i];
            CHECK(m.first_hop == path[0]);
            CHECK(binary_body(m.message).size() == kIntermediateBodySize);
            Peeled p = mixes.peel_at(path[3], mixes.forward_along(path, m.message, 3));
            REQUIRE(p.kind == Peeled::Kind::Final);
            CHECK(p.fields.type == (parts == 1 ? MixType::Singlepart : MixType::Multipart));
            CHECK(p.fields.part.number == i + 1);
            CHECK(p.fields.part.total == parts);
            if (i == 0) id = p.fields.mixtasy_id;
            CHECK(p.fields.mixtasy_id == id);
            joined += text_of(p.message);
        }
        CHECK(joined == original);
    }
}

TEST_CASE("creator: at most kMaxParts parts", "[core][creator]") {
    UnitMixes mixes(4);
    // Every Mixtasy-ID the creator makes has the same length, so any one
    // gives the capacity.  The size limit is lifted to reach the part limit.
    const std::string id = bound_mixtasy_id(as_bytes(std::string_view("any")), mixes.random);
    const std::size_t cap = final_payload_capacity(MixType::Multipart, id, {kMaxParts, kMaxParts});
    REQUIRE(cap > 0);
    std::string original = long_original(0);
    original.resize(static_cast<std::size_t>(kMaxParts) * cap, 'x');
    const std::size_t unlimited = original.size() + 1;
    auto most = create_messages(mixes.ring, four_hops(), as_bytes(original), mixes.now,
                                mixes.random, unlimited);
    if (!most) FAIL(most.error().detail);
    CHECK(most->size() == kMaxParts);
    original.push_back('x');
    auto over = create_messages(mixes.ring, four_hops(), as_bytes(original), mixes.now,
                                mixes.random, unlimited);
    REQUIRE_FALSE(over);
    CHECK(over.error().detail == "the original message is too large");
}

TEST_CASE("creator: dummies take paths of one to four mixes", "[core][creator]") {
    UnitMixes mixes(4);
    const std::string n0 = mix_address(0), n1 = mix_address(1), n2 = mix_address(2),
                      n3 = mix_address(3);
    for (const std::vector<std::string>& path :
         std::vector<std::vector<std::string>>{{n0}, {n0, n1}, {n0, n1, n0}, {n3, n2, n1, n0}}) {
        CAPTURE(path.size());
        auto dummy = create_dummy(mixes.ring, path, mixes.now, mixes.random);
        if (!dummy) FAIL(dummy.error().detail);
        CHECK(dummy->first_hop == path[0]);
        CHECK(binary_body(dummy->message).size() == kIntermediateBodySize);
        const Bytes at_last = mixes.forward_along(path, dummy->message, path.size() - 1);
        CHECK(mixes.peel_at(path.back(), at_last).kind == Peeled::Kind::Dummy);
    }
    const auto dummy_refusal = [&](const std::vector<std::string>& path) {
        auto dummy = create_dummy(mixes.ring, path, mixes.now, mixes.random);
        REQUIRE_FALSE(dummy);
        return dummy.error().detail;
    };
    CHECK(dummy_refusal({}) == "the path names no mix");
    CHECK(dummy_refusal({n0, n0}) == "the path repeats " + n0 + " twice in a row");
    CHECK(dummy_refusal({n0, "mixtasy@n9.example"}) ==
          "no valid encryption subkey for mixtasy@n9.example");
}

TEST_CASE("creator: each original gets a fresh id bound to it, never its Message-ID",
          "[core][creator]") {
    UnitMixes mixes(4);
    const auto path = four_hops();
    const std::string original =
        "Message-ID: <1234@sender.example>\r\n" + long_original(2 * 20300 + 100);
    const auto ids_of = [&](const std::string& text) {
        auto created = create_messages(mixes.ring, path, as_bytes(text), mixes.now, mixes.random);
        if (!created) FAIL(created.error().detail);
        std::vector<std::string> ids;
        for (const CreatedMessage& m : *created) {
            Peeled p = mixes.peel_at(path[3], mixes.forward_along(path, m.message, 3));
            REQUIRE(p.kind == Peeled::Kind::Final);
            ids.push_back(p.fields.mixtasy_id);
        }
        return ids;
    };
    const auto first = ids_of(original);
    REQUIRE(first.size() == 3);
    CHECK(first[1] == first[0]);
    CHECK(first[2] == first[0]);
    const std::string& id = first[0];
    CHECK(id.find("1234@sender.example") == std::string::npos);
    CHECK(check_id_binding(id, as_bytes(original)) == IdBinding::Matches);
    CHECK(check_id_binding(id, as_bytes(original + "x")) == IdBinding::Mismatch);
    // 128 random bits in front: the same original sent again gets another id.
    const auto again = ids_of(original);
    CHECK(again[0] != id);
    CHECK(again[0].substr(0, 33) != id.substr(0, 33));
    // A singlepart original is bound the same way.
    CHECK(check_id_binding(ids_of(kOriginal).front(), as_bytes(kOriginal)) == IdBinding::Matches);
}

TEST_CASE("creator: an original over the size limit is refused with the sizes", "[core][creator]") {
    UnitMixes mixes(4);
    const std::string at_limit = long_original(0) + std::string(4000, 'x');
    const std::size_t limit = at_limit.size();
    auto ok = create_messages(mixes.ring, four_hops(), as_bytes(at_limit), mixes.now, mixes.random,
                              limit);
    REQUIRE(ok);
    auto over = create_messages(mixes.ring, four_hops(), as_bytes(at_limit + "x"), mixes.now,
                                mixes.random, limit);
    REQUIRE_FALSE(over);
    CHECK(over.error().code == CreateError::Code::TooLarge);
    CHECK(over.error().detail == "the original message is " + std::to_string(limit + 1) +
                                     " bytes, over the limit of " + std::to_string(limit) +
                                     " bytes");
    // The default limit is the one every node reassembles.
    std::string big = long_original(0);
    big.resize(kMaxOriginalSize + 1, 'x');
    auto too_big = create_messages(mixes.ring, four_hops(), as_bytes(big), mixes.now, mixes.random);
    REQUIRE_FALSE(too_big);
    CHECK(too_big.error().code == CreateError::Code::TooLarge);
}
