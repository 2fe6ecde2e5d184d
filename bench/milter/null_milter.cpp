// SPDX-License-Identifier: BSD-2-Clause
// null_milter.cpp - the floor under postfix_ordinary_bench.py: a libmilter
// filter that does for ordinary mail exactly what mixtasy-milter does and
// nothing else.
//
// CONTRACT
//   - Negotiates what mixtasy-milter negotiates for the steps ordinary mail
//     reaches (milter/callbacks.cpp on_negotiate): connect, helo and unknown
//     skipped, no reply at MAIL and RCPT; answers ACCEPT at DATA.  So the
//     MTA sends it the same packets and waits for it at the same step: the
//     bench's ratio null/none is what any libmilter filter registered this
//     way costs, and ours/null what our own code adds to that.
//   - Usage: mixtasy-null-milter SOCKET (libmilter's smfi_setconn syntax,
//     e.g. unix:/path or inet:PORT@127.0.0.1).  A unix socket is made
//     world-writable: the MTA's smtpd runs as another user.  Runs in the
//     foreground until SIGTERM.  Never for production.
#include <cstdio>
#include <string>
#include <sys/stat.h>

#include <libmilter/mfapi.h>

namespace {

sfsistat on_negotiate(SMFICTX*, unsigned long, unsigned long steps, unsigned long, unsigned long,
                      unsigned long* want_actions, unsigned long* want_steps, unsigned long* want_2,
                      unsigned long* want_3) {
    const unsigned long skip = SMFIP_NOCONNECT | SMFIP_NOHELO | SMFIP_NOUNKNOWN;
    const unsigned long no_reply = SMFIP_NR_MAIL | SMFIP_NR_RCPT;
    *want_actions = 0;
    *want_steps = steps & (skip | no_reply);
    *want_2 = 0;
    *want_3 = 0;
    return SMFIS_CONTINUE;
}

sfsistat on_envfrom(SMFICTX*, char**) { return SMFIS_NOREPLY; }
sfsistat on_envrcpt(SMFICTX*, char**) { return SMFIS_NOREPLY; }
sfsistat on_data(SMFICTX*) { return SMFIS_ACCEPT; }

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s SOCKET\n", argv[0]);
        return 64;
    }
    static char name[] = "mixtasy-null-milter";
    smfiDesc desc{};
    desc.xxfi_name = name;
    desc.xxfi_version = SMFI_VERSION;
    desc.xxfi_envfrom = on_envfrom;
    desc.xxfi_envrcpt = on_envrcpt;
    desc.xxfi_data = on_data;
    desc.xxfi_negotiate = on_negotiate;
    std::string socket = argv[1];
    ::umask(0);  // the socket libmilter creates: writable by the MTA's user
    if (smfi_setconn(socket.data()) != MI_SUCCESS || smfi_register(desc) != MI_SUCCESS ||
        smfi_opensocket(1) != MI_SUCCESS) {
        std::fprintf(stderr, "%s: cannot open milter socket %s\n", argv[0], argv[1]);
        return 69;
    }
    return smfi_main() == MI_SUCCESS ? 0 : 1;
}
