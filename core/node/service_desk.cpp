// SPDX-License-Identifier: BSD-2-Clause
// service_desk.cpp - decide, answer, pool.
#include "core/node/service_desk.h"

#include <fstream>
#include <iterator>

#include "common/ascii.h"
#include "core/format/mail_address.h"
#include "core/node/admin_mail.h"
#include "core/node/reply_mail.h"
#include "core/node/service_mail.h"
#include "core/ports/clock.h"
#include "core/ports/log.h"
#include "core/ports/random.h"

namespace mixtasy::core {
namespace {

std::string domain_of(std::string_view address) {
    const auto at = address.rfind('@');
    return at == std::string_view::npos ? std::string() : ascii::lower(address.substr(at + 1));
}

std::string bare(std::string_view address) {
    while (!address.empty() && (address.front() == ' ' || address.front() == '<'))
        address.remove_prefix(1);
    while (!address.empty() && (address.back() == ' ' || address.back() == '>'))
        address.remove_suffix(1);
    return std::string(address);
}

Decision handled() { return Decision::dropped(kServiceHandled); }

}  // namespace

std::vector<std::string> service_domains_or_default(const std::vector<std::string>& configured,
                                                    std::string_view mix_address) {
    std::vector<std::string> domains;
    for (const std::string& d : configured) domains.push_back(ascii::lower(d));
    if (domains.empty()) {
        std::string own = domain_of(mix_address);
        if (!own.empty()) domains.push_back(std::move(own));
    }
    return domains;
}

ServiceDesk::ServiceDesk(store::Store& store, Clock& clock, Random& random,
                         ServiceDeskOptions options)
    : store_(store), clock_(clock), random_(random), options_(std::move(options)),
      limiter_(options_.replies) {
    options_.service_domains =
        service_domains_or_default(options_.service_domains, options_.mix_address);
}

bool ServiceDesk::is_service_address(std::string_view recipient) const {
    const std::string domain = service_domain_of(bare(recipient));
    if (domain.empty()) return false;
    for (const std::string& d : options_.service_domains) {
        if (d == domain) return true;
    }
    return false;
}

std::string ServiceDesk::service_domain(const Envelope& envelope) const {
    for (const std::string& rcpt : envelope.recipients) {
        if (is_service_address(rcpt)) return service_domain_of(bare(rcpt));
    }
    return {};
}

Decision ServiceDesk::answer_service(const Envelope& envelope, ByteView message,
                                     std::string_view domain,
                                     const crypto::SecretCertificate& node_key) {
    ServiceRules rules;
    rules.service_domain = std::string(domain);
    rules.publication_allowed = options_.key_publication;
    ServiceAction action = read_service_mail(envelope, message, rules);
    switch (action.kind) {
        case ServiceAction::Kind::Drop:
            log(LogLevel::Info, "key service: request dropped (" + action.reason + ")");
            return handled();
        case ServiceAction::Kind::Publish:
            return publish(envelope, domain, node_key, action.key, action.auth, action.address);
        case ServiceAction::Kind::Retrieve:
            return retrieve(envelope, domain, node_key, action.address, action.auth);
    }
    return handled();
}

Decision ServiceDesk::publish(const Envelope& envelope, std::string_view domain,
                              const crypto::SecretCertificate& node_key, const Bytes& key,
                              const AuthKey& auth, const std::string& address) {
    if (auto stored = store_.put_published_key(address, key, to_unix(clock_.now())); !stored) {
        log(LogLevel::Warning, "key service: publication not stored: " + stored.error().detail);
        return stored.error().temporary() ? Decision::tempfail("store-unavailable") : handled();
    }
    return reply(envelope, "keys@" + std::string(domain), "Key publication confirmation",
                 publication_confirmation(key_hmac(auth, key)), node_key,
                 "key service: publication");
}

Decision ServiceDesk::retrieve(const Envelope& envelope, std::string_view domain,
                               const crypto::SecretCertificate& node_key,
                               const std::string& address, const AuthKey& auth) {
    Bytes key;
    if (ascii::iequals(address, options_.mix_address)) {
        key = crypto::serialize(node_key.cert);
    } else {
        auto stored = store_.get_published_key(address);
        if (!stored) {
            if (stored.error().code != store::StoreError::Code::NotFound) {
                log(LogLevel::Warning, "key service: lookup failed: " + stored.error().detail);
                return stored.error().temporary() ? Decision::tempfail("store-unavailable")
                                                  : handled();
            }
            log(LogLevel::Info, "key service: request dropped (unknown-address)");
            return handled();
        }
        key = std::move(*stored);
    }
    return reply(envelope, "keys@" + std::string(domain), "Key retrieval reply",
                 retrieval_reply(key, key_hmac(auth, key)), node_key, "key service: retrieval");
}

Decision ServiceDesk::answer_admin(const Envelope& envelope, AdminCommand command,
                                   const crypto::SecretCertificate& node_key) {
    AdminInfo info;
    {
        std::lock_guard lock(info_mutex_);
        info = options_.info;
    }
    info.admin_key = admin_key();
    const std::int64_t today = store::day_of(to_unix(clock_.now()));
    AdminSources sources{info, node_key.cert, {}, today - (kStatsDays - 1), today};
    if (command == AdminCommand::Stats) {
        auto rows = store_.read_stats(sources.first_day, sources.last_day);
        if (!rows) return Decision::tempfail("store-unavailable");
        sources.stats = std::move(*rows);
    }
    return reply(envelope, options_.mix_address, admin_reply_subject(command),
                 admin_reply_text(command, sources), node_key, to_string(command));
}

Decision ServiceDesk::reply(const Envelope& envelope, const std::string& from,
                            const std::string& subject, const std::string& text,
                            const crypto::SecretCertificate& node_key,
                            const std::string& what_for) {
    const Instant now = clock_.now();
    if (!limiter_.allow(envelope.sender, now)) {
        log(LogLevel::Info, what_for + " reply rate-limited");
        return handled();
    }
    auto mail = build_reply({from, envelope.sender, subject}, text, node_key.primary, now, random_);
    if (!mail) {
        log(LogLevel::Info, what_for + " not answered (" + mail.error() + ")");
        return handled();
    }
    store::NewPoolItem row =
        outgoing(store::PoolKind::AdminReply, envelope.sender, from, std::move(*mail));
    schedule(row, now, options_.ages);
    auto id = store_.enqueue(row);
    if (!id) return Decision::tempfail("store-unavailable");
    {
        std::lock_guard lock(pending_mutex_);
        pending_.push_back(*id);
    }
    log(LogLevel::Info, what_for + " answered");
    return handled();
}

std::optional<std::string> ServiceDesk::admin_key() const {
    std::ifstream in(options_.admin_key_path, std::ios::binary);
    if (!in) return std::nullopt;
    std::string text;
    text.resize(kMaxAdminKeyBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    if (text.empty() || text.size() > kMaxAdminKeyBytes) return std::nullopt;
    return text;
}

void ServiceDesk::set_info(AdminInfo info) {
    std::lock_guard lock(info_mutex_);
    options_.info = std::move(info);
}

std::vector<store::PoolId> ServiceDesk::take_replies() {
    std::lock_guard lock(pending_mutex_);
    return std::exchange(pending_, {});
}

void ServiceDesk::keep_unsent(std::span<const store::PoolId> handed) {
    std::vector<store::PoolId> owed;
    for (store::PoolId id : handed) {
        // Gone (sent, given up, swept): settled.  Pooled (a retry) or still
        // sending: owed.  A store error keeps it owed rather than lose it.
        auto row = store_.get(id);
        if (!row && row.error().code == store::StoreError::Code::NotFound) continue;
        owed.push_back(id);
    }
    std::lock_guard lock(pending_mutex_);
    pending_.insert(pending_.end(), owed.begin(), owed.end());
}

void ServiceDesk::find_waiting_replies() {
    auto ids = store_.ready_ids(to_unix(clock_.now()));
    if (!ids) return;
    std::vector<store::PoolId> found;
    for (store::PoolId id : *ids) {
        auto row = store_.get(id);
        if (row && row->kind == store::PoolKind::AdminReply) found.push_back(id);
    }
    std::lock_guard lock(pending_mutex_);
    pending_.insert(pending_.end(), found.begin(), found.end());
}

}  // namespace mixtasy::core
