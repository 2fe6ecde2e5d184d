// SPDX-License-Identifier: BSD-2-Clause
// Tests of core/node/processor.h on its own: peel() at one mix, with keys
// held in memory (unit_mixes.h) and no store, so each destroy reason of
// seed 000 6.4 steps 1-4 is checked where it is decided.  What the Node adds
// (replay, pool, exit delivery) is node_test's.
#include "core/node/processor.h"

#include <catch2/catch.hpp>

#include <algorithm>
#include <string>
#include <vector>

#include "core/format/final_message.h"
#include "core/format/layer.h"
#include "core/format/mix_format.h"
#include "core/format/mix_header.h"
#include "core/format/verification.h"
#include "core/format/wire_message.h"
#include "core/sender/creator.h"
#include "crypto/armor.h"
#include "unit_mixes.h"

using namespace mixtasy;
using namespace mixtasy::core;
using namespace mixtasy::core::unit;

namespace {

const std::string kOriginal =
    "To: bob@dest.example\r\nSubject: hello through the mixes\r\n\r\n"
    "Hi Bob,\r\nthis is secret.\r\n";

std::vector<std::string> four_hops() {
    return {mix_address(0), mix_address(1), mix_address(2), mix_address(3)};
}

Bytes create_one(UnitMixes& mixes, const std::vector<std::string>& path,
                 const std::string& original = kOriginal) {
    auto created = create_messages(mixes.ring, path, as_bytes(original), mixes.now, mixes.random);
    if (!created) FAIL(created.error());
    REQUIRE(created->size() == 1);
    return created->front().message;
}

// A transport message whose binary body is replaced.
Bytes with_body(ByteView binary, const std::string& to) {
    return transport_message("", to, binary);
}

// `inner` sealed by hand for the mix at `address` and padded to 30 KiB: a
// layer the creator would never write.
Bytes hand_layer(UnitMixes& mixes, const std::string& address, ByteView inner) {
    const crypto::Subkey* sub = mixes.ring.encryption_subkey(address, mixes.now);
    REQUIRE(sub != nullptr);
    auto sealed = seal_layer(inner, sub->key, mixes.random);
    REQUIRE(sealed);
    auto padded = pad_body(*sealed, kIntermediateBodySize, mixes.random);
    REQUIRE(padded);
    return with_body(*padded, address);
}

// "Verification: <hash>" CRLF, then `rest`.
Bytes with_verification(const std::string& hash, ByteView rest) {
    const std::string line = std::string(kVerificationPrefix) + hash + "\r\n";
    Bytes out(line.begin(), line.end());
    out.insert(out.end(), rest.begin(), rest.end());
    return out;
}

Bytes verified(ByteView rest) { return with_verification(verification_hash(rest), rest); }

Bytes fields_then(const MixHeader& header, ByteView body) {
    const std::string fields = serialize_fields(header);
    Bytes out(fields.begin(), fields.end());
    out.insert(out.end(), body.begin(), body.end());
    return out;
}

bool is_hex40(const std::string& s) {
    return s.size() == 40 && std::all_of(s.begin(), s.end(), [](char c) {
               return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
           });
}

}  // namespace

TEST_CASE("processor: an intermediate message is forwarded, re-padded and armored",
          "[core][processor]") {
    UnitMixes mixes(4);
    const auto path = four_hops();
    const Bytes msg = create_one(mixes, path);
    Peeled p = mixes.peel_at(path[0], msg);
    REQUIRE(p.kind == Peeled::Kind::Forward);
    CHECK(p.reason.empty());
    CHECK(p.next_hop == path[1]);
    CHECK(is_hex40(p.replay_hash));
    CHECK(p.replay_expires == from_unix(kKeysCreated + 2 * 24 * 3600));

    // The next hop's complete message: From us, To it, a 30 KiB body.
    auto header = parse_mix_header(p.message);
    REQUIRE(header);
    auto fields = interpret_mix_fields(header->header);
    REQUIRE(fields);
    CHECK(fields->type == MixType::Intermediate);
    CHECK(fields->from == path[0]);
    CHECK(fields->to == path[1]);
    CHECK(text_of(p.message).find("-----BEGIN PGP MESSAGE-----\r\n") != std::string::npos);
    const Bytes body = binary_body(p.message);
    CHECK(body.size() == kIntermediateBodySize);

    // Fresh padding each time: the same input leaves as different bytes.
    Peeled again = mixes.peel_at(path[0], msg);
    REQUIRE(again.kind == Peeled::Kind::Forward);
    CHECK(again.replay_hash == p.replay_hash);
    CHECK(binary_body(again.message) != body);
}

