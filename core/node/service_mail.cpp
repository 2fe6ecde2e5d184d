// SPDX-License-Identifier: BSD-2-Clause
// service_mail.cpp - the keys@ decision: a publication needs an
// authenticated account whose address the key names; a retrieval needs
// only a well-formed request.
#include "core/node/service_mail.h"

#include "common/ascii.h"
#include "core/format/mail_address.h"
#include "core/format/mail_header.h"
#include "core/node/plaintext.h"
#include "crypto/key.h"

namespace mixtasy::core {
namespace {

ServiceAction drop(std::string reason) {
    ServiceAction action;
    action.reason = std::move(reason);
    return action;
}

bool has_key_block(std::string_view body) {
    return body.find("-----BEGIN PGP PUBLIC KEY BLOCK-----") != std::string_view::npos;
}

std::string account_address(const std::string& login, const std::string& domain) {
    if (login.find('@') != std::string::npos) return ascii::lower(login);
    return ascii::lower(login + "@" + domain);
}

// One certificate, and one of its (unrevoked, self-signed) user IDs names
// the account: a user may publish only a key for the address they own.
bool key_names(ByteView key, const std::string& account) {
    auto certs = crypto::parse_certificates(key);
    if (!certs || certs->size() != 1) return false;
    for (const crypto::UserId& uid : certs->front().user_ids) {
        auto spec = lenient_addr_spec(mailbox_address(uid.text));
        if (spec && ascii::iequals(spec->address, account)) return true;
    }
    return false;
}

bool is_certificate(ByteView key) {
    auto certs = crypto::parse_certificates(key);
    return certs && certs->size() == 1;
}

ServiceAction publication(const Envelope& envelope, std::string_view body,
                          const ServiceRules& rules) {
    if (envelope.authenticated.empty()) return drop("unauthenticated");
    if (!rules.publication_allowed) return drop("publication-disabled");
    auto request = parse_key_publication(body, rules.limits);
    if (!request) return drop(request.error().reason());
    if (!is_certificate(request->key)) return drop("bad-key");
    const std::string account = account_address(envelope.authenticated, rules.service_domain);
    if (!key_names(request->key, account)) return drop("user-id-mismatch");
    ServiceAction action;
    action.kind = ServiceAction::Kind::Publish;
    action.address = account;
    action.key = std::move(request->key);
    action.auth = std::move(request->auth);
    return action;
}

ServiceAction retrieval(std::string_view body, const ServiceRules& rules) {
    auto request = parse_key_retrieval(body, rules.limits);
    if (!request) return drop(request.error().reason());
    ServiceAction action;
    action.kind = ServiceAction::Kind::Retrieve;
    action.address = ascii::lower(request->address);
    action.auth = std::move(request->auth);
    return action;
}

}  // namespace

std::string service_domain_of(std::string_view address) {
    auto spec = strict_addr_spec(address);
    if (!spec || !ascii::iequals(spec->local, "keys")) return {};
    return ascii::lower(spec->domain);
}

ServiceAction read_service_mail(const Envelope& envelope, ByteView message,
                                const ServiceRules& rules) {
    if (envelope.sender.empty()) return drop("no-reply-address");
    const std::string_view text = as_chars(message);
    auto header = parse_mail_header(text, kPlaintextHeaderLimits);
    if (!header) return drop("malformed-header");
    const std::string_view body = text.substr(std::min(header->body_offset, text.size()));
    return has_key_block(body) ? publication(envelope, body, rules) : retrieval(body, rules);
}

}  // namespace mixtasy::core
