// SPDX-License-Identifier: BSD-2-Clause
// key_retrieval.cpp - see key_retrieval.h.
#include "cli/key_retrieval.h"

#include <exception>

#include <botan/base64.h>
#include <botan/mem_ops.h>

#include "core/keys/mix_key.h"
#include "core/publish/key_service.h"
#include "crypto/armor.h"
#include "crypto/key.h"

namespace mixtasy::cli {
namespace {

Unexpected<std::string> refuse(std::string why) { return Unexpected{std::move(why)}; }

std::optional<core::AuthKey> decode(const std::string& base64) {
    try {
        return Botan::base64_decode(base64.data(), base64.size(), false);
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

Expected<CheckedReply, std::string> check_key_reply(std::string_view mail,
                                                    const core::KeyRequests& requests) {
    auto body = core::reply_body(mail);
    if (!body) return refuse(body.error().detail);
    // The reply body has the publication request's grammar: one key block
    // and one base64 line of 32 bytes, here the HMAC instead of K_auth.
    auto parsed = core::parse_key_publication(*body);
    if (!parsed)
        return refuse("not a key reply: " + parsed.error().detail +
                      (parsed.error().line
                           ? " (body line " + std::to_string(parsed.error().line) + ")"
                           : std::string()));
    auto certs = crypto::parse_certificates(parsed->key);
    if (!certs) return refuse("the reply's key: " + crypto::describe(certs.error()));
    if (certs->size() != 1) return refuse("the reply holds more than one key");
    auto mix = core::check_mix_key(certs->front());
    if (!mix) return refuse("the reply's key is not a mix key: " + core::describe(mix.error()));
    const core::KeyRequest* request = requests.find(mix->address);
    if (request == nullptr)
        return refuse("no pending key request for " + mix->address +
                      ": this reply answers nothing this directory asked");
    const auto auth = decode(request->auth);
    if (!auth) return refuse("the pending request's K_auth does not decode");
    const core::KeyHmac expected = core::key_hmac(*auth, parsed->key);
    if (parsed->auth.size() != expected.size() ||
        !Botan::constant_time_compare(expected.data(), parsed->auth.data(), expected.size()))
        return refuse("the HMAC does not match the key and our K_auth for " + mix->address +
                      ": changed on the way or not the answer to our request; nothing imported");
    Bytes armored;
    crypto::armor_append(armored, parsed->key, crypto::kLabelPublicKey,
                         crypto::ArmorStyle{true, true});
    return CheckedReply{mix->address, std::string(as_chars(armored))};
}

}  // namespace mixtasy::cli