TEST_CASE("processor: the last mix gets the original back", "[core][processor]") {
    UnitMixes mixes(4);
    const auto path = four_hops();
    const Bytes at_exit = mixes.forward_along(path, create_one(mixes, path), 3);
    Peeled p = mixes.peel_at(path[3], at_exit);
    REQUIRE(p.kind == Peeled::Kind::Final);
    CHECK(text_of(p.message) == kOriginal);
    CHECK(p.fields.type == MixType::Singlepart);
    CHECK(p.fields.part.number == 1);
    CHECK(p.fields.part.total == 1);
    CHECK_FALSE(p.fields.mixtasy_id.empty());
    CHECK(is_hex40(p.replay_hash));
}

TEST_CASE("processor: a dummy is discarded at its last mix in any mode", "[core][processor]") {
    UnitMixes mixes(2);
    const std::vector<std::string> path{mix_address(0), mix_address(1)};
    auto dummy = create_dummy(mixes.ring, path, mixes.now, mixes.random);
    REQUIRE(dummy);
    const Bytes at_last = mixes.forward_along(path, dummy->message, 1);
    for (const MixModes modes : {MixModes{true, false, false}, MixModes{false, false, true}}) {
        Peeled p = peel(at_last, mixes.key(path[1]), NodeIdentity{path[1], modes}, mixes.now,
                        mixes.random);
        CHECK(p.kind == Peeled::Kind::Dummy);
        CHECK(is_hex40(p.replay_hash));
    }
}

TEST_CASE("processor: wrong key, expired subkey", "[core][processor]") {
    UnitMixes mixes(4);
    const auto path = four_hops();
    Bytes msg = create_one(mixes, path);
    // encrypted to n0, received by n1
    CHECK(mixes.peel_at(mix_address(1), msg).reason == "no-valid-subkey");
    // n0's only subkey expires after two days
    mixes.now += std::chrono::hours(24 * 3);
    Peeled late = mixes.peel_at(mix_address(0), msg);
    CHECK(late.kind == Peeled::Kind::Destroy);
    CHECK(late.reason == "no-valid-subkey");
}

TEST_CASE("processor: a flip in the verified ciphertext is a verification failure",
          "[core][processor]") {
    UnitMixes mixes(4);
    const auto path = four_hops();
    Bytes msg = create_one(mixes, path);
    Bytes body = binary_body(msg);
    // Far inside the SED, within the first 20 KiB of the inner message:
    // CFB turns the flip into a changed inner byte and a garbled block.
    body[12000] ^= 0x80;
    CHECK(mixes.peel_at(mix_address(0), with_body(body, mix_address(0))).reason ==
          "verification-failed");
}

