// SPDX-License-Identifier: BSD-2-Clause
// setup_test.cpp - `mixtasy-milter setup`: the snippet parsers against the
// tree's snippets and test copies, the sendmail.mc block, the state file,
// and apply/undo through the real postconf on a private config directory.
#include <catch2/catch.hpp>

#include <fstream>
#include <getopt.h>
#include <sstream>

#include "milter/setup/postfix_setup.h"
#include "milter/setup/postfix_snippets.h"
#include "milter/setup/run_command.h"
#include "milter/setup/sendmail_setup.h"
#include "milter/setup/setup_main.h"
#include "milter/setup/setup_state.h"
#include "tests/unit/temp_dir.h"

using namespace mixtasy::milter::setup;

namespace {

const std::string kConf = std::string(MIXTASY_TEST_DATA) + "/../../conf";

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

mixtasy::Expected<void, std::string> apply_quietly(const Postconf& pc,
                                                   const PostfixSnippets& snippets,
                                                   const TlsChoice& tls, SetupState& state) {
    std::vector<std::string> notes;
    return apply_postfix(pc, snippets, tls, state, notes);
}

// A private Postfix configuration directory holding the given main.cf and
// master.cf, the tree's snippets, and an empty setup state.
struct PostfixDir {
    PostfixDir(const std::string& main_cf, const std::string& master_cf) {
        spit(dir.file("main.cf"), main_cf);
        spit(dir.file("master.cf"), master_cf);
        auto loaded = load_postfix_snippets(kConf);
        REQUIRE(loaded);
        snippets = std::move(*loaded);
        auto empty = SetupState::load(dir.file("state"));
        REQUIRE(empty);
        state = std::move(*empty);
    }
    std::string main_cf() { return slurp(dir.file("main.cf")); }
    mixtasy::Expected<void, std::string> apply(const TlsChoice& tls = {}) {
        return apply_quietly(pc, snippets, tls, state);
    }
    mixtasy::Expected<void, std::string> undo(std::vector<std::string>& notes) {
        return undo_postfix(pc, state, notes);
    }

    mixtasy::testing::TempDir dir;
    const Postconf pc{dir.path().string()};
    PostfixSnippets snippets;
    SetupState state;
};

}  // namespace

TEST_CASE(
    "setup: the tree's Postfix snippets parse: a route, no milter on the public smtpd, a service",
    "[setup]") {
    auto main = parse_main_snippet(slurp(kConf + "/postfix-main.cf.snippet"));
    REQUIRE(main);
    bool has_route = false;
    bool has_submission_milter = false;
    for (const auto& s : *main) {
        // Ours on the public smtpd would slow every ordinary message down.
        CHECK(s.name != "smtpd_milters");
        has_route |= s.name == "transport_maps" && s.value.find(":10027") != std::string::npos;
        has_submission_milter |= s.name == "mixtasy_submission_milter" &&
                                 s.value.find("default_action=accept") != std::string::npos;
    }
    CHECK(has_route);
    CHECK(has_submission_milter);
    auto master = parse_master_snippet(slurp(kConf + "/postfix-master.cf.snippet"));
    REQUIRE(master);
    REQUIRE(!master->empty());
    CHECK(master->front().fields.size() == 8);
    CHECK(!master->front().options.empty());
}

TEST_CASE("setup: main.cf snippet syntax, continuation lines and typed errors", "[setup]") {
    auto ok = parse_main_snippet("# c\n\na = b\n  c, d\nempty =\n");
    REQUIRE(ok);
    REQUIRE(ok->size() == 2);
    CHECK((*ok)[0].value == "b c, d");
    CHECK((*ok)[1].value.empty());
    auto bad = parse_main_snippet("a = b\nno equals here\n");
    REQUIRE(!bad);
    CHECK(bad.error().line == 2);
    CHECK(!parse_main_snippet("  leading continuation\n"));
    CHECK(!parse_main_snippet(std::string(kMaxSnippetBytes + 1, '#')));
    CHECK(!parse_main_snippet("a = " + std::string(kMaxSnippetLine, 'x') + "\n"));
}

