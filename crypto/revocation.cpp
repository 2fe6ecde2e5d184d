// SPDX-License-Identifier: BSD-2-Clause
// revocation.cpp - a certificate carrying a subkey revocation; see
// revocation.h (sign_key_revocation lives in signature.cpp).
#include "crypto/revocation.h"

#include "crypto/packet.h"

namespace mixtasy::crypto {

Result<Bytes> with_subkey_revocation(const Certificate& cert, const Fingerprint& subkey,
                                     const Signature& revocation) {
    if (revocation.type != SignatureType::SubkeyRevocation)
        return fail(ErrorCode::BadKey, 0, "not a subkey revocation");
    Bytes out;
    bool found = false;
    auto emit = [&out](Tag tag, ByteView body) {
        (void)append_packet(out, tag, body);
    };
    emit(Tag::PublicKey, cert.primary.body);
    for (const auto& s : cert.direct_signatures) emit(Tag::Signature, s.body);
    for (const auto& u : cert.user_ids) {
        emit(Tag::UserId, as_bytes(u.text));
        emit(Tag::Signature, u.self_signature.body);
    }
    for (const auto& s : cert.subkeys) {
        emit(Tag::PublicSubkey, s.key.body);
        emit(Tag::Signature, s.binding.body);
        if (s.key.fingerprint != subkey) continue;
        emit(Tag::Signature, revocation.body);
        found = true;
    }
    if (!found) return fail(ErrorCode::BadKey, 0, "no such subkey in the certificate");
    return out;
}

}  // namespace mixtasy::crypto
