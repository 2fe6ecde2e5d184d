// SPDX-License-Identifier: BSD-2-Clause
// node.cpp - the mix node behind core/node/node.h: peel (processor.h), then one
// store transaction that records the replay hash and pools the outcome.
#include "core/node/node.h"

#include <filesystem>
#include <fstream>
#include <mutex>
#include <span>
#include <sstream>
#include <sys/stat.h>

#include "common/ascii.h"
#include "core/keys/key_home.h"
#include "core/keys/keyring.h"
#include "core/node/dummy_maker.h"
#include "core/node/exit_admission.h"
#include "core/node/exit_headers.h"
#include "core/node/exit_stamp.h"
#include "core/node/next_hop.h"
#include "core/node/plaintext.h"
#include "core/node/processor.h"
#include "core/node/service_desk.h"
#include "core/node/store_trouble.h"
#include "core/node/admin_mail.h"
#include "core/node/reassembly.h"
#include "core/pool/flusher.h"
#include "core/pool/outbox.h"
#include "core/ports/clock.h"
#include "core/ports/log.h"
#include "core/ports/random.h"
#include "core/sender/creator.h"
#include "store/open.h"

namespace mixtasy::core {
namespace {

// The node's key and what it says about the node, swapped whole on reload.
struct NodeKeys {
    crypto::SecretCertificate secret;
    NodeIdentity identity;
};

Expected<std::shared_ptr<const NodeKeys>, std::string> node_keys(crypto::SecretCertificate secret) {
    auto mix = check_mix_key(secret.cert);
    if (!mix) return Unexpected{"node key is not a Mixtasy key: " + describe(mix.error())};
    auto keys = std::make_shared<NodeKeys>();
    keys->identity.address = mix->address;
    keys->identity.modes = mix->modes;
    keys->secret = std::move(secret);
    return std::shared_ptr<const NodeKeys>(std::move(keys));
}

Expected<std::shared_ptr<const NodeKeys>, std::string> load_keys(const std::string& home) {
    auto secret = load_node_key(home);
    if (!secret) return Unexpected{"node key: " + crypto::describe(secret.error())};
    return node_keys(std::move(*secret));
}

// The known mixes (mixes.asc): the ring dummies go through, and the
// directory a middleman's next hops are checked against.  The file's
// modification time is when the directory was last refreshed (`mixtasy dir
// update` rewrites it); an absent file was never loaded.
struct KnownMixes {
    KeyRing ring;
    MixDirectoryView view;
};

KnownMixes load_known_mixes(const std::string& path) {
    KnownMixes out;
    std::ifstream in(path, std::ios::binary);
    if (!in) return out;
    std::ostringstream text;
    text << in.rdbuf();
    out.ring = KeyRing::parse(text.str());
    for (const std::string& address : out.ring.addresses()) {
        out.view.addresses.push_back(ascii::lower(address));
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0) out.view.refreshed_at = from_unix(st.st_mtime);
    return out;
}

OpenError options_error(std::string detail) {
    return OpenError{OpenError::Code::Options, std::move(detail), std::nullopt};
}

OpenError store_error(const store::StoreError& error) {
    return OpenError{OpenError::Code::Store, "store: " + error.detail, error};
}

// Mail to the mix address that is no mix message is never peeled: plain
// mail is held for the admin (the milter quarantines it, or destroys it with
// `Quarantine no`); admin commands are answered by the ServiceDesk.
std::optional<Decision> plaintext_decision(const MailClass& mail) {
    switch (mail.kind) {
        case MailClass::Kind::MixMessage:
        case MailClass::Kind::AdminCommand: return std::nullopt;
        case MailClass::Kind::Other: return Decision::quarantine("not-a-mix-message");
    }
    return std::nullopt;
}

std::vector<std::string> mode_names(const MixModes& modes) {
    std::vector<std::string> names;
    if (modes.middleman) names.emplace_back("middleman");
    if (modes.exitprivate) names.emplace_back("exitprivate");
    if (modes.exitpublic) names.emplace_back("exitpublic");
    return names;
}

// What remailer-help and remailer-conf report, from the node's options and
// key; set again by reconfigure() and reload(), so a reload's pool
// parameters, size limit, exit policy and key modes show at once.
AdminInfo admin_info(const NodeOptions& options, const NodeIdentity& identity) {
    AdminInfo info;
    info.address = identity.address;
    info.version = kNodeSoftware;
    info.modes = mode_names(identity.modes);
    info.max_message_bytes = options.max_message_bytes;
    info.max_original_bytes = options.max_original_bytes;
    info.pool_interval = options.pool.interval;
    info.pool_min_messages = options.pool.min_pool;
    info.pool_min_keep = options.pool.min_keep;
    info.pool_fraction = options.pool.fraction;
    info.blocked_destinations = options.blocked_destinations.size();
    info.exit_rate_per_hour = options.exit_rate_per_hour;
    return info;
}

ServiceDeskOptions desk_options(const NodeOptions& options, const NodeIdentity& identity,
                                const OutboxAges& ages) {
    ServiceDeskOptions desk;
    desk.mix_address = identity.address;
    desk.service_domains = options.service_domains;
    desk.key_publication = options.key_publication;
    desk.replies = options.replies;
    desk.info = admin_info(options, identity);
    desk.admin_key_path = options.admin_key.empty()
                              ? (std::filesystem::path(options.home) / "adminkey.asc").string()
                              : options.admin_key;
    desk.ages = ages;
    return desk;
}

Decision from_store_failure(const store::StoreError& failure) {
    if (failure.code == store::StoreError::Code::Replay) return Decision::dropped("replay");
    if (failure.temporary()) return Decision::tempfail("store-unavailable");
    return Decision::dropped("malformed");  // our limits refused it
}

// The exit rules, swapped whole when the configuration is reloaded; a
// message being admitted keeps the rules it started with.
struct ExitPolicy {
    std::shared_ptr<ExitAdmission> admission;
    // The same rules without rate limits, for judging part 1 of a set: the
    // delivery is counted once, when the set completes.
    std::shared_ptr<ExitAdmission> part_screen;
    std::shared_ptr<ExitHeaders> headers;
};

Expected<std::shared_ptr<ExitAdmission>, std::string> part_screen_for(
    ExitAdmissionOptions options) {
    options.rate_per_hour = 0;
    options.domain_rate_per_hour = 0;
    options.global_rate_per_hour = 0;
    auto screen = ExitAdmission::create(options);
    if (!screen) return Unexpected{"exit policy: " + screen.error().detail};
    return std::shared_ptr<ExitAdmission>(std::move(*screen));
}

bool same_admission_rules(const ExitAdmissionOptions& a, const ExitAdmissionOptions& b) {
    return a.blocked == b.blocked && a.rate_per_hour == b.rate_per_hour &&
           a.domain_rate_per_hour == b.domain_rate_per_hour &&
           a.global_rate_per_hour == b.global_rate_per_hour &&
           a.local_domains == b.local_domains && a.exit_private == b.exit_private;
}

// From and Message-ID of exit mail name the mix's own domain unless the
// admin chose others (AnonymousFrom, MessageIdDomain): `localhost` would mark
// the mail as broken to spam filters and say nothing the mix address does not.
ExitHeaderOptions exit_header_options(const NodeOptions& options, std::string_view address) {
    ExitHeaderOptions header_options;
    const auto at = address.rfind('@');
    const std::string domain = at == std::string_view::npos ? "" : std::string(address.substr(at + 1));
    if (!domain.empty()) {
        header_options.anonymous_from = "Anonymous <nobody@" + domain + ">";
        header_options.message_id_domain = domain;
    }
    if (!options.anonymous_from.empty()) header_options.anonymous_from = options.anonymous_from;
    if (!options.message_id_domain.empty())
        header_options.message_id_domain = options.message_id_domain;
    return header_options;
}

// `running`: the policy in use, whose admission (and its hourly counts) is
// kept when its rules did not change.
Expected<ExitPolicy, std::string> build_exit_policy(const NodeOptions& options,
                                                    const NodeIdentity& identity,
                                                    const ExitPolicy* running) {
    const MixModes& modes = identity.modes;
    const ExitHeaderOptions header_options = exit_header_options(options, identity.address);
    auto headers = ExitHeaders::create(header_options);
    if (!headers) return Unexpected{"exit policy: " + headers.error().detail};
    ExitAdmissionOptions admission_options;
    admission_options.blocked = options.blocked_destinations;
    admission_options.rate_per_hour = options.exit_rate_per_hour;
    admission_options.domain_rate_per_hour = options.exit_domain_rate_per_hour;
    admission_options.global_rate_per_hour = options.exit_global_rate_per_hour;
    admission_options.local_domains = options.local_domains;
    admission_options.exit_private = modes.exitprivate && !modes.exitpublic;
    MIXTASY_TRY(screen, part_screen_for(admission_options));
    ExitPolicy policy{nullptr, std::move(*screen), std::move(*headers)};
    if (running && same_admission_rules(running->admission->options(), admission_options)) {
        policy.admission = running->admission;
        return policy;
    }
    auto admission = ExitAdmission::create(admission_options);
    if (!admission) return Unexpected{"exit policy: " + admission.error().detail};
    policy.admission = std::move(*admission);
    return policy;
}

// The pool rows one accept_immediate() call produced.  A thread-local sink
// rather than a parameter through every step of accept(): libmilter calls
// accept() from many threads, and only the caller that asked collects.
thread_local std::vector<store::PoolId>* t_produced = nullptr;

void note_produced(std::span<const store::PoolId> ids) {
    if (t_produced != nullptr) t_produced->insert(t_produced->end(), ids.begin(), ids.end());
}

class MixNode final : public Node {
public:
    MixNode(NodeOptions options, std::shared_ptr<Clock> clock, std::shared_ptr<Random> random)
        : options_(std::move(options)), clock_(std::move(clock)), random_(std::move(random)) {}

