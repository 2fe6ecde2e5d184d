// SPDX-License-Identifier: BSD-2-Clause
// processor.cpp - see processor.h.
#include "core/node/processor.h"

#include <exception>
#include <optional>

#include "core/format/final_message.h"
#include "core/format/layer.h"
#include "core/format/mix_format.h"
#include "core/format/mix_header.h"
#include "core/format/verification.h"
#include "core/format/wire_message.h"
#include "core/node/next_hop.h"
#include "crypto/armor.h"
#include "crypto/packet.h"

namespace mixtasy::core {
namespace {

Peeled destroy(const char* reason) {
    Peeled p;
    p.kind = Peeled::Kind::Destroy;
    p.reason = reason;
    return p;
}

// The binary layer of a received body: binary as it is, or armor under one
// of the labels mix messages travel with (ours, and gpg --enarmor's of the
// reference prototype).  Other labels (keys, signatures) are no layer.
std::optional<Bytes> layer_body(ByteView body) {
    if (!crypto::is_armored(body)) return Bytes(body.begin(), body.end());
    crypto::ArmorLimits limits;
    limits.max_input_size = kMaxReceivedBytes;
    auto armored = crypto::armor_decode(body, limits);
    if (!armored) return std::nullopt;
    if (armored->label != crypto::kLabelMessage && armored->label != crypto::kLabelArmoredFile) {
        return std::nullopt;
    }
    return std::move(armored->data);
}

// The inner body of an intermediate message must begin with a PKESK: the
// next mix could not read anything else, so it is not worth carrying.
bool starts_with_pkesk(ByteView body) {
    crypto::PacketReader reader(body);
    auto first = reader.next();
    return first && first->has_value() && (*first)->tag == crypto::Tag::Pkesk;
}

Peeled forward(const MixFields& fields, ByteView inner_body, const NodeIdentity& identity,
               Random& random) {
    if (!identity.modes.middleman) return destroy("wrong-mode");
    // A middleman hands its output only to another mix: never to an
    // ordinary mailbox, a percent-hack route or itself (next_hop.h).
    if (judge_next_hop(fields.to, identity.address) != NextHopVerdict::Allowed) {
        return destroy("bad-next-hop");
    }
    if (!starts_with_pkesk(inner_body)) return destroy("malformed");
    auto padded = pad_body(inner_body, kIntermediateBodySize, random);
    if (!padded) return destroy("malformed");
    Peeled p;
    p.kind = Peeled::Kind::Forward;
    p.next_hop = fields.to;
    p.message = transport_message(identity.address, fields.to, *padded);
    return p;
}

Peeled finish(const MixFields& fields, ByteView verified, std::size_t body_offset,
              const NodeIdentity& identity) {
    if (fields.type == MixType::Dummy) {
        Peeled p;
        p.kind = Peeled::Kind::Dummy;
        return p;
    }
    if (!identity.modes.exitpublic && !identity.modes.exitprivate) return destroy("wrong-mode");
    auto payload = read_final_payload(verified, body_offset);
    if (!payload) return destroy("malformed");
    Peeled p;
    p.kind = Peeled::Kind::Final;
    p.fields = fields;
    p.message = std::move(*payload);
    return p;
}

Peeled peel_checked(ByteView received, const crypto::SecretCertificate& key,
                    const NodeIdentity& identity, Instant now, Random& random) {
    if (received.size() > kMaxReceivedBytes) return destroy("malformed");
    auto body = received_body(received);
    if (!body) return destroy("malformed");
    auto binary = layer_body(*body);
    if (!binary || binary->size() != kIntermediateBodySize) return destroy("malformed");

    auto layer = open_layer(*binary, key, now);
    if (!layer) return destroy(to_string(layer.error()));

    const ByteView contents = layer->contents;
    auto parsed = parse_mix_header(contents);
    if (!parsed || !parsed->header.verification) return destroy("malformed");
    auto fields = interpret_mix_fields(parsed->header);
    if (!fields) return destroy("malformed");

    const ByteView verified = contents.subspan(parsed->second_line_offset);
    if (verified.size() < kVerifiedSpan) return destroy("malformed");
    if (!verification_matches(*parsed->header.verification, verified)) {
        return destroy("verification-failed");
    }

    Peeled out =
        fields->type == MixType::Intermediate
            ? forward(*fields, contents.subspan(parsed->body_offset), identity, random)
            : finish(*fields, verified, parsed->body_offset - parsed->second_line_offset, identity);
    out.replay_hash = *parsed->header.verification;
    out.replay_expires = layer->subkey_expires;
    return out;
}

}  // namespace

Peeled peel(ByteView received, const crypto::SecretCertificate& key, const NodeIdentity& identity,
            Instant now, Random& random) {
    try {
        return peel_checked(received, key, identity, now, random);
    } catch (const std::exception&) {
        return destroy("malformed");
    }
}

}  // namespace mixtasy::core
