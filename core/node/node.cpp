// node.cpp - the mix node behind core/node/node.h: peel (processor.h), then one
// store transaction that records the replay hash and pools the outcome.
#include "core/node/node.h"

#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "core/ports/clock.h"
#include "core/node/dummy_maker.h"
#include "core/sender/creator.h"
#include "core/node/exit_policy.h"
#include "core/pool/flusher.h"
#include "core/keys/keyring.h"
#include "core/ports/log.h"
#include "core/node/processor.h"
#include "core/ports/random.h"
#include "core/node/reassembly.h"
#include "core/node/sqlite_store.h"
#include "core/keys/key_home.h"

namespace mixtasy::core {
namespace {

// The node's key and what it says about the node, swapped whole on reload.
struct NodeKeys {
    crypto::SecretCertificate secret;
    NodeIdentity identity;
};

Expected<std::shared_ptr<const NodeKeys>, std::string> node_keys(crypto::SecretCertificate secret) {
    auto mix = check_mix_key(secret.cert);
    if (!mix) return Unexpected{"node key is not a Mixtasy key: " + mix.error()};
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

KeyRing load_known_mixes(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return {};
    std::ostringstream text;
    text << in.rdbuf();
    return KeyRing::parse(text.str());
}

Decision from_store_failure(const StoreFailure& failure) {
    if (failure.code == StoreFailure::Code::Replay) return Decision::dropped("replay");
    if (failure.temporary()) return Decision::tempfail("store-unavailable");
    return Decision::dropped("malformed");  // Invalid: our limits refused it
}

class MixNode final : public Node {
public:
    MixNode(NodeOptions options, std::shared_ptr<Clock> clock, std::shared_ptr<Random> random)
        : options_(std::move(options)), clock_(std::move(clock)), random_(std::move(random)) {}

    Expected<void, std::string> start();

    bool is_own_address(std::string_view recipient) const override;
    Decision accept(const Envelope& envelope, ByteView message) override;
    FlushReport flush_round(Transport& transport) override;
    std::chrono::seconds flush_interval() const override { return options_.pool.interval; }
    Expected<void, std::string> reload() override;
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
    std::string known_mixes_path() const {
        return options_.known_mixes.empty() ? (std::filesystem::path(options_.home) / "mixes.asc").string()
                                            : options_.known_mixes;
    }
    Decision accept_peeled(const NodeKeys& keys, Peeled peeled);
    Decision deliver_single(const ReplayStamp& stamp, ByteView original);
    Decision deliver_part(const Peeled& peeled);
    // The exit rows for one original message, or why there are none.
    Expected<OutgoingItem, Decision> exit_item(ByteView original);

    NodeOptions options_;
    std::shared_ptr<Clock> clock_;
    std::shared_ptr<Random> random_;
    mutable std::mutex keys_mutex_;
    std::mutex rotation_mutex_;  // one maintain_keys() at a time
    std::shared_ptr<const NodeKeys> keys_;
    std::unique_ptr<SqliteStore> store_;
    std::unique_ptr<ExitPolicy> exit_;
    std::unique_ptr<Reassembler> reassembler_;
    std::unique_ptr<CreatorDummyFactory> dummies_;
    std::unique_ptr<Flusher> flusher_;
    std::mutex flush_mutex_;
};

Expected<void, std::string> MixNode::start() {
    auto keys = load_keys(options_.home);
    if (!keys) return Unexpected{keys.error()};
    keys_ = std::move(*keys);

    SqliteStoreOptions store_options;
    store_options.path = options_.database.empty()
                             ? (std::filesystem::path(options_.home) / "node.db").string()
                             : options_.database;
    auto store = SqliteStore::open(store_options);
    if (!store) return Unexpected{"store: " + store.error().detail};
    store_ = std::move(*store);

    ExitPolicyOptions exit_options;
    if (!options_.anonymous_from.empty()) exit_options.anonymous_from = options_.anonymous_from;
    exit_options.blocked = options_.blocked_destinations;
    exit_options.rate_per_hour = options_.exit_rate_per_hour;
    exit_options.local_domains = options_.local_domains;
    exit_options.exit_private = keys_->identity.modes.exitprivate && !keys_->identity.modes.exitpublic;
    auto exit = ExitPolicy::create(exit_options);
    if (!exit) return Unexpected{"exit policy: " + exit.error()};
    exit_ = std::move(*exit);

    reassembler_ = std::make_unique<Reassembler>(*store_, *clock_);
    dummies_ = std::make_unique<CreatorDummyFactory>(load_known_mixes(known_mixes_path()),
                                                     keys_->identity.address, *clock_);
    FlusherOptions flush_options;
    flush_options.pool = options_.pool;
    flusher_ = std::make_unique<Flusher>(*store_, *clock_, *random_, *dummies_, flush_options);
    if (auto recovered = flusher_->recover(); !recovered) {
        return Unexpected{"store: " + recovered.error().detail};
    }
    return {};
}

bool MixNode::is_own_address(std::string_view recipient) const {
    auto addr = parse_address(recipient);
    return addr && iequals(*addr, keys()->identity.address);
}

Decision MixNode::accept(const Envelope& /*envelope*/, ByteView message) {
    // The envelope sender is deliberately unused: nothing about where a
    // message came from may be kept or logged next to where it goes.
    try {
        const auto keys_now = keys();
        Peeled peeled = peel(message, keys_now->secret, keys_now->identity, clock_->now(), *random_);
        return accept_peeled(*keys_now, std::move(peeled));
    } catch (const std::exception&) {
        return Decision::tempfail("internal");
    }
}

Decision MixNode::accept_peeled(const NodeKeys& keys, Peeled peeled) {
    const Instant now = clock_->now();
    const ReplayStamp stamp{as_bytes(peeled.replay_hash), peeled.replay_expires};
    switch (peeled.kind) {
        case Peeled::Kind::Destroy:
            return Decision::dropped(peeled.reason);
        case Peeled::Kind::Dummy: {
            auto burnt = store_->commit_replay(stamp, now);
            if (!burnt) return from_store_failure(burnt.error());
            return Decision::dropped("dummy");
        }
        case Peeled::Kind::Forward: {
            OutgoingItem item{ItemKind::Mix, peeled.next_hop, keys.identity.address,
                              std::move(peeled.message)};
            auto pooled = store_->commit_pooled(stamp, item, now);
            if (!pooled) return from_store_failure(pooled.error());
            return Decision::pooled();
        }
        case Peeled::Kind::Final:
            if (peeled.fields.type == MixType::Multipart) return deliver_part(peeled);
            return deliver_single(stamp, peeled.message);
    }
    return Decision::dropped("malformed");
}

Expected<OutgoingItem, Decision> MixNode::exit_item(ByteView original) {
    const std::string recipient = original_recipient(original);
    if (recipient.empty()) return Unexpected{Decision::dropped("malformed")};
    switch (exit_->admit(recipient, clock_->now())) {
        case ExitPolicy::Verdict::Deliver: break;
        case ExitPolicy::Verdict::NotLocal: return Unexpected{Decision::dropped("wrong-mode")};
        case ExitPolicy::Verdict::Blocked: return Unexpected{Decision::dropped("blocked")};
        case ExitPolicy::Verdict::RateLimited: return Unexpected{Decision::dropped("rate-limited")};
        case ExitPolicy::Verdict::BadAddress: return Unexpected{Decision::dropped("malformed")};
    }
    auto sanitized = exit_->sanitize(original, recipient, clock_->now(), *random_);
    if (!sanitized) return Unexpected{Decision::dropped("malformed")};
    // MAIL FROM of deliveries: the node's own address; bounces come back to
    // the mix, never to the (unknown) sender.
    return OutgoingItem{ItemKind::Exit, recipient, keys()->identity.address, std::move(*sanitized)};
}

Decision MixNode::deliver_single(const ReplayStamp& stamp, ByteView original) {
    // The exit policy counts a delivery against the destination's hourly
    // allowance, so a replay must be refused before it gets that far: else
    // an attacker replaying one captured message could starve a destination.
    auto seen = store_->replay_seen(stamp.hash);
    if (!seen) return from_store_failure(seen.error());
    if (*seen) return Decision::dropped("replay");
    auto item = exit_item(original);
    if (!item) {
        // Still burn the hash: a replay of a refused message stays refused.
        (void)store_->commit_replay(stamp, clock_->now());
        return item.error();
    }
    auto pooled = store_->commit_pooled(stamp, *item, clock_->now());
    if (!pooled) return from_store_failure(pooled.error());
    return Decision::pooled();
}

Decision MixNode::deliver_part(const Peeled& peeled) {
    IncomingPart part{peeled.fields.mixtasy_id, peeled.fields.part.number, peeled.fields.part.total,
                      peeled.message};
    std::optional<Decision> refused;
    const OriginalBuilder build = [&](ByteView original)
        -> Expected<std::vector<OutgoingItem>, StoreFailure> {
        auto item = exit_item(original);
        if (!item) {
            refused = item.error();
            return std::vector<OutgoingItem>{};
        }
        return std::vector<OutgoingItem>{std::move(*item)};
    };
    auto outcome = reassembler_->add(as_bytes(peeled.replay_hash), peeled.replay_expires, part, build);
    if (!outcome) return from_store_failure(outcome.error());
    switch (outcome->kind) {
        case PartOutcome::Kind::Stored:
        case PartOutcome::Kind::Completed: return Decision::pooled();
        case PartOutcome::Kind::Duplicate: return Decision::dropped("duplicate-part");
        case PartOutcome::Kind::Discarded: return Decision::dropped("discarded-set");
        case PartOutcome::Kind::Dropped: return refused ? *refused : Decision::dropped("dropped-set");
        case PartOutcome::Kind::Malformed: return Decision::dropped("malformed");
    }
    return Decision::dropped("malformed");
}

FlushReport MixNode::flush_round(Transport& transport) {
    std::lock_guard lock(flush_mutex_);
    try {
        return flusher_->round(transport);
    } catch (const std::exception&) {
        log(LogLevel::Error, "flush round failed unexpectedly");
        return {};
    }
}

Expected<void, std::string> MixNode::reload() {
    auto keys = load_keys(options_.home);
    if (!keys) return Unexpected{keys.error()};
    install(std::move(*keys));
    KeyRing mixes = load_known_mixes(known_mixes_path());
    std::lock_guard flushing(flush_mutex_);  // make_dummy runs inside flush rounds
    dummies_->set_ring(std::move(mixes));
    return {};
}

Expected<RotationReport, std::string> MixNode::maintain_keys() {
    std::lock_guard rotation(rotation_mutex_);
    auto maintained = maintain_key_home(options_.home, clock_->now(), options_.subkey_validity, *random_);
    if (!maintained) return Unexpected{describe(maintained.error())};
    // Installed even when unchanged here: another process (mixtasy key
    // rotate) may have rotated the files since we loaded them.
    auto keys = node_keys(std::move(maintained->key));
    if (!keys) return Unexpected{keys.error()};
    install(std::move(*keys));
    return maintained->report;
}

}  // namespace

Expected<std::unique_ptr<Node>, std::string> Node::open(const NodeOptions& options) {
    return open(options, {});
}

Expected<std::unique_ptr<Node>, std::string> Node::open(const NodeOptions& options,
                                                        NodeServices services) {
    try {
        if (!services.clock) services.clock = std::make_shared<SystemClock>();
        if (!services.random) services.random = std::make_shared<SystemRandom>();
        auto node = std::make_unique<MixNode>(options, std::move(services.clock),
                                              std::move(services.random));
        if (auto started = node->start(); !started) return Unexpected{started.error()};
        return std::unique_ptr<Node>(std::move(node));
    } catch (const std::exception& e) {
        return Unexpected{std::string("mixtasy node: ") + e.what()};
    }
}

}  // namespace mixtasy::core