    Expected<void, OpenError> start();

    bool is_own_address(std::string_view recipient) const override;
    bool is_service_address(std::string_view recipient) const override {
        return desk_->is_service_address(recipient);
    }
    Decision accept(const Envelope& envelope, ByteView message) override;
    FlushReport flush_round(Transport& transport) override;
    std::chrono::seconds flush_interval() const override {
        std::lock_guard lock(policy_mutex_);
        return options_.pool.interval;
    }
    Expected<void, std::string> reload() override;
    Expected<void, std::string> reconfigure(const NodeOptions& options) override;
    Decision accept_immediate(const Envelope& envelope, ByteView message,
                              Transport& transport) override;
    Expected<RotationReport, std::string> maintain_keys() override;
    std::string address() const override { return keys()->identity.address; }

private:
    std::shared_ptr<const NodeKeys> keys() const {
        std::lock_guard lock(keys_mutex_);
        return keys_;
    }
    void install(std::shared_ptr<const NodeKeys> keys) {
        std::lock_guard lock(keys_mutex_);
        keys_ = std::move(keys);
    }
    ExitPolicy exit_policy() const {
        std::lock_guard lock(policy_mutex_);
        return exit_policy_;
    }
    std::shared_ptr<const MixDirectoryView> directory() const {
        std::lock_guard lock(keys_mutex_);
        return directory_;
    }
    // The known mixes, for dummies and for next hops, from now on.
    void install(KnownMixes mixes) {
        {
            std::lock_guard lock(keys_mutex_);
            directory_ = std::make_shared<const MixDirectoryView>(std::move(mixes.view));
        }
        std::lock_guard flushing(flush_mutex_);  // make_dummy runs inside flush rounds
        dummies_->set_ring(std::move(mixes.ring));
    }
    bool to_known_mix(std::string_view next_hop, Instant now) const;
    // "replay" if the hash was seen, else "bad-next-hop".
    Decision unknown_next_hop(const store::ReplayEntry& replay);
    std::string known_mixes_path() const {
        return options_.known_mixes.empty()
                   ? (std::filesystem::path(options_.home) / "mixes.asc").string()
                   : options_.known_mixes;
    }
    Decision accept_peeled(const NodeKeys& keys, Peeled peeled);
    // Service mail (keys@) and remailer-* commands, or nullopt for mix mail.
    std::optional<Decision> answer_services(const Envelope& envelope, ByteView message,
                                            const MailClass& mail);
    // Replay entry, pool row and its "pooled" counter in one transaction.
    Decision commit_pooled(store::ReplayEntry replay, store::NewPoolItem row);
    // The decision for a failed store call; a temporary failure is also
    // reported to the admin (store_trouble.h).
    Decision store_failed(const store::StoreError& failure);
    Decision deliver_single(store::ReplayEntry replay, ByteView original);
    Decision deliver_part(const Peeled& peeled);
    // Why the exit policy would refuse the original whose part 1 this is,
    // or nullopt (also when part 1 does not show the recipient).
    std::optional<Decision> screen_first_part(const IncomingPart& part) const;
    // The exit rows for one original message, or why there are none.
    Expected<store::NewPoolItem, Decision> exit_item(ByteView original);