TEST_CASE("setup: master.cf snippet syntax and typed errors", "[setup]") {
    auto ok = parse_master_snippet("10.0.0.1:25 inet n - y - - smtpd\n  -o a=b\n  -o c=\n");
    REQUIRE(ok);
    CHECK((*ok)[0].key() == "10.0.0.1:25/inet");
    CHECK((*ok)[0].options.size() == 2);
    CHECK(!parse_master_snippet("x inet n - y\n"));
    CHECK(!parse_master_snippet("x inet n - y - - smtpd\n  -p a=b\n"));
    CHECK(!parse_master_snippet("x inet n - y - - smtpd\n  -o =b\n"));
    CHECK(!parse_master_snippet("  -o a=b\n"));
}

TEST_CASE("setup: Postfix lists split and lose one item", "[setup]") {
    CHECK(split_postfix_list("a, b  c,d") == std::vector<std::string>{"a", "b", "c", "d"});
    CHECK(list_without("inet:1, unix:/m.sock", "unix:/m.sock") == "inet:1");
    CHECK(list_without("unix:/m.sock", "unix:/m.sock").empty());
}

TEST_CASE("setup: the sendmail.mc block goes before MAILER, once, and comes out again", "[setup]") {
    const std::string mc =
        "include(`cf.m4')dnl\nFEATURE(x)dnl\nMAILER(local)dnl\nMAILER(smtp)dnl\n";
    const std::string snippet = slurp(kConf + "/sendmail.mc.snippet");
    auto with = mc_with_block(mc, snippet);
    REQUIRE(with);
    CHECK(with->find(kMcBegin) < with->find("MAILER(local)"));
    CHECK(with->find("INPUT_MAIL_FILTER") != std::string::npos);
    auto twice = mc_with_block(*with, snippet);
    REQUIRE(twice);
    CHECK(*twice == *with);
    auto without = mc_without_block(*with);
    REQUIRE(without);
    CHECK(*without == mc);
    CHECK(!mc_without_block(std::string(kMcBegin) + "\nno end\n"));
}

TEST_CASE("setup: the state file round-trips and refuses what it cannot hold", "[setup]") {
    mixtasy::testing::TempDir dir;
    const std::string path = dir.file("s.state");
    auto state = SetupState::load(path);
    REQUIRE(state);
    REQUIRE(state->record({"append", {"smtpd_milters", "1", "unix:/m.sock"}}));
    REQUIRE(state->record({"master", {"127.0.0.1:10026/inet"}}));
    CHECK(!state->record({"set", {"a", "1", "x\ty", "z"}}));
    CHECK(!state->record({"nonsense", {"a"}}));
    auto again = SetupState::load(path);
    REQUIRE(again);
    CHECK(again->changes().size() == 2);
    CHECK(again->has("master", "127.0.0.1:10026/inet"));
    spit(path, "set\tonly-two\n");
    CHECK(!SetupState::load(path));
}

