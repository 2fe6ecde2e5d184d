// SPDX-License-Identifier: BSD-2-Clause
// signed_reply.cpp - cleartext signed replies; see signed_reply.h.
#include "core/admin/signed_reply.h"

#include <vector>

#include "common/ascii.h"
#include "crypto/armor.h"
#include "crypto/error.h"
#include "crypto/signature.h"

namespace mixtasy::core {
namespace {

std::vector<std::string_view> lines_of(std::string_view text) {
    std::vector<std::string_view> out;
    while (!text.empty()) {
        const std::size_t lf = text.find('\n');
        std::string_view line = text.substr(0, lf);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out.push_back(line);
        text = lf == std::string_view::npos ? std::string_view{} : text.substr(lf + 1);
    }
    return out;
}

std::string crlf(const std::string& text) {
    std::string out;
    for (char c : text) {
        if (c == '\n') out += '\r';
        out += c;
    }
    return out;
}

}  // namespace

Expected<std::string, std::string> clearsign(const crypto::SecretKey& signer, std::string_view text,
                                             crypto::Timestamp created,
                                             Botan::RandomNumberGenerator& rng) {
    std::string canonical, body;
    for (std::string_view line : lines_of(text)) {
        // Trailing blanks are not signed (RFC 9580 7.2); keep them out of
        // the shown text as well, so what is read is what was signed.
        while (!line.empty() && ascii::is_blank(line.back())) line.remove_suffix(1);
        if (!canonical.empty() || !body.empty()) canonical += "\r\n";
        canonical += line;
        if (!line.empty() && line.front() == '-') body += "- ";
        body += line;
        body += "\r\n";
    }
    crypto::SignatureParams params;
    params.type = crypto::SignatureType::Text;
    params.created = created;
    auto sig = crypto::sign_data(signer, as_bytes(canonical), params, rng);
    if (!sig) return Unexpected{crypto::describe(sig.error())};
    const std::string armored =
        crlf(crypto::armor_encode(crypto::signature_packet(*sig), crypto::kLabelSignature));
    return "-----BEGIN PGP SIGNED MESSAGE-----\r\nHash: SHA256\r\n\r\n" + body + armored;
}

}  // namespace mixtasy::core