    NodeOptions options_;
    std::shared_ptr<Clock> clock_;
    std::shared_ptr<Random> random_;
    mutable std::mutex keys_mutex_;
    std::mutex rotation_mutex_;  // one maintain_keys() at a time
    std::shared_ptr<const NodeKeys> keys_;
    std::shared_ptr<const MixDirectoryView> directory_ = std::make_shared<MixDirectoryView>();
    OutboxAges ages_;  // of every row this node pools
    std::unique_ptr<store::Store> store_;
    mutable std::mutex policy_mutex_;  // exit_policy_ and options_.pool
    ExitPolicy exit_policy_;
    std::unique_ptr<Reassembler> reassembler_;
    std::unique_ptr<CreatorDummyFactory> dummies_;
    std::unique_ptr<ExitStamp> exit_stamp_;  // Date and Message-ID at send time
    std::unique_ptr<Flusher> flusher_;
    std::unique_ptr<ServiceDesk> desk_;
    std::mutex flush_mutex_;
    StoreTrouble store_trouble_;
};

Expected<void, OpenError> MixNode::start() {
    auto keys = load_keys(options_.home);
    if (!keys) return Unexpected{OpenError{OpenError::Code::Keys, keys.error(), std::nullopt}};
    keys_ = std::move(*keys);

    store::SqliteOptions store_options;
    store_options.path = options_.database.empty()
                             ? (std::filesystem::path(options_.home) / "node.db").string()
                             : options_.database;
    const ReassemblyLimits part_limits =
        reassembly_limits(options_.max_original_bytes, options_.multipart);
    if (auto problem = chain_problem(part_limits); !problem.empty())
        return Unexpected{options_error("multipart: " + problem)};
    store_options.limits.max_blob_bytes = store_blob_limit(options_.max_original_bytes);
    auto store = store::open_sqlite(store_options);
    if (!store) return Unexpected{store_error(store.error())};
    store_ = std::move(*store);

    auto policy = build_exit_policy(options_, keys_->identity, nullptr);
    if (!policy) return Unexpected{options_error(policy.error())};
    exit_policy_ = std::move(*policy);

    reassembler_ = std::make_unique<Reassembler>(*store_, *clock_, part_limits, ages_);
    dummies_ = std::make_unique<CreatorDummyFactory>(KeyRing{}, keys_->identity.address, *clock_);
    install(load_known_mixes(known_mixes_path()));
    exit_stamp_ = ExitStamp::create(exit_policy_.headers->options().message_id_domain);
    if (!exit_stamp_) return Unexpected{options_error("exit policy: bad message id domain")};
    FlusherOptions flush_options;
    flush_options.pool = options_.pool;
    flush_options.retry = options_.retry;
    flush_options.ages = ages_;
    flusher_ = std::make_unique<Flusher>(*store_, *clock_, *random_, *dummies_, *exit_stamp_,
                                         flush_options);
    desk_ = std::make_unique<ServiceDesk>(*store_, *clock_, *random_,
                                          desk_options(options_, keys_->identity, ages_));
    if (!options_.recover_in_flight) return {};
    if (auto recovered = flusher_->recover(); !recovered) {
        return Unexpected{store_error(recovered.error())};
    }
    desk_->find_waiting_replies();  // replies an earlier run pooled leave at the next flush
    return {};
}

bool MixNode::is_own_address(std::string_view recipient) const {
    auto addr = parse_address(recipient);
    return addr && ascii::iequals(*addr, keys()->identity.address);
}

Decision MixNode::accept(const Envelope& envelope, ByteView message) {
    // The envelope sender is used only to answer service mail (keys@ and
    // remailer-*): nothing about where a mix message came from may be kept
    // or logged next to where it goes.
    try {
        const MailClass mail = classify_mail(message);
        if (auto answered = answer_services(envelope, message, mail)) return *answered;
        if (auto not_mix = plaintext_decision(mail)) return *not_mix;
        const auto keys_now = keys();
        Peeled peeled =
            peel(message, keys_now->secret, keys_now->identity, clock_->now(), *random_);
        return accept_peeled(*keys_now, std::move(peeled));
    } catch (const std::exception&) {
        return Decision::tempfail("internal");
    }
}

std::optional<Decision> MixNode::answer_services(const Envelope& envelope, ByteView message,
                                                 const MailClass& mail) {
    if (const std::string domain = desk_->service_domain(envelope); !domain.empty())
        return desk_->answer_service(envelope, message, domain, keys()->secret);
    if (mail.kind == MailClass::Kind::AdminCommand)
        return desk_->answer_admin(envelope, mail.which, keys()->secret);
    return std::nullopt;
}

Decision MixNode::accept_peeled(const NodeKeys& keys, Peeled peeled) {
    const Instant now = clock_->now();
    const store::ReplayEntry replay{as_bytes(peeled.replay_hash), to_unix(peeled.replay_expires),
                                    to_unix(now)};
    switch (peeled.kind) {
        case Peeled::Kind::Destroy: return Decision::dropped(peeled.reason);
        case Peeled::Kind::Dummy: {
            auto burnt = store_->record_replay(replay, {}, to_unix(now));
            if (!burnt) return store_failed(burnt.error());
            store_trouble_.succeeded();
            return Decision::dropped("dummy");
        }
        case Peeled::Kind::Forward:
            if (!to_known_mix(peeled.next_hop, now)) return unknown_next_hop(replay);
            return commit_pooled(
                replay, outgoing(store::PoolKind::Mix, peeled.next_hop, keys.identity.address,
                                 std::move(peeled.message)));
        case Peeled::Kind::Final:
            if (peeled.fields.type == MixType::Multipart) return deliver_part(peeled);
            return deliver_single(replay, peeled.message);
    }
    return Decision::dropped("malformed");
}

Decision MixNode::unknown_next_hop(const store::ReplayEntry& replay) {
    // A replay is named as one even when its next hop is no longer known
    // (the directory changed since the first copy): the replay check comes
    // first in Mixmaster's order, and an admin counting replays must see
    // them all.  Only this rare path pays for the lookup.
    auto seen = store_->replay_seen(replay.hash);
    if (!seen) return store_failed(seen.error());
    return Decision::dropped(*seen ? "replay" : "bad-next-hop");
}

bool MixNode::to_known_mix(std::string_view next_hop, Instant now) const {
    // A fresh directory is one refreshed within a subkey half-life: every
    // mix it lists has published the subkey a sender would use meanwhile.
    const auto fresh_for = options_.subkey_validity / 2;
    return judge_known_mix(next_hop, *directory(), now, fresh_for) == NextHopVerdict::Allowed;
}

Decision MixNode::store_failed(const store::StoreError& failure) {
    if (failure.temporary()) store_trouble_.failed(failure, clock_->now());
    return from_store_failure(failure);
}

Decision MixNode::commit_pooled(store::ReplayEntry replay, store::NewPoolItem row) {
    auto pooled =
        pool_with_replay(*store_, std::move(replay), std::move(row), clock_->now(), ages_);
    if (!pooled) return store_failed(pooled.error());
    store_trouble_.succeeded();
    note_produced(std::span(&*pooled, 1));
    return Decision::pooled();
}

Expected<store::NewPoolItem, Decision> MixNode::exit_item(ByteView original) {
    const std::string recipient = original_recipient(original);
    if (recipient.empty()) return Unexpected{Decision::dropped("malformed")};
    const ExitPolicy policy = exit_policy();
    switch (policy.admission->admit(recipient, clock_->now())) {
        case ExitAdmission::Verdict::Deliver: break;
        case ExitAdmission::Verdict::NotLocal: return Unexpected{Decision::dropped("wrong-mode")};
        case ExitAdmission::Verdict::Blocked: return Unexpected{Decision::dropped("blocked")};
        case ExitAdmission::Verdict::RateLimited:
            return Unexpected{Decision::dropped("rate-limited")};
        case ExitAdmission::Verdict::BadAddress: return Unexpected{Decision::dropped("malformed")};
    }
    auto sanitized = policy.headers->sanitize(original, recipient, clock_->now(), *random_);
    if (!sanitized) return Unexpected{Decision::dropped("malformed")};
    // MAIL FROM of deliveries: the node's own address; bounces come back to
    // the mix, never to the (unknown) sender.
    return outgoing(store::PoolKind::Exit, recipient, keys()->identity.address,
                    std::move(*sanitized));
}

Decision MixNode::deliver_single(store::ReplayEntry replay, ByteView original) {
    // The exit policy counts a delivery against the destination's hourly
    // allowance, so a replay must be refused before it gets that far: else
    // an attacker replaying one captured message could starve a destination.
    auto seen = store_->replay_seen(replay.hash);
    if (!seen) return store_failed(seen.error());
    if (*seen) return Decision::dropped("replay");
    auto item = exit_item(original);
    if (!item) {
        // Still burn the hash: a replay of a refused message stays refused.
        replay.seen_at = to_unix(clock_->now());
        (void)store_->record_replay(replay, {}, replay.seen_at);
        return item.error();
    }
    return commit_pooled(replay, std::move(*item));
}

Decision MixNode::deliver_part(const Peeled& peeled) {
    IncomingPart part{peeled.fields.mixtasy_id, peeled.fields.part.number, peeled.fields.part.total,
                      peeled.message};
    if (auto refused = screen_first_part(part)) {
        auto closed = reassembler_->refuse(as_bytes(peeled.replay_hash), peeled.replay_expires,
                                           part, refused->reason);
        if (!closed) return store_failed(closed.error());
        return *refused;
    }
    std::optional<Decision> refused;
    const OriginalBuilder build =
        [&](ByteView original) -> store::Result<std::vector<store::NewPoolItem>> {
        auto item = exit_item(original);
        if (!item) {
            refused = item.error();
            return std::vector<store::NewPoolItem>{};
        }
        std::vector<store::NewPoolItem> rows;
        rows.push_back(std::move(*item));
        return rows;
    };
    auto outcome =
        reassembler_->add(as_bytes(peeled.replay_hash), peeled.replay_expires, part, build);
    if (!outcome) return store_failed(outcome.error());
    store_trouble_.succeeded();
    switch (outcome->kind) {
        case PartOutcome::Kind::Stored: return Decision::pooled();
        case PartOutcome::Kind::Completed:
            note_produced(outcome->pooled);
            return Decision::pooled();
        case PartOutcome::Kind::Duplicate: return Decision::dropped("duplicate-part");
        case PartOutcome::Kind::Discarded: return Decision::dropped("discarded-set");
        case PartOutcome::Kind::Dropped:
            return refused ? *refused : Decision::dropped("dropped-set");
        case PartOutcome::Kind::OverCap: return Decision::dropped("multipart-cap");
        case PartOutcome::Kind::Malformed: return Decision::dropped("malformed");
    }
    return Decision::dropped("malformed");
}

std::optional<Decision> MixNode::screen_first_part(const IncomingPart& part) const {
    if (part.number != 1) return std::nullopt;
    const std::string recipient = original_recipient(part.content);
    if (recipient.empty()) return std::nullopt;  // judged when the set completes
    switch (exit_policy().part_screen->admit(recipient, clock_->now())) {
        case ExitAdmission::Verdict::NotLocal: return Decision::dropped("wrong-mode");
        case ExitAdmission::Verdict::Blocked: return Decision::dropped("blocked");
        case ExitAdmission::Verdict::BadAddress: return Decision::dropped("malformed");
        case ExitAdmission::Verdict::Deliver:
        case ExitAdmission::Verdict::RateLimited: break;  // counted at completion
    }
    return std::nullopt;
}

FlushReport MixNode::flush_round(Transport& transport) {
    std::lock_guard lock(flush_mutex_);
    try {
        // Service replies are no mix traffic: they leave now, whatever the
        // pool holds, and do not wait for the threshold of the round.
        // One the MTA refused for now stays the desk's: it leaves at the
        // first flush after its retry time, still outside the pool's count.
        const std::vector<store::PoolId> replies = desk_->take_replies();
        FlushReport answered = flusher_->send_now(replies, transport);
        desk_->keep_unsent(replies);
        FlushReport report = flusher_->round(transport);
        report.sent += answered.sent;
        report.failed += answered.failed;
        return report;
    } catch (const std::exception&) {
        log(LogLevel::Error, "flush round failed unexpectedly");
        return {};
    }
}

Expected<void, std::string> MixNode::reload() {
    MIXTASY_TRY(loaded, load_keys(options_.home));
    const NodeIdentity identity = (*loaded)->identity;  // its modes, for remailer-conf
    install(std::move(*loaded));
    install(load_known_mixes(known_mixes_path()));
    std::lock_guard lock(policy_mutex_);
    desk_->set_info(admin_info(options_, identity));
    return {};
}

Expected<void, std::string> MixNode::reconfigure(const NodeOptions& options) {
    const auto identity = keys()->identity;
    std::lock_guard flushing(flush_mutex_);  // the pool parameters of the next round
    std::lock_guard lock(policy_mutex_);
    MIXTASY_TRY(policy, build_exit_policy(options, identity, &exit_policy_));
    exit_policy_ = std::move(*policy);
    options_.local_domains = options.local_domains;
    options_.anonymous_from = options.anonymous_from;
    options_.blocked_destinations = options.blocked_destinations;
    options_.exit_rate_per_hour = options.exit_rate_per_hour;
    options_.exit_domain_rate_per_hour = options.exit_domain_rate_per_hour;
    options_.exit_global_rate_per_hour = options.exit_global_rate_per_hour;
    options_.pool = options.pool;
    // MaxMessageSize applies to the milter's next message (filter settings);
    // MaxOriginalSize fixes the store's limits at start and stays.
    options_.max_message_bytes = options.max_message_bytes;
    flusher_->set_pool(options.pool);
    desk_->set_info(admin_info(options_, identity));
    return {};
}

Decision MixNode::accept_immediate(const Envelope& envelope, ByteView message,
                                   Transport& transport) {
    std::vector<store::PoolId> produced;
    t_produced = &produced;
    Decision decision = accept(envelope, message);
    t_produced = nullptr;
    if (decision.kind != Decision::Kind::Pooled || produced.empty()) return decision;
    std::lock_guard lock(flush_mutex_);
    try {
        flusher_->send_now(produced, transport);
    } catch (const std::exception&) {
        log(LogLevel::Error, "immediate send failed unexpectedly");
    }
    return decision;
}

Expected<RotationReport, std::string> MixNode::maintain_keys() {
    std::lock_guard rotation(rotation_mutex_);
    auto maintained =
        maintain_key_home(options_.home, clock_->now(), options_.subkey_validity, *random_);
    if (!maintained) return Unexpected{describe(maintained.error())};
    // Installed even when unchanged here: another process (mixtasy key
    // rotate) may have rotated the files since we loaded them.
    MIXTASY_TRY(keys, node_keys(std::move(maintained->key)));
    install(std::move(*keys));
    return maintained->report;
}

}  // namespace

const char* to_string(OpenError::Code code) noexcept {
    switch (code) {
        case OpenError::Code::Keys: return "keys";
        case OpenError::Code::Store: return "store";
        case OpenError::Code::Options: return "options";
        case OpenError::Code::Internal: return "internal";
    }
    return "unknown";
}

Expected<std::unique_ptr<Node>, OpenError> Node::open(const NodeOptions& options) {
    return open(options, {});
}

Expected<std::unique_ptr<Node>, OpenError> Node::open(const NodeOptions& options,
                                                      NodeServices services) {
    try {
        if (!services.clock) services.clock = std::make_shared<SystemClock>();
        if (!services.random) services.random = std::make_shared<SystemRandom>();
        auto node = std::make_unique<MixNode>(options, std::move(services.clock),
                                              std::move(services.random));
        MIXTASY_CHECK(node->start());
        return std::unique_ptr<Node>(std::move(node));
    } catch (const std::exception& e) {
        return Unexpected{OpenError{OpenError::Code::Internal,
                                    std::string("mixtasy node: ") + e.what(), std::nullopt}};
    }
}

}  // namespace mixtasy::core