TEST_CASE(
    "setup: postconf apply adds ours to the login services once, keeps TLS, and undo leaves "
    "main.cf and "
    "master.cf as they were",
    "[setup]") {
    const std::string main_cf =
        "compatibility_level = 3.6\nsmtpd_milters = inet:127.0.0.1:9\n"
        "smtp_tls_security_level = dane\n";
    PostfixDir pf(main_cf,
                  "127.0.0.1:2525 inet n - n - - smtpd\n"
                  "submission inet n - n - - smtpd\n  -o smtpd_sasl_auth_enable=yes\n"
                  "smtps inet n - n - - smtpd\n  -o smtpd_milters=inet:127.0.0.1:7\n");
    const std::string config = pf.dir.path().string();
    const auto services = [&] {
        return run_command({"postconf", "-c", config, "-M", "-f"}).out;
    };
    const std::string services_before = services();
    REQUIRE(pf.apply());
    const std::size_t changes = pf.state.changes().size();
    REQUIRE(pf.apply());
    CHECK(pf.state.changes().size() == changes);                 // the second run adds nothing
    CHECK(*pf.pc.value("smtpd_milters") == "inet:127.0.0.1:9");  // the public smtpd: as it was
    CHECK(*pf.pc.value("smtp_tls_security_level") == "dane");    // never lowered
    CHECK(!pf.pc.master_line(pf.snippets.master.front().key())->empty());
    // What the login services run, as Postfix itself expands it: the
    // milters they had, then ours.
    auto expanded = [&](const std::string& key) {
        auto r = run_command({"postconf", "-c", config, "-P", "-x", "-h", key + "/smtpd_milters"});
        CHECK(r.status == 0);
        CHECK(r.err.find("fatal") == std::string::npos);
        return split_postfix_list(r.out);
    };
    const auto submission = expanded("submission/inet");
    REQUIRE(submission.size() == 2);
    CHECK(submission[0] == "inet:127.0.0.1:9");
    CHECK(submission[1].find("default_action=accept") != std::string::npos);
    const auto smtps = expanded("smtps/inet");
    REQUIRE(smtps.size() == 2);
    CHECK(smtps[0] == "inet:127.0.0.1:7");
    CHECK(smtps[1] == submission[1]);
    CHECK(pf.state.has("option", "submission/inet"));
    std::vector<std::string> notes;
    REQUIRE(pf.undo(notes));
    CHECK(notes.empty());
    CHECK(pf.main_cf() == main_cf);
    // postconf -P lays out the entry it edits again: the same services and
    // options, not the same bytes.
    CHECK(services() == services_before);
}

TEST_CASE("setup: a login service's list keeps its references to other parameters", "[setup]") {
    PostfixDir pf(
        "compatibility_level = 3.6\nsmtpd_milters = inet:127.0.0.1:9\n"
        "submission_milters = inet:127.0.0.1:8\n",
        "submission inet n - n - - smtpd\n  -o smtpd_milters=$submission_milters\n");
    REQUIRE(pf.apply());
    // The admin changes the list the service named: it still applies.
    REQUIRE(pf.pc.set("submission_milters", "inet:127.0.0.1:7"));
    auto r = run_command({"postconf", "-c", pf.dir.path().string(), "-P", "-x", "-h",
                          "submission/inet/smtpd_milters"});
    CHECK(r.status == 0);
    const auto milters = split_postfix_list(r.out);
    REQUIRE(milters.size() == 2);
    CHECK(milters[0] == "inet:127.0.0.1:7");
    CHECK(milters[1].find("default_action=accept") != std::string::npos);
}

TEST_CASE(
    "setup: without a login service, or with SMTP AUTH on port 25, setup says what Key Publication "
    "needs",
    "[setup]") {
    PostfixDir pf("compatibility_level = 3.6\nsmtpd_sasl_auth_enable = yes\n", "");
    std::vector<std::string> notes;
    REQUIRE(apply_postfix(pf.pc, pf.snippets, TlsChoice{}, pf.state, notes));
    REQUIRE(notes.size() == 2);
    CHECK(notes[0].find("no submission, submissions or smtps service") != std::string::npos);
    CHECK(notes[1].find("smtpd_sasl_auth_enable") != std::string::npos);
    CHECK(!pf.state.has("option", "submission/inet"));
    // Nothing would use it: Postfix would warn at every command.
    CHECK(pf.main_cf().find("mixtasy_submission_milter") == std::string::npos);
}

