// SPDX-License-Identifier: BSD-2-Clause
// callbacks.cpp - xxfi_* over MessageFilter; SmficContext over SMFICTX.
#include "milter/callbacks.h"

#include <atomic>
#include <exception>
#include <memory>
#include <mutex>
#include <string>

#include "milter/log.h"

namespace mixtasy::milter {
namespace {

struct Runtime {
    core::Node* node = nullptr;
    std::mutex mutex;  // guards settings
    FilterSettings settings;
};

Runtime g_runtime;
std::atomic<int> g_in_progress{0};

struct InProgress {
    InProgress() { g_in_progress.fetch_add(1); }
    ~InProgress() { g_in_progress.fetch_sub(1); }
    InProgress(const InProgress&) = delete;
    InProgress& operator=(const InProgress&) = delete;
};

FilterSettings current_settings() {
    std::lock_guard lock(g_runtime.mutex);
    return g_runtime.settings;
}

// One SMTP connection: the filter and what negotiation settled.
struct Connection {
    explicit Connection(core::Node& node) : filter(node, current_settings()) {}
    MessageFilter filter;
    bool header_leading_space = false;
    bool no_reply_to_mail = false;  // SMFIP_NR_MAIL: one round trip less per message
    bool no_reply_to_rcpt = false;  // SMFIP_NR_RCPT: one round trip less per recipient
    bool failed_at_mail = false;    // an exception at MAIL, reported at RCPT (or DATA)
    bool failed_at_rcpt = false;    // a RCPT that could not be answered, reported at DATA
};

class SmficContext final : public MilterContext {
public:
    explicit SmficContext(SMFICTX* ctx) : ctx_(ctx) {}