TEST_CASE("processor: truncated, oversized and unarmored garbage are malformed",
          "[core][processor]") {
    UnitMixes mixes(4);
    const auto path = four_hops();
    Bytes msg = create_one(mixes, path);
    Bytes body = binary_body(msg);
    const auto at_n0 = [&](ByteView m) {
        return mixes.peel_at(mix_address(0), m).reason;
    };
    Bytes shorter(body.begin(), body.end() - 1);
    CHECK(at_n0(with_body(shorter, mix_address(0))) == "malformed");
    Bytes longer = body;
    longer.push_back(0);
    CHECK(at_n0(with_body(longer, mix_address(0))) == "malformed");
    Bytes cut(msg.begin(), msg.begin() + static_cast<std::ptrdiff_t>(msg.size() / 2));
    CHECK(at_n0(cut) == "malformed");
    CHECK(at_n0(as_bytes("To: x@y\r\n\r\nhello")) == "malformed");
    CHECK(at_n0(as_bytes("no header at all")) == "malformed");
    CHECK(at_n0(Bytes{}) == "malformed");
    // Beyond kMaxReceivedBytes nothing is read, however well-formed the
    // start: the message plus MTA header lines.
    std::string big = "X-Filler: " + std::string(kMaxReceivedBytes, 'x') + "\r\n";
    Bytes oversized(big.begin(), big.end());
    oversized.insert(oversized.end(), msg.begin(), msg.end());
    CHECK(at_n0(oversized) == "malformed");
}

TEST_CASE("processor: a received header beyond its limit is malformed", "[core][processor]") {
    UnitMixes mixes(4);
    const Bytes msg = create_one(mixes, four_hops());
    // MTA lines past kMaxReceivedHeaderBytes, the whole still under
    // kMaxReceivedBytes: the body is never looked for.
    std::string mta;
    const std::string trace = "X-Trace: " + std::string(80, 't') + "\r\n";
    while (mta.size() <= kMaxReceivedHeaderBytes) mta += trace;
    Bytes long_header(mta.begin(), mta.end());
    long_header.insert(long_header.end(), msg.begin(), msg.end());
    REQUIRE(long_header.size() < kMaxReceivedBytes);
    CHECK(mixes.peel_at(mix_address(0), long_header).reason == "malformed");
}

TEST_CASE("processor: a random body of the right size is destroyed", "[core][processor]") {
    UnitMixes mixes(1);
    for (int i = 0; i < 20; ++i) {
        CAPTURE(i);
        const Bytes noise = mixes.random.bytes(kIntermediateBodySize);
        Peeled p = mixes.peel_at(mix_address(0), with_body(noise, mix_address(0)));
        CHECK(p.kind == Peeled::Kind::Destroy);
        CHECK((p.reason == "malformed" || p.reason == "no-valid-subkey"));
    }
}

TEST_CASE("processor: received header lines and a binary body are accepted", "[core][processor]") {
    UnitMixes mixes(4);
    const auto path = four_hops();
    const Bytes msg = create_one(mixes, path);
    std::string mta =
        "Received: from a.example by b.example; Tue, 1 Dec 2026 12:00:00 +0000\r\n"
        "Return-Path: <someone@sender.example>\r\n";
    Bytes with_received(mta.begin(), mta.end());
    with_received.insert(with_received.end(), msg.begin(), msg.end());
    CHECK(mixes.peel_at(mix_address(0), with_received).kind == Peeled::Kind::Forward);
    // binary accepted too
    std::string header = "To: mixtasy@n0.example\r\n\r\n";
    Bytes binary(header.begin(), header.end());
    const Bytes body = binary_body(msg);
    binary.insert(binary.end(), body.begin(), body.end());
    CHECK(mixes.peel_at(mix_address(0), binary).kind == Peeled::Kind::Forward);
}

TEST_CASE("processor: an inner header changed after its Verification was computed",
          "[core][processor]") {
    UnitMixes mixes(4);
    // Build the layer for n0 by hand: an inner intermediate message for n1
    // whose To: is swapped to n2 after hashing.
    auto inner_for_n1 = create_messages(
        mixes.ring,
        std::vector<std::string>{mix_address(1), mix_address(2), mix_address(3), mix_address(2)},
        as_bytes(kOriginal), mixes.now, mixes.random);
    REQUIRE(inner_for_n1);
    const Bytes inner_sed = binary_body(inner_for_n1->front().message);  // PKESK+SED+padding
    Bytes rest = fields_then(intermediate_header(mix_address(1)), inner_sed);
    Bytes tampered_rest = fields_then(intermediate_header(mix_address(2)), inner_sed);
    // The inner body was padded to 30 KiB; cut it so the outer fits.
    tampered_rest.resize(kIntermediateBodySize - 400);
    rest.resize(kIntermediateBodySize - 400);
    // the hash of the untampered fields over the tampered ones
    const Bytes bad_inner = with_verification(verification_hash(rest), tampered_rest);
    CHECK(mixes.peel_at(mix_address(0), hand_layer(mixes, mix_address(0), bad_inner)).reason ==
          "verification-failed");
    Peeled good = mixes.peel_at(mix_address(0), hand_layer(mixes, mix_address(0), verified(rest)));
    REQUIRE(good.kind == Peeled::Kind::Forward);
    CHECK(good.next_hop == mix_address(1));
}

