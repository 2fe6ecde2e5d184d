#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""demo-network.py - the demo's mix network (scripts/demo runs it after the
build): five real mail servers with a mixtasy-milter each, messages sent
with `mixtasy send`, shown as far as DESIGN section 8 allows.

    scripts/demo-network.py --daemon PATH --mixtasy PATH [--keep]

Reuses the e2e harness (tests/e2e/network.py): mix1, mix2, mix4 on Postfix,
mix3, mix5 on Sendmail, the recipient's provider recipient.test (a Postfix
with one Maildir) and an "outside" sink for every other domain, all on
loopback under one temporary directory.  Keys go the real way: each
daemon publishes its key to the network's keyserver and refreshes its view
of the other mixes from it; the sender runs `mixtasy dir update`.

Shown: each step in one line, the path each sender chose (`mixtasy send
--dry-run`), each node's counters of messages pooled and sent as the pool
rounds go by (never a per-message line that links two hops), and the
messages as they arrived, with their sanitized headers.  Everything is
stopped on exit, on failure and on Ctrl-C; --keep leaves the network
running until Ctrl-C and prints how to send to it by hand.
Exit 0 when every message arrived, 1 otherwise, 77 when this machine
cannot run it (not root, no postfix or sendmail: run scripts/install-deps).
"""
import argparse
import email.message
import email.policy
import os
import random
import sqlite3
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "e2e"))
from e2e_common import Failure  # noqa: E402
from network import (FIVE_NODES, RECIPIENT_DOMAIN, Network, missing_prerequisite,  # noqa: E402
                     planned_path, send_with_client, skip_or_fail)
from sendmail_instance import DEFAULT_SENDMAIL_ROOT  # noqa: E402

REMOTE = "dave@elsewhere.example"  # not a domain of the network: the outside sink
SHOWN_HEADERS = ("from", "to", "subject", "date", "message-id")


def say(line=""):
    print(line, flush=True)


def step(line):
    say("== " + line)


def original(to, subject, body, attachment=None):
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg["From"] = "Alice <alice@sender.test>"
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = "<demo-%d@sender.test>" % random.randrange(1 << 30)
    msg["User-Agent"] = "Alice's Mailer 1.0"
    msg.set_content(body)
    if attachment is not None:
        msg.add_attachment(attachment, maintype="application", subtype="octet-stream", filename="photo.bin")
    return msg.as_bytes()


class Counters:
    """Per node: messages in the pool now, and sent today (the node's own
    daily counters, store/ stats).  Counts only, never a message."""

    def __init__(self, net):
        self.net = net

    def sent(self, node):
        try:
            db = sqlite3.connect("file:%s?mode=ro" % node.daemon.database, uri=True, timeout=5)
            try:
                rows = db.execute("SELECT counter, sum(value) FROM stats GROUP BY counter").fetchall()
            finally:
                db.close()
        except sqlite3.Error:
            return "?"
        return sum(v for c, v in rows if c.startswith("sent"))

    def line(self, elapsed):
        cells = ["%s %s/%s" % (n.name, self.net.pool_count(n), self.sent(n)) for n in self.net.nodes]
        return "   t=%3ds  pooled/sent: %s" % (elapsed, "  ".join(cells))


def send_shown(net, what, message, via_name=None, sendmail_node=None):
    """Shows the path `mixtasy send --dry-run` picks (random hops), then
    sends along it."""
    parts, plan = send_with_client(net, message, chain=["*", "*", "*", "*"], dry_run=True)
    path = planned_path(plan)
    names = [net.node(a).name for a in path]
    if sendmail_node == names[0]:  # a command-line submission to itself would loop (no milter)
        sendmail_node = next(n.name for n in net.nodes if n.mta_kind == "sendmail" and n.name != names[0])
    via = ("sendmail", net.node(sendmail_node)) if sendmail_node else net.node(names[0])
    sent, _ = send_with_client(net, message, chain=names, via=via)
    how = "sendmail -C of %s" % sendmail_node if sendmail_node else "SMTP to %s" % names[0]
    step("%s: %d part(s), path %s, handed over by %s" % (what, sent, " -> ".join(
        "%s (%s)" % (n, net.node(n).mta_kind) for n in names), how))
    return sent


def arrived(net, subjects):
    got = {}
    for m in net.recipient.messages():
        for s in subjects:
            if ("Subject: %s" % s).encode() in m.split(b"\n\n", 1)[0]:
                got[s] = m
    return got


def show_message(label, data):
    head, _, body = data.replace(b"\r\n", b"\n").partition(b"\n\n")
    say("   --- %s" % label)
    for line in head.decode("latin-1").split("\n"):
        if line.split(":", 1)[0].lower() in SHOWN_HEADERS:
            say("   | " + line)
    first = body.decode("latin-1", "replace").strip().split("\n")[0][:70]
    say("   | (body %d bytes: %s ...)" % (len(body), first))


def run(args):
    step("starting five mix nodes (Postfix on mix1, mix2, mix4; Sendmail on mix3, mix5), "
         "the recipient's provider and an outside sink on loopback")
    with Network(FIVE_NODES, args.daemon, args.mixtasy, sendmail_root=args.sendmail_root,
                 pool_interval=args.pool_interval, keep=args.keep) as net:
        say("   tree %s, every node: own MTA, own mixtasy-milter, own key and SQLite pool" % net.root)
        step("each daemon published its key to the keyserver %s and refreshed its view: %s" % (
            net.keyserver.url, ", ".join("%s knows %d" % (n.name, net.known_mix_count(n)) for n in net.nodes)))
        net.dir_update()
        step("the sender ran `mixtasy dir update`: %d mix keys in its directory" % (
            open(net.sender_keyring).read().count("-----BEGIN PGP PUBLIC KEY BLOCK-----")))
        counters = Counters(net)
        t0 = time.time()
        subjects = ["demo single part", "demo multipart"]
        send_shown(net, "a single-part message to bob@%s" % RECIPIENT_DOMAIN,
                   original("bob@" + RECIPIENT_DOMAIN, subjects[0], "Hi Bob,\nnobody on the way can tell "
                            "that this came from me.\nAlice\n"), sendmail_node="mix5")
        send_shown(net, "a multipart original (a 120 KiB attachment) to carol@%s" % RECIPIENT_DOMAIN,
                   original("carol@" + RECIPIENT_DOMAIN, subjects[1], "Carol, the photo.\n",
                            random.Random(1).randbytes(120 * 1024)))
        send_shown(net, "a message to a remote-style recipient %s (an exitpublic node delivers it "
                   "outside the network)" % REMOTE,
                   original(REMOTE, "demo remote", "Dave, hello from nowhere.\n"))
        step("the pools mix them with dummy traffic; each round, per node (messages waiting in its pool / sent today):")
        deadline = time.time() + args.timeout
        while time.time() < deadline:
            got = arrived(net, subjects)
            say(counters.line(time.time() - t0))
            if len(got) == len(subjects) and net.outside_count() >= 1:
                break
            time.sleep(args.pool_interval)
        else:
            raise Failure("not every message arrived within %d s" % args.timeout)
        step("arrived after %.0f s; what the recipients got (the sender's From, Date, Message-ID and "
             "User-Agent are gone):" % (time.time() - t0))
        for s in subjects:
            show_message("Maildir of recipient.test: " + s, got[s])
        remote = 0
        for name in sorted(os.listdir(net.outside.directory)):
            data = open(os.path.join(net.outside.directory, name), "rb").read()
            if REMOTE in sink_recipients(data):
                show_message("outside the network, to %s" % REMOTE, data.split(b"\n", 2)[2])
                remote += 1
        if remote == 0:
            raise Failure("nothing outside the network was addressed to %s" % REMOTE)
        if args.keep:
            keep_running(net)
        step("stopping every server")
    step("done: all stopped, the temporary tree removed")
    return 0


def sink_recipients(data):
    """The RCPT TO addresses of a message the outside sink kept: its
    second line is `X-Sink-To: <a>,<b>` (the addresses as given, brackets
    included; smtp_sink.py)."""
    lines = data.split(b"\n", 2)
    if len(lines) < 2 or not lines[1].startswith(b"X-Sink-To:"):
        return []
    value = lines[1][len(b"X-Sink-To:"):].decode(errors="replace").strip()
    return [a.strip().strip("<>") for a in value.split(",") if a.strip()]


def keep_running(net):
    conf = net.sender_config()
    step("the network keeps running; send to it by hand (Ctrl-C stops everything):")
    say("   %s send --dir %s --config %s < message.eml" % (net.mixtasy, net.sender_dir, conf))
    say("     (message.eml: a mail with To: someone@%s; it lands in %s/new)" % (
        RECIPIENT_DOMAIN, net.recipient.maildir))
    say("   mutt with the Mixmaster menu, in ~/.muttrc:")
    say("     set mixmaster=\"%s mixmaster --dir %s --config %s\"" % (net.mixtasy, net.sender_dir, conf))
    say("   the nodes' logs: %s/mix*/milter.log" % net.root)
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        say("")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--mixtasy", required=True)
    ap.add_argument("--sendmail-root", default=DEFAULT_SENDMAIL_ROOT)
    ap.add_argument("--pool-interval", type=int, default=2)
    ap.add_argument("--timeout", type=int, default=240)
    ap.add_argument("--keep", action="store_true", help="leave the network running until Ctrl-C")
    args = ap.parse_args()
    missing = missing_prerequisite(args.daemon, args.mixtasy, args.sendmail_root)
    if missing:
        return skip_or_fail(missing)
    try:
        return run(args)
    except (Failure, KeyboardInterrupt) as e:
        say("FAILED: %s" % (e or "interrupted"))
        return 1


if __name__ == "__main__":
    sys.exit(main())