TEST_CASE("setup: a master.cf service already there with other fields is refused untouched",
          "[setup]") {
    mixtasy::testing::TempDir dir;
    auto snippets = load_postfix_snippets(kConf);
    REQUIRE(snippets);
    const std::string master_cf =
        snippets->master.front().key().substr(0, snippets->master.front().key().find('/')) +
        " inet n - n - - smtpd\n";
    spit(dir.file("main.cf"), "compatibility_level = 3.6\n");
    spit(dir.file("master.cf"), master_cf);
    auto state = SetupState::load(dir.file("state"));
    REQUIRE(state);
    auto r = apply_quietly(Postconf(dir.path().string()), *snippets, TlsChoice{}, *state);
    REQUIRE(!r);
    CHECK(r.error().find("already has") != std::string::npos);
    CHECK(slurp(dir.file("master.cf")) == master_cf);
}

TEST_CASE(
    "setup: the mix and service addresses' transport map goes before the admin's maps, for the "
    "node's domain",
    "[setup]") {
    const std::string main_cf =
        "compatibility_level = 3.6\ntransport_maps = hash:/etc/postfix/transport\n";
    PostfixDir pf(main_cf, "");
    pf.snippets.main = for_domain(std::move(pf.snippets.main), "node.test");
    REQUIRE(pf.apply());
    REQUIRE(pf.apply());
    auto maps = split_postfix_list(*pf.pc.value("transport_maps"));
    REQUIRE(maps.size() == 2);
    CHECK(maps[0].rfind("inline:{", 0) == 0);
    CHECK(maps[0].find("mixtasy@node.test=") != std::string::npos);
    CHECK(maps[0].find("keys@node.test=") != std::string::npos);
    CHECK(maps[0].find("example.org") == std::string::npos);
    CHECK(maps[1] == "hash:/etc/postfix/transport");
    CHECK(pf.state.has("prepend", "transport_maps"));
    std::vector<std::string> notes;
    REQUIRE(pf.undo(notes));
    CHECK(pf.main_cf() == main_cf);
}

TEST_CASE(
    "setup: --tls encrypt is mandatory to the mix domains only, opportunistic otherwise; undo "
    "removes it",
    "[setup]") {
    const std::string main_cf =
        "compatibility_level = 3.6\nsmtp_tls_policy_maps = hash:/etc/postfix/tls_policy\n";
    PostfixDir pf(main_cf, "");
    CHECK(!pf.apply(TlsChoice{"encrypt", {}}));  // no mixes: refused
    CHECK(pf.main_cf() == main_cf);
    const TlsChoice tls{"encrypt", {"mix1.test", "mix2.test"}};
    REQUIRE(pf.apply(tls));
    REQUIRE(pf.apply(tls));
    CHECK(*pf.pc.value("smtp_tls_security_level") == "may");
    auto maps = split_postfix_list(*pf.pc.value("smtp_tls_policy_maps"));
    REQUIRE(maps.size() == 2);
    CHECK(maps[0] == "inline:{mix1.test=encrypt, mix2.test=encrypt}");
    CHECK(maps[1] == "hash:/etc/postfix/tls_policy");
    // The map Postfix itself reads: mixes encrypt, anyone else not listed.
    const std::string config = pf.dir.path().string();
    auto r = run_command({"postmap", "-c", config, "-q", "mix2.test", maps[0]});
    CHECK(r.status == 0);
    CHECK(r.out == "encrypt\n");
    CHECK(run_command({"postmap", "-c", config, "-q", "other.test", maps[0]}).status == 1);
    std::vector<std::string> notes;
    REQUIRE(pf.undo(notes));
    CHECK(notes.empty());
    CHECK(pf.main_cf() == main_cf);
}

TEST_CASE("setup: sendmail --tls encrypt is refused before anything changes", "[setup]") {
    // Refused at the options, before the configuration is even read: no
    // file of this test exists, and none is made.
    mixtasy::testing::TempDir dir;
    const std::string conf = (dir.path() / "absent.conf").string();
    char a0[] = "setup", a1[] = "-c", a3[] = "--tls", a4[] = "encrypt", a5[] = "sendmail";
    std::string c = conf;
    char* argv[] = {a0, a1, c.data(), a3, a4, a5, nullptr};
    optind = 1;
    CHECK(setup_main(6, argv) == 1);
    CHECK(std::filesystem::is_empty(dir.path()));
}
