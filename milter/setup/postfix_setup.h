// SPDX-License-Identifier: BSD-2-Clause
// postfix_setup.h - the Postfix half of `mixtasy-milter setup`: the
// snippets applied to main.cf and master.cf through postconf, and undone.
//
// apply_postfix guarantees:
//   - a *_milters value is APPENDED to the list already there, once: an
//     item already in the list is left alone (running setup twice changes
//     nothing the second time);
//   - a transport_maps (or smtp_tls_policy_maps) value is put BEFORE the
//     maps already there, once, so the mix and service addresses reach
//     mixtasy-in whatever the admin's maps say;
//   - any other main.cf setting is set; smtp_tls_security_level is raised
//     to `may` only if it is lower, never lowered;
//   - tls.level `encrypt` adds, before any existing smtp_tls_policy_maps,
//     inline:{D=encrypt, ...} for each of tls.mix_domains: encryption is
//     mandatory to the mixes only, opportunistic to everyone else; refused
//     (nothing changed) with no mix domains;
//   - mixtasy_submission_milter (our entry for the services where users log
//     in) is not a main.cf setting: it is appended to the milters of each
//     submission, submissions and smtps service master.cf has: the
//     service's list (its -o smtpd_milters, else main.cf's smtpd_milters)
//     plus the entry goes into main.cf as
//     mixtasy_<service>_milters, and the service gets -o
//     smtpd_milters=$mixtasy_<service>_milters; a note for each, for no such
//     service, and for SMTP AUTH on the public smtpd (smtpd_sasl_auth_enable);
//   - a master.cf service the snippet names is added if missing, left alone
//     if it is there with the same fields, and refused (error, nothing of
//     it changed) if it is there with other fields;
//   - every change is recorded in `state` right after postconf made it, so
//     an error midway leaves a state that --undo reverts.
// undo_postfix reverts the recorded changes, newest first: an appended item
// is taken out of its list, a set value restored (or removed when it was a
// default), a service option restored (or removed), an added service removed.  A value the admin changed since
// setup is left as it is, with a note in `notes`.
#pragma once

#include <string>
#include <vector>

#include "common/expected.h"
#include "milter/setup/postconf.h"
#include "milter/setup/postfix_snippets.h"
#include "milter/setup/setup_state.h"

namespace mixtasy::milter::setup {

struct PostfixSnippets {
    std::vector<MainSetting> main;
    std::vector<MasterEntry> master;
};

// Reads DIR/postfix-main.cf.snippet and DIR/postfix-master.cf.snippet.
Expected<PostfixSnippets, std::string> load_postfix_snippets(const std::string& dir);

struct TlsChoice {
    std::string level = "may";             // may or encrypt (setup --tls)
    std::vector<std::string> mix_domains;  // MixDomains: where encrypt applies
};

// `notes` gets what the admin should know but is no error.
Expected<void, std::string> apply_postfix(const Postconf& postconf, const PostfixSnippets& snippets,
                                          const TlsChoice& tls, SetupState& state, std::vector<std::string>& notes);

// The snippet's settings with its placeholder domain mix.example.org
// replaced by the node's (MixAddress's) domain.
std::vector<MainSetting> for_domain(std::vector<MainSetting> main, const std::string& domain);

Expected<void, std::string> undo_postfix(const Postconf& postconf, const SetupState& state,
                                         std::vector<std::string>& notes);

// The list `value` with `item` removed, items joined by ", ".
std::string list_without(const std::string& value, const std::string& item);

}  // namespace mixtasy::milter::setup