TEST_CASE("processor: a revealed message without its Verification line is malformed",
          "[core][processor]") {
    UnitMixes mixes(4);
    const Bytes padding(kVerifiedSpan, 0x42);
    const Bytes unverified = fields_then(intermediate_header(mix_address(1)), padding);
    CHECK(mixes.peel_at(mix_address(0), hand_layer(mixes, mix_address(0), unverified)).reason ==
          "malformed");
    // Verification second is no Verification at all.
    MixHeader late = intermediate_header(mix_address(1));
    late.set("Verification", verification_hash(padding));
    const Bytes late_layer = hand_layer(mixes, mix_address(0), fields_then(late, padding));
    CHECK(mixes.peel_at(mix_address(0), late_layer).reason == "malformed");
}

TEST_CASE("processor: a revealed header that is not a mix header is malformed",
          "[core][processor]") {
    UnitMixes mixes(4);
    const Bytes padding(kVerifiedSpan, 0x42);
    MixHeader other = intermediate_header(mix_address(1));
    other.set("Remailer-Type", "Mixmaster 2");
    const Bytes layer = hand_layer(mixes, mix_address(0), verified(fields_then(other, padding)));
    CHECK(mixes.peel_at(mix_address(0), layer).reason == "malformed");
}

TEST_CASE("processor: an inner body that is no layer is not forwarded", "[core][processor]") {
    UnitMixes mixes(4);
    // Verified, well-formed, for n1: but the body n1 would get is no PKESK.
    const Bytes not_a_layer(kVerifiedSpan, 0x42);
    const Bytes inner = verified(fields_then(intermediate_header(mix_address(1)), not_a_layer));
    CHECK(mixes.peel_at(mix_address(0), hand_layer(mixes, mix_address(0), inner)).reason ==
          "malformed");
}

TEST_CASE("processor: modes are enforced (6.4)", "[core][processor]") {
    UnitMixes mixes(3);
    mixes.add("mixtasy@middle.example", {"middleman"});
    mixes.add("mixtasy@exit.example", {"exitpublic"});
    // The creator refuses these paths (creator_test), so build them with a
    // key ring that lies about every mix's modes and check the mix's own
    // refusal.
    KeyRing liar;
    for (const auto& addr : mixes.ring.addresses()) {
        MixKey k = *mixes.ring.find(addr);
        k.modes = MixModes{true, true, true};
        liar.add(std::move(k));
    }
    // final message at a middleman-only mix
    const std::vector<std::string> to_middle_exit{mix_address(0), mix_address(1), mix_address(2),
                                                  "mixtasy@middle.example"};
    auto m1 = create_messages(liar, to_middle_exit, as_bytes(kOriginal), mixes.now, mixes.random);
    REQUIRE(m1);
    const Bytes at_middle = mixes.forward_along(to_middle_exit, m1->front().message, 3);
    CHECK(mixes.peel_at("mixtasy@middle.example", at_middle).reason == "wrong-mode");
    // intermediate message at an exit-only mix
    const std::vector<std::string> via_exit{mix_address(0), "mixtasy@exit.example", mix_address(1),
                                            mix_address(2)};
    auto m2 = create_messages(liar, via_exit, as_bytes(kOriginal), mixes.now, mixes.random);
    REQUIRE(m2);
    const Bytes at_exit = mixes.forward_along(via_exit, m2->front().message, 1);
    CHECK(mixes.peel_at("mixtasy@exit.example", at_exit).reason == "wrong-mode");
    // either exit mode takes a final message
    for (const MixModes modes : {MixModes{false, true, false}, MixModes{false, false, true}}) {
        Peeled p = peel(at_middle, mixes.key("mixtasy@middle.example"),
                        NodeIdentity{"mixtasy@middle.example", modes}, mixes.now, mixes.random);
        CHECK(p.kind == Peeled::Kind::Final);
    }
}