    std::optional<std::string> symbol(std::string_view name) override {
        std::string n(name);
        const char* v = smfi_getsymval(ctx_, n.data());
        if (v == nullptr) return std::nullopt;
        return std::string(v);
    }
    bool delete_recipient(std::string_view recipient) override {
        std::string r(recipient);
        return smfi_delrcpt(ctx_, r.data()) == MI_SUCCESS;
    }
    bool quarantine(std::string_view reason) override {
        std::string r(reason);
        return smfi_quarantine(ctx_, r.data()) == MI_SUCCESS;
    }
    bool set_reply(std::string_view rcode, std::string_view xcode, std::string_view text) override {
        std::string r(rcode), x(xcode), t(text);
        return smfi_setreply(ctx_, r.data(), x.data(), t.data()) == MI_SUCCESS;
    }
    bool progress() override { return smfi_progress(ctx_) == MI_SUCCESS; }

private:
    SMFICTX* ctx_;
};

Connection* connection(SMFICTX* ctx) {
    auto* conn = static_cast<Connection*>(smfi_getpriv(ctx));
    if (conn != nullptr) return conn;
    if (g_runtime.node == nullptr) return nullptr;
    auto fresh = std::make_unique<Connection>(*g_runtime.node);
    if (smfi_setpriv(ctx, fresh.get()) != MI_SUCCESS) return nullptr;
    return fresh.release();  // owned by libmilter's ctx until xxfi_close
}

// Runs one callback body with the catch-all that keeps exceptions out of C.
template <typename Body>
sfsistat guarded(SMFICTX* ctx, const char* step, Body&& body) {
    try {
        Connection* conn = connection(ctx);
        if (conn == nullptr) {
            log_msg(LogLevel::Error, "%s: no connection state; tempfail", step);
            return SMFIS_TEMPFAIL;
        }
        return to_sfsistat(body(*conn));
    } catch (const std::exception& e) {
        log_msg(LogLevel::Error, "%s: %s; tempfail", step, e.what());
    } catch (...) {
        log_msg(LogLevel::Error, "%s: unknown exception; tempfail", step);
    }
    return SMFIS_TEMPFAIL;
}

// Seed 004's Key Publication needs the login the MTA authenticated at MAIL:
// {auth_authen}.  Postfix sends it at MAIL by default, Sendmail only when
// asked; smfi_setsymlist asks both (when the MTA offers the action).
void request_auth_macro(SMFICTX* ctx, unsigned long actions) {
    if ((actions & SMFIF_SETSYMLIST) == 0) return;
    char macros[] = "{auth_authen} i";
    if (smfi_setsymlist(ctx, SMFIM_ENVFROM, macros) != MI_SUCCESS)
        log_msg(LogLevel::Debug, "negotiate: MTA refused the MAIL macro list");
}

sfsistat on_negotiate(SMFICTX* ctx, unsigned long actions, unsigned long steps, unsigned long,
                      unsigned long, unsigned long* want_actions, unsigned long* want_steps,
                      unsigned long* want_2, unsigned long* want_3) {
    try {
        const unsigned long our_actions = SMFIF_DELRCPT | SMFIF_QUARANTINE;
        request_auth_macro(ctx, actions);
        if ((actions & our_actions) != our_actions) {
            log_msg(LogLevel::Warning,
                    "MTA does not offer recipient deletion and quarantine; mixed-recipient and "
                    "quarantined messages will be tempfailed or discarded");
        }
        *want_actions = actions & (our_actions | SMFIF_SETSYMLIST);
        // Skip what we never look at; keep MAIL, RCPT, DATA, headers, EOH, body.
        // MAIL and RCPT need no reply: the MTA then waits for us first at
        // DATA, where ordinary mail is accepted, instead of once per RCPT
        // (bench/milter/postfix_ordinary_bench.py).  The price: a RCPT we
        // would have refused alone (more than kMaxOwnRecipients mix
        // recipients) defers the whole message at DATA.
        const unsigned long skip = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN;
        const unsigned long no_reply = SMFIP_NR_MAIL | SMFIP_NR_RCPT;
        *want_steps = (steps & skip) | (steps & (SMFIP_HDR_LEADSPC | no_reply));
        *want_2 = 0;
        *want_3 = 0;
        Connection* conn = connection(ctx);
        if (conn == nullptr) return SMFIS_TEMPFAIL;
        conn->header_leading_space = (*want_steps & SMFIP_HDR_LEADSPC) != 0;
        conn->no_reply_to_mail = (*want_steps & SMFIP_NR_MAIL) != 0;
        conn->no_reply_to_rcpt = (*want_steps & SMFIP_NR_RCPT) != 0;
        log_msg(LogLevel::Debug, "negotiated actions 0x%lx steps 0x%lx", *want_actions,
                *want_steps);
        return SMFIS_CONTINUE;
    } catch (...) {
        log_msg(LogLevel::Error, "negotiate: exception; tempfail");
        return SMFIS_TEMPFAIL;
    }
}

sfsistat on_envfrom(SMFICTX* ctx, char** argv) {
    auto* conn = static_cast<Connection*>(smfi_getpriv(ctx));
    const sfsistat status = guarded(ctx, "envfrom", [&](Connection& c) {
        FilterSettings s = current_settings();
        s.header_leading_space = c.header_leading_space;
        c.filter.set_settings(s);
        c.failed_at_mail = false;
        c.failed_at_rcpt = false;
        SmficContext mc(ctx);
        const std::string login = mc.symbol("{auth_authen}").value_or("");
        return c.filter.mail_from(argv != nullptr && argv[0] != nullptr ? argv[0] : "", login);
    });
    if (conn == nullptr || !conn->no_reply_to_mail) return status;
    // The MTA expects no reply: a failure here is reported at the first RCPT.
    conn->failed_at_mail = status != SMFIS_CONTINUE;
    return SMFIS_NOREPLY;
}

sfsistat on_envrcpt(SMFICTX* ctx, char** argv) {
    auto* conn = static_cast<Connection*>(smfi_getpriv(ctx));
    const sfsistat status = guarded(ctx, "envrcpt", [&](Connection& c) {
        if (c.failed_at_mail) return Verdict::TempFail;
        return c.filter.rcpt_to(argv != nullptr && argv[0] != nullptr ? argv[0] : "");
    });
    if (conn == nullptr || !conn->no_reply_to_rcpt) return status;
    // The MTA expects no reply: a failure here defers the message at DATA.
    if (status != SMFIS_CONTINUE) conn->failed_at_rcpt = true;
    return SMFIS_NOREPLY;
}

sfsistat on_data(SMFICTX* ctx) {
    return guarded(ctx, "data", [&](Connection& c) {
        if (c.failed_at_mail || c.failed_at_rcpt) {
            SmficContext mc(ctx);
            mc.set_reply("451", "4.5.3", "Mix recipients not accepted now, try again later");
            return Verdict::TempFail;
        }
        return c.filter.data();
    });
}

sfsistat on_header(SMFICTX* ctx, char* name, char* value) {
    return guarded(ctx, "header", [&](Connection& c) {
        SmficContext mc(ctx);
        return c.filter.header(mc, name != nullptr ? name : "", value != nullptr ? value : "");
    });
}

sfsistat on_eoh(SMFICTX* ctx) {
    return guarded(ctx, "eoh", [&](Connection& c) {
        SmficContext mc(ctx);
        return c.filter.end_of_header(mc);
    });
}

sfsistat on_body(SMFICTX* ctx, unsigned char* chunk, size_t length) {
    return guarded(ctx, "body", [&](Connection& c) {
        SmficContext mc(ctx);
        return c.filter.body(mc, ByteView(chunk, chunk != nullptr ? length : 0));
    });
}

sfsistat on_eom(SMFICTX* ctx) {
    return guarded(ctx, "eom", [&](Connection& c) {
        InProgress busy;
        SmficContext mc(ctx);
        return c.filter.end_of_message(mc);
    });
}

sfsistat on_abort(SMFICTX* ctx) {
    auto* conn = static_cast<Connection*>(smfi_getpriv(ctx));
    if (conn != nullptr) conn->filter.abort();
    return SMFIS_CONTINUE;
}

sfsistat on_close(SMFICTX* ctx) {
    std::unique_ptr<Connection> conn(static_cast<Connection*>(smfi_getpriv(ctx)));
    smfi_setpriv(ctx, nullptr);
    return SMFIS_CONTINUE;
}

}  // namespace

sfsistat to_sfsistat(Verdict verdict) {
    switch (verdict) {
        case Verdict::Continue: return SMFIS_CONTINUE;
        case Verdict::Accept: return SMFIS_ACCEPT;
        case Verdict::Reject: return SMFIS_REJECT;
        case Verdict::Discard: return SMFIS_DISCARD;
        case Verdict::TempFail: return SMFIS_TEMPFAIL;
    }
    return SMFIS_TEMPFAIL;
}

int messages_in_progress() { return g_in_progress.load(); }

void set_milter_runtime(core::Node* node, const FilterSettings& settings) {
    g_runtime.node = node;
    update_filter_settings(settings);
}

void update_filter_settings(const FilterSettings& settings) {
    std::lock_guard lock(g_runtime.mutex);
    g_runtime.settings = settings;
}

smfiDesc filter_description() {
    static char name[] = "mixtasy-milter";
    smfiDesc desc{};
    desc.xxfi_name = name;
    desc.xxfi_version = SMFI_VERSION;
    desc.xxfi_flags = SMFIF_DELRCPT | SMFIF_QUARANTINE;
    desc.xxfi_connect = nullptr;
    desc.xxfi_helo = nullptr;
    desc.xxfi_envfrom = on_envfrom;
    desc.xxfi_envrcpt = on_envrcpt;
    desc.xxfi_header = on_header;
    desc.xxfi_eoh = on_eoh;
    desc.xxfi_body = on_body;
    desc.xxfi_eom = on_eom;
    desc.xxfi_abort = on_abort;
    desc.xxfi_close = on_close;
    desc.xxfi_unknown = nullptr;
    desc.xxfi_data = on_data;
    desc.xxfi_negotiate = on_negotiate;
    return desc;
}

}  // namespace mixtasy::milter
