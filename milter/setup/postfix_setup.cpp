// SPDX-License-Identifier: BSD-2-Clause
#include "milter/setup/postfix_setup.h"

#include <algorithm>
#include <array>
#include <fstream>
#include <string_view>

namespace mixtasy::milter::setup {
namespace {

Expected<std::string, std::string> read_small_file(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Unexpected{path + ": cannot read"};
    std::string text;
    text.resize(kMaxSnippetBytes + 1);
    in.read(text.data(), static_cast<std::streamsize>(text.size()));
    text.resize(static_cast<std::size_t>(in.gcount()));
    return text;
}

bool is_list_of_milters(const std::string& name) {
    return name.size() > 8 && name.compare(name.size() - 8, 8, "_milters") == 0;
}

// Lookup tables searched in order, ours first: the mix and service
// addresses must reach mixtasy-in whatever the admin's own maps say.
bool is_list_of_maps(const std::string& name) {
    return name == "transport_maps" || name == "smtp_tls_policy_maps";
}

std::string join(const std::vector<std::string>& items) {
    std::string s;
    for (const std::string& i : items) s += (s.empty() ? "" : ", ") + i;
    return s;
}

// smtp_tls_security_level, weakest first; an unknown level counts as strong
// (never lowered).
int tls_rank(const std::string& level) {
    static const std::vector<std::string> order{"", "none", "may", "encrypt"};
    auto it = std::find(order.begin(), order.end(), level);
    return it == order.end() ? 100 : static_cast<int>(it - order.begin());
}

// Each item of `s.value` added to the list s.name once: appended, or put
// first (`front`), in the snippet's order.
Expected<void, std::string> add_items(const Postconf& pc, const MainSetting& s, bool front,
                                      SetupState& state) {
    std::size_t at = 0;  // where the next front item goes
    for (const std::string& item : split_postfix_list(s.value)) {
        auto current = pc.value(s.name);
        if (!current) return Unexpected{current.error()};
        std::vector<std::string> items = split_postfix_list(*current);
        if (std::find(items.begin(), items.end(), item) != items.end()) continue;
        auto was_explicit = pc.is_explicit(s.name);
        if (!was_explicit) return Unexpected{was_explicit.error()};
        if (front)
            items.insert(items.begin() + static_cast<std::ptrdiff_t>(std::min(at++, items.size())),
                         item);
        else items.push_back(item);
        if (auto r = pc.set(s.name, join(items)); !r) return r;
        if (auto r = state.record(
                {front ? "prepend" : "append", {s.name, *was_explicit ? "1" : "0", item}});
            !r)
            return r;
    }
    return {};
}

Expected<void, std::string> set_value(const Postconf& pc, const std::string& name,
                                      const std::string& value, SetupState& state) {
    auto current = pc.value(name);
    if (!current) return Unexpected{current.error()};
    if (*current == value) return {};
    auto was_explicit = pc.is_explicit(name);
    if (!was_explicit) return Unexpected{was_explicit.error()};
    if (auto r = pc.set(name, value); !r) return r;
    return state.record({"set", {name, *was_explicit ? "1" : "0", *current, value}});
}

std::string single_spaced(const std::string& s) {
    std::string out;
    for (char c : s) {
        const bool blank = c == ' ' || c == '\t' || c == '\n';
        if (!blank) out += c;
        else if (!out.empty() && out.back() != ' ') out += ' ';
    }
    if (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

Expected<void, std::string> add_service(const Postconf& pc, const MasterEntry& e,
                                        SetupState& state) {
    auto existing = pc.master_line(e.key());
    if (!existing) return Unexpected{existing.error()};
    if (!existing->empty()) {
        // postconf -M prints the fields padded, then the -o options.
        if ((single_spaced(*existing) + " ").rfind(e.line() + " ", 0) == 0) return {};
        return Unexpected{"master.cf already has " + e.key() + " with other fields:\n  " +
                          *existing +
                          "\nremove it, or change the snippet's service, and run setup again"};
    }
    if (auto r = pc.add_master(e); !r) {
        (void)pc.remove_master(e.key());  // a half-added entry is not left behind
        return r;
    }
    return state.record({"master", {e.key()}});
}

// The master.cf services where users log in with SMTP AUTH.  Only the smtpd
// that took the login knows it ({auth_authen}), and Key Publication (seed
// 004) is accepted from an authenticated sender only, so ours goes onto
// these services too: the route to mixtasy-in would lose the login.
constexpr std::array<std::string_view, 3> kLoginServices{"submission/inet", "submissions/inet",
                                                         "smtps/inet"};
// The main.cf snippet's entry for them: data for setup, never set as such
// (Postfix warns about a main.cf parameter nothing uses).
constexpr std::string_view kSubmissionMilter = "mixtasy_submission_milter";

// The milters a login service runs today: its own -o smtpd_milters as
// written (references to other parameters stay live), else main.cf's.  It
// cannot name $smtpd_milters itself: Postfix refuses that service
// ("unreasonable macro call nesting"), and so does postconf.
Expected<std::string, std::string> service_milters(const Postconf& pc,
                                                   const std::optional<std::string>& option) {
    if (option) return *option;
    return pc.value("smtpd_milters");
}

// `ours` appended to the milters of one login service.  postconf -P refuses
// a value with blanks, and the per-milter entry has them, so the list goes
// into main.cf as mixtasy_<service>_milters and the service names it.  The
// option is set first and undone last: Postfix shows a parameter of our
// own only while master.cf refers to it, and undo must read it back.
Expected<void, std::string> add_to_login_service(const Postconf& pc, const std::string& key,
                                                 const std::string& ours, SetupState& state,
                                                 std::vector<std::string>& notes) {
    const std::string param = "mixtasy_" + key.substr(0, key.find('/')) + "_milters";
    const std::string reference = "$" + param;
    auto option = pc.master_option(key, "smtpd_milters");
    if (!option) return Unexpected{option.error()};
    if (*option == reference) return {};  // setup ran before
    auto list = service_milters(pc, *option);
    if (!list) return Unexpected{list.error()};
    const std::string value = list->empty() ? ours : *list + ", " + ours;
    if (auto r = pc.set_master_option(key, "smtpd_milters", reference); !r) return r;
    if (auto r = state.record(
            {"option",
             {key, "smtpd_milters", *option ? "1" : "0", option->value_or(""), reference}});
        !r) {
        return r;
    }
    if (auto r = set_value(pc, param, value, state); !r) return r;
    notes.push_back(key + ": its milters are now " + reference + " (main.cf): " + value +
                    "; change that list, not smtpd_milters, for this service");
    return {};
}

Expected<void, std::string> add_to_login_services(const Postconf& pc, const std::string& ours,
                                                  SetupState& state,
                                                  std::vector<std::string>& notes) {
    bool any = false;
    for (std::string_view service : kLoginServices) {
        const std::string key(service);
        auto line = pc.master_line(key);
        if (!line) return Unexpected{line.error()};
        if (line->empty()) continue;
        any = true;
        if (auto r = add_to_login_service(pc, key, ours, state, notes); !r) return r;
    }
    if (!any) {
        notes.push_back(
            "no submission, submissions or smtps service in master.cf: Key Publication (keys@) "
            "needs a sender who logged in there; enable one with smtpd_sasl_auth_enable=yes "
            "and run setup again");
    }
    auto auth = pc.value("smtpd_sasl_auth_enable");
    if (!auth) return Unexpected{auth.error()};
    if (*auth == "yes") {
        notes.push_back(
            "smtpd_sasl_auth_enable = yes in main.cf: a login on port 25 does not reach the "
            "daemon (ours is not on the public smtpd); keys are published from submission only");
    }
    return {};
}

Expected<void, std::string> undo_option(const Postconf& pc, const Change& c,
                                        std::vector<std::string>& notes) {
    const std::string& key = c.fields[0];
    const std::string& name = c.fields[1];
    auto current = pc.master_option(key, name);
    if (!current) return Unexpected{current.error()};
    if (current->value_or("") != c.fields[4]) {
        notes.push_back(key + "/" + name + " left as it is: changed since setup");
        return {};
    }
    if (c.fields[2] == "0") return pc.unset_master_option(key, name);
    return pc.set_master_option(key, name, c.fields[3]);
}

Expected<void, std::string> undo_one(const Postconf& pc, const Change& c,
                                     std::vector<std::string>& notes) {
    if (c.kind == "append" || c.kind == "prepend") {
        auto current = pc.value(c.fields[0]);
        if (!current) return Unexpected{current.error()};
        const std::string rest = list_without(*current, c.fields[2]);
        if (rest.empty() && c.fields[1] == "0") return pc.unset(c.fields[0]);
        return pc.set(c.fields[0], rest);
    }
    if (c.kind == "set") {
        auto current = pc.value(c.fields[0]);
        if (!current) return Unexpected{current.error()};
        if (*current != c.fields[3]) {
            notes.push_back(c.fields[0] + " left as it is: changed since setup (now " + *current +
                            ")");
            return {};
        }
        if (c.fields[1] == "0") return pc.unset(c.fields[0]);
        return pc.set(c.fields[0], c.fields[2]);
    }
    if (c.kind == "master") return pc.remove_master(c.fields[0]);
    if (c.kind == "option") return undo_option(pc, c, notes);
    return {};  // host changes (dir, file) are undone by the caller
}

}  // namespace

std::string list_without(const std::string& value, const std::string& item) {
    std::vector<std::string> items = split_postfix_list(value);
    items.erase(std::remove(items.begin(), items.end(), item), items.end());
    return join(items);
}

Expected<PostfixSnippets, std::string> load_postfix_snippets(const std::string& dir) {
    PostfixSnippets s;
    const std::string main_path = dir + "/postfix-main.cf.snippet";
    const std::string master_path = dir + "/postfix-master.cf.snippet";
    auto main_text = read_small_file(main_path);
    if (!main_text) return Unexpected{main_text.error()};
    auto master_text = read_small_file(master_path);
    if (!master_text) return Unexpected{master_text.error()};
    auto main = parse_main_snippet(*main_text);
    if (!main)
        return Unexpected{main_path + ":" + std::to_string(main.error().line) + ": " +
                          main.error().message};
    auto master = parse_master_snippet(*master_text);
    if (!master) {
        return Unexpected{master_path + ":" + std::to_string(master.error().line) + ": " +
                          master.error().message};
    }
    s.main = std::move(*main);
    s.master = std::move(*master);
    return s;
}

std::string tls_policy_map(const std::vector<std::string>& mix_domains) {
    std::string map;
    for (const std::string& d : mix_domains) map += (map.empty() ? "" : ", ") + d + "=encrypt";
    return "inline:{" + map + "}";
}

Expected<void, std::string> apply_postfix(const Postconf& pc, const PostfixSnippets& snippets,
                                          const TlsChoice& tls, SetupState& state,
                                          std::vector<std::string>& notes) {
    if (tls.level == "encrypt" && tls.mix_domains.empty()) {
        return Unexpected{std::string("--tls encrypt needs the mixes' domains (MixDomains)")};
    }
    const MainSetting* submission_milter = nullptr;
    for (const MainSetting& s : snippets.main) {
        Expected<void, std::string> r;
        if (s.name == kSubmissionMilter) submission_milter = &s;
        else if (is_list_of_milters(s.name)) r = add_items(pc, s, false, state);
        else if (is_list_of_maps(s.name)) r = add_items(pc, s, true, state);
        else r = set_value(pc, s.name, s.value, state);
        if (!r) return r;
    }
    // TLS for mail to other mixes (seed 000 6.5): opportunistic at least
    // for all mail, never lowered; `encrypt` only towards the mixes.
    auto level = pc.value("smtp_tls_security_level");
    if (!level) return Unexpected{level.error()};
    if (tls_rank(*level) < tls_rank("may")) {
        if (auto r = set_value(pc, "smtp_tls_security_level", "may", state); !r) return r;
    }
    if (tls.level == "encrypt") {
        if (auto r = add_items(pc, {"smtp_tls_policy_maps", tls_policy_map(tls.mix_domains)}, true,
                               state);
            !r) {
            return r;
        }
    }
    for (const MasterEntry& e : snippets.master) {
        if (auto r = add_service(pc, e, state); !r) return r;
    }
    if (submission_milter) return add_to_login_services(pc, submission_milter->value, state, notes);
    return {};
}

std::vector<MainSetting> for_domain(std::vector<MainSetting> main, const std::string& domain) {
    const std::string placeholder = "mix.example.org";
    for (MainSetting& s : main) {
        for (std::size_t at; (at = s.value.find(placeholder)) != std::string::npos;)
            s.value.replace(at, placeholder.size(), domain);
    }
    return main;
}

Expected<void, std::string> undo_postfix(const Postconf& pc, const SetupState& state,
                                         std::vector<std::string>& notes) {
    const auto& changes = state.changes();
    for (auto it = changes.rbegin(); it != changes.rend(); ++it) {
        if (auto r = undo_one(pc, *it, notes); !r) return r;
    }
    return {};
}

}  // namespace mixtasy::milter::setup