namespace {

// A layer for n0 whose revealed intermediate header names `next_hop`, over
// a real inner layer (PKESK + SED) so that only the next hop is wrong.
Bytes layer_to(UnitMixes& mixes, const std::string& next_hop) {
    auto inner = create_messages(
        mixes.ring,
        std::vector<std::string>{mix_address(1), mix_address(2), mix_address(3), mix_address(2)},
        as_bytes(kOriginal), mixes.now, mixes.random);
    REQUIRE(inner);
    Bytes rest = fields_then(intermediate_header(next_hop), binary_body(inner->front().message));
    rest.resize(kIntermediateBodySize - 400);
    return hand_layer(mixes, mix_address(0), verified(rest));
}

// The header of a mix message to n0, then `body` as it is.
Bytes to_n0_with_body(const std::string& body) {
    const std::string text = "To: " + mix_address(0) + "\r\n\r\n" + body;
    return Bytes(text.begin(), text.end());
}

}  // namespace

TEST_CASE("processor: a middleman forwards only to another mix's address (6.1.1)",
          "[core][processor]") {
    UnitMixes mixes(4);
    for (const std::string& bad :
         std::vector<std::string>{"victim@example.com", "postmaster@localhost",
                                  "a%b.example@mix1.test", "mixtasy%victim.example@n1.example",
                                  "mixtasy.x@n1.example", mix_address(0), "MIXTASY@N0.Example"}) {
        INFO(bad);
        const Peeled p = mixes.peel_at(mix_address(0), layer_to(mixes, bad));
        CHECK(p.kind == Peeled::Kind::Destroy);
        CHECK(p.reason == "bad-next-hop");
    }
    for (const std::string& good : {mix_address(1), std::string("MIXTASY@n1.example")}) {
        INFO(good);
        const Peeled p = mixes.peel_at(mix_address(0), layer_to(mixes, good));
        REQUIRE(p.kind == Peeled::Kind::Forward);
        CHECK(p.next_hop == good);
    }
}

TEST_CASE("processor: only the armor labels of mix messages are read", "[core][processor]") {
    UnitMixes mixes(4);
    const Bytes body = binary_body(create_one(mixes, four_hops()));
    const auto peel_armored = [&](std::string_view label) {
        return mixes.peel_at(mix_address(0), to_n0_with_body(crypto::armor_encode(body, label)));
    };
    CHECK(peel_armored(crypto::kLabelMessage).kind == Peeled::Kind::Forward);
    // gpg --enarmor's label, as the reference prototype writes it
    CHECK(peel_armored(crypto::kLabelArmoredFile).kind == Peeled::Kind::Forward);
    for (std::string_view other :
         {crypto::kLabelPublicKey, crypto::kLabelSignature,
          std::string_view("PGP MESSAGE, PART 1/2"), std::string_view("SOMETHING ELSE")}) {
        INFO(other);
        const Peeled p = peel_armored(other);
        CHECK(p.kind == Peeled::Kind::Destroy);
        CHECK(p.reason == "malformed");
    }
}

TEST_CASE("processor: text before the armor's BEGIN line is skipped (armor.h)",
          "[core][processor]") {
    UnitMixes mixes(4);
    const Bytes body = binary_body(create_one(mixes, four_hops()));
    const std::string armored = crypto::armor_encode(body, crypto::kLabelMessage);
    const std::string note = "This is a Mixtasy message.\r\nIt is encrypted.\r\n\r\n";
    const Peeled p = mixes.peel_at(mix_address(0), to_n0_with_body(note + armored));
    REQUIRE(p.kind == Peeled::Kind::Forward);
    CHECK(p.next_hop == mix_address(1));
    // Beyond the bound the body is not armor: read as binary, and destroyed.
    const std::string essay(crypto::ArmorLimits{}.max_leading_text + 1, 'x');
    const Peeled long_note =
        mixes.peel_at(mix_address(0), to_n0_with_body(essay + "\r\n" + armored));
    CHECK(long_note.reason == "malformed");
}

TEST_CASE("processor: a final message is delivered with or without FF 00 after its literal",
          "[core][processor]") {
    UnitMixes mixes(1);
    auto final_msg = build_final_message(MixType::Singlepart, "<x@mixtasy>", {},
                                         as_bytes(kOriginal), mixes.random);
    REQUIRE(final_msg);
    // The bytes after the Verification line, as another writer might fill
    // the two after the literal.
    const std::string text = text_of(*final_msg);
    Bytes rest(final_msg->begin() + static_cast<std::ptrdiff_t>(text.find("\r\n") + 2),
               final_msg->end());
    const std::size_t marker = text_of(rest).find(kOriginal) + kOriginal.size();
    REQUIRE(rest[marker] == 0xFF);
    REQUIRE(rest[marker + 1] == 0x00);
    for (const bool keep_marker : {true, false}) {
        INFO(keep_marker);
        if (!keep_marker) rest[marker] = rest[marker + 1] = 0x5A;
        const Peeled p =
            mixes.peel_at(mix_address(0), hand_layer(mixes, mix_address(0), verified(rest)));
        REQUIRE(p.kind == Peeled::Kind::Final);
        CHECK(text_of(p.message) == kOriginal);
    }
}

TEST_CASE("processor: a tag past a hop's verified 20 KiB is caught at a later hop (6.4.1)",
          "[core][processor]") {
    // Seed 000 6.4.1 hashes the first 20 KiB of each revealed message.  A
    // layer's revealed message is a little longer (the inner layers'
    // framing), so a byte flipped in its last few hundred bytes passes this
    // hop and is caught where it falls inside a later hop's 20 KiB; what
    // reaches the recipient is verified whole (final_message.h) or nothing.
    UnitMixes mixes(4);
    const auto path = four_hops();
    const Bytes msg = create_one(mixes, path);
    const Bytes body = binary_body(msg);
    std::size_t passed_first = 0;
    std::vector<std::size_t> caught_at(path.size() + 1, 0);  // [path.size()]: delivered
    for (std::size_t at = 20400; at < 21800; at += 50) {
        CAPTURE(at);
        Bytes tagged = body;
        tagged[at] ^= 0x01;
        Bytes message = with_body(tagged, path[0]);
        for (std::size_t hop = 0; hop < path.size(); ++hop) {
            CAPTURE(hop);
            const Peeled p = mixes.peel_at(path[hop], message);
            if (p.kind == Peeled::Kind::Final) {
                CHECK(text_of(p.message) == kOriginal);  // never a changed original
                ++caught_at[path.size()];
                break;
            }
            if (p.kind != Peeled::Kind::Forward) {
                CHECK(p.reason == "verification-failed");
                ++caught_at[hop];
                break;
            }
            REQUIRE(p.next_hop == path[hop + 1]);
            if (hop == 0) ++passed_first;
            message = p.message;
        }
    }
    INFO("caught at hop 0..3, delivered: " << caught_at[0] << " " << caught_at[1] << " "
                                           << caught_at[2] << " " << caught_at[3] << " "
                                           << caught_at[4]);
    CHECK(caught_at[0] > 0);  // early in the span: this hop's hash sees it
    CHECK(passed_first > 0);  // late in it: the first hop cannot
    // Each later hop catches the tags that fall into its own 20 KiB (in one
    // run over these offsets: 6, 4, 5 and 5 at hops 0-3; 8 landed in padding
    // and the original was delivered unchanged).
    CHECK(caught_at[1] > 0);
    CHECK(caught_at[2] > 0);
    CHECK(caught_at[3] > 0);
}
