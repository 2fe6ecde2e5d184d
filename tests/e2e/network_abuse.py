#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""network_abuse.py - issue 14's "abuse during a run".

Starts the harness's network with capture (every node's output is teed)
and debug logs (the reason of each destroyed message), then at once:
  - sends --messages tagged originals along random 4-hop paths;
  - floods one Postfix node's smtpd (a node whose kind is postfix, wherever
    it is in the node list) with --flood ordinary messages to the
    recipient's provider, over --flood-connections parallel SMTP sessions;
  - a few seconds in, while the originals are on their way:
      replays at each hop: every first hop gets again what the sender gave
      it, every node again what another node sent it (from the tee);
      tagged copies: such messages with one base64 character of their
      armor changed, early in the body (inside the first 20 KiB, where the
      Verification hash catches it at this hop);
      garbage to every mix address (plain text, random base64, a fake
      armor, random bytes).
Passes when every original arrives exactly once, every ordinary message
arrives exactly once with its body unchanged, no daemon died, and replays
were destroyed as replays, and every tagged or garbage message was
destroyed or, not being a mix message at all, quarantined (held by its
MTA); prints "destroyed by reason" from the daemons' debug lines.
Exit 0 pass, 1 fail, 77 skipped (outside CI only).
"""
import argparse
import collections
import os
import random
import smtplib
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import Failure, log, wait_for  # noqa: E402
from network import (RECIPIENT_DOMAIN, Network, create_messages, missing_prerequisite,  # noqa: E402
                     skip_or_fail, submit)
from network_faults_lib import (SUBJECT_RE, crashed_daemons, destroyed_by_reason, log_queues,  # noqa: E402
                                random_path, report_counts, tagged_original)
from sendmail_instance import DEFAULT_SENDMAIL_ROOT  # noqa: E402

SPEC = ["postfix", "postfix", "sendmail", "postfix"]
CONF = ["PoolRetryBase 1s", "PoolRetryMax 2s", "LogLevel debug"]
SETTLE_SECONDS = 5
FLOOD_SESSION = 100  # messages per SMTP session of the flood
B64 = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"


class MixSender(threading.Thread):
    """The originals, remembering what each first hop got."""

    def __init__(self, net, n, gap, rnd, deadline):
        super().__init__(daemon=True)
        self.net, self.n, self.gap, self.rnd, self.deadline = net, n, gap, rnd, deadline
        self.tags, self.first_hops, self.error = [], [], None

    def run(self):
        try:
            for i in range(self.n):
                tag = "abuse-%03d" % i
                original, _ = tagged_original("abuse", tag, self.rnd)
                path = random_path(self.net, self.rnd)
                first = self.net.node(path[0])
                parts = create_messages(self.net.mixtasy, self.net.sender_keyring,
                                        [self.net.node(p).address for p in path], original, self.net.root)
                for data in parts:
                    submit(first.smtp_port, "alice@sender.test", first.address, data, self.deadline)
                    self.first_hops.append((first, data))
                self.tags.append(tag)
                time.sleep(self.gap)
        except BaseException as e:
            self.error = e


def flood_body(i):
    return ("ordinary message %d\r\n" % i + "".join("line %d of %d: the quick brown fox\r\n" % (j, i)
                                                   for j in range(8))).encode()


def flood_message(i):
    return ("From: carol@sender.test\r\nTo: flood@%s\r\nSubject: flood %05d\r\n\r\n" % (RECIPIENT_DOMAIN, i)
            ).encode() + flood_body(i)


class Flood(threading.Thread):
    """Ordinary messages first..last-1 to one node's smtpd, sessions of
    FLOOD_SESSION messages."""

    def __init__(self, node, first, last, deadline):
        super().__init__(daemon=True)
        self.node, self.first, self.last, self.deadline = node, first, last, deadline
        self.sent, self.error = 0, None

    def run(self):
        try:
            i = self.first
            while i < self.last:
                batch = range(i, min(self.last, i + FLOOD_SESSION))
                self._session(batch)
                i = batch.stop
        except BaseException as e:
            self.error = e

    def _session(self, batch):
        pending = list(batch)
        while pending:
            if time.time() > self.deadline:
                raise Failure("flood: out of time")
            try:
                with smtplib.SMTP("127.0.0.1", self.node.smtp_port, local_hostname="flood.test", timeout=60) as s:
                    while pending:
                        s.sendmail("carol@sender.test", ["flood@" + RECIPIENT_DOMAIN], flood_message(pending[0]))
                        pending.pop(0)
                        self.sent += 1
            except (smtplib.SMTPException, OSError) as e:
                if getattr(e, "smtp_code", 451) >= 500:
                    raise
                time.sleep(0.3)


# --- abuse --------------------------------------------------------------------
def tag_copy(data, rnd):
    """One base64 character of the armor changed, 1-4 KiB into the body."""
    head, sep, body = data.partition(b"\r\n\r\n")
    if not sep:
        head, sep, body = data.partition(b"\n\n")
    start = body.find(b"\n\n", body.find(b"-----BEGIN")) + 2 if b"-----BEGIN" in body else 0
    b = bytearray(body)
    for _ in range(1000):
        pos = start + rnd.randrange(1024, 4096)
        if pos < len(b) and b[pos] in B64:
            b[pos] = rnd.choice([c for c in B64 if c != b[pos]])
            return head + sep + bytes(b)
    raise Failure("no armor to tag in a message of %d bytes" % len(data))


def garbage(rnd):
    noise = bytes(rnd.randrange(256) for _ in range(3000))
    b64 = bytes(rnd.choice(B64) for _ in range(4000))
    lines = b"\r\n".join(b64[i:i + 64] for i in range(0, len(b64), 64))
    return [
        b"Subject: hello\r\n\r\njust some text to a mix\r\n",
        b"Subject: noise\r\n\r\n" + lines + b"\r\n",
        b"Subject: armor\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\n" + lines + b"\r\n-----END PGP MESSAGE-----\r\n",
        b"Remailer-Type: Mixtasy v1\r\n\r\n::\r\nRemailer-Type: Mixtasy v1\r\n\r\n-----BEGIN PGP MESSAGE-----\r\n\r\n"
        + lines + b"\r\n-----END PGP MESSAGE-----\r\n",
        b"Subject: binary\r\n\r\n" + noise.replace(b"\r", b"").replace(b"\n", b"\r\n") + b"\r\n",
    ]


def inject_abuse(net, sender, rnd, deadline):
    """Returns how many of each kind were injected."""
    injected = collections.Counter()
    for node, data in list(sender.first_hops)[:8]:
        submit(node.smtp_port, "mallory@evil.test", node.address, data, deadline)
        injected["replay"] += 1
        submit(node.smtp_port, "mallory@evil.test", node.address, tag_copy(data, rnd), deadline)
        injected["tagged"] += 1
    for node in net.nodes:
        hops = [(frm, to, data) for frm, to, data in net.captured(node)
                if len(to) == 1 and to[0].startswith("mixtasy@")]
        for _, to, data in hops[:4]:
            target = net.node(to[0])
            submit(target.smtp_port, "mallory@evil.test", target.address, data, deadline)
            injected["replay"] += 1
            submit(target.smtp_port, "mallory@evil.test", target.address, tag_copy(data, rnd), deadline)
            injected["tagged"] += 1
        for data in garbage(rnd):
            submit(node.smtp_port, "mallory@evil.test", node.address, data, deadline)
            injected["garbage"] += 1
    return injected


# --- the Maildir, read once per file ---------------------------------------
class MaildirIndex:
    def __init__(self, maildir):
        self.maildir = maildir
        self.seen = {}  # file name -> (kind, tag, body)

    def refresh(self):
        for sub in ("new", "cur"):
            d = os.path.join(self.maildir, sub)
            if not os.path.isdir(d):
                continue
            for name in os.listdir(d):
                key = name.split(":")[0]
                if key in self.seen:
                    continue
                try:
                    data = open(os.path.join(d, name), "rb").read()
                except FileNotFoundError:  # moved new/ -> cur/ meanwhile
                    continue
                norm = data.replace(b"\r\n", b"\n")
                head, _, body = norm.partition(b"\n\n")
                m = SUBJECT_RE.search(head)
                self.seen[key] = (m.group(1).decode(), m.group(2).decode(), body) if m else ("?", "?", body)
        return self

    def counts(self, kind):
        return collections.Counter(t for k, t, _ in self.seen.values() if k == kind)


def run(args):
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    log("     seed %d (--seed to repeat)" % seed)
    rnd = random.Random(seed)
    started = time.time()
    try:
        with Network(args.spec.split(","), args.daemon, args.mixtasy, sendmail_root=args.sendmail_root,
                     keep=args.keep, capture=True, extra_conf=CONF) as net:
            try:
                return check(net, rnd, args, started)
            except Failure:
                net.dump_logs()
                raise
    except Failure as e:
        log("FAIL: %s" % e)
        return 1


def start_flood(net, rnd, args, deadline):
    entries = [n for n in net.nodes if n.mta_kind == "postfix"]
    if not entries:
        raise Failure("no Postfix node for the flood")
    entry = rnd.choice(entries)
    share = (args.flood + args.flood_connections - 1) // args.flood_connections
    floods = [Flood(entry, i, min(args.flood, i + share), deadline) for i in range(0, args.flood, share)]
    for f in floods:
        f.start()
    log("     flood of %d ordinary messages into %s (%s) over %d sessions at once" % (
        args.flood, entry.name, entry.mta_kind, len(floods)))
    return floods


def finish(threads, what, deadline):
    for t in threads:
        t.join(max(1, deadline - time.time()))
        if t.is_alive():
            raise Failure("%s did not finish in time" % what)
        if t.error:
            raise Failure("%s: %r" % (what, t.error))


def check(net, rnd, args, started):
    deadline = time.time() + args.timeout
    t0 = time.time()
    sender = MixSender(net, args.messages, args.gap, random.Random(rnd.random()), deadline)
    sender.start()
    floods = start_flood(net, rnd, args, deadline)
    time.sleep(args.abuse_after)
    injected = inject_abuse(net, sender, rnd, deadline)
    log("     t+%.0fs injected %s" % (time.time() - t0, dict(injected)))
    finish([sender], "the mix sender", deadline)
    finish(floods, "the flood", deadline)
    log("     t+%.0fs all submitted (%d originals, %d ordinary)" % (
        time.time() - t0, len(sender.tags), sum(f.sent for f in floods)))

    index = MaildirIndex(net.recipient.maildir)

    def all_in():
        index.refresh()
        mix, flood = index.counts("abuse"), index.counts("flood")
        return all(t in mix for t in sender.tags) and len(flood) >= args.flood
    try:
        wait_for(all_in, max(1, deadline - time.time()), "every original and ordinary message")
    except Failure:
        log_queues(net)
        raise
    log("     t+%.0fs all delivered" % (time.time() - t0))
    time.sleep(SETTLE_SECONDS)
    net.stop_dummies()
    try:
        net.wait_quiet()
    except Failure:
        log_queues(net)
        raise
    return verify(net, index.refresh(), sender, injected, args, started)


def verify(net, index, sender, injected, args, started):
    lost, twice = report_counts(sender.tags, index.counts("abuse"), "mix originals")
    if lost or twice:
        raise Failure("mix traffic: lost %s, delivered twice %s" % (lost, twice))
    flood_tags = ["%05d" % i for i in range(args.flood)]
    f_lost, f_twice = report_counts(flood_tags, index.counts("flood"), "ordinary mail")
    if f_lost or f_twice:
        raise Failure("ordinary mail: %d lost, %d twice (first: %s)" % (
            len(f_lost), len(f_twice), (f_lost + f_twice)[:5]))
    changed = [t for k, t, body in index.seen.values()
               if k == "flood" and body != flood_body(int(t)).replace(b"\r\n", b"\n")]
    if changed:
        raise Failure("%d ordinary messages arrived changed (first: %s)" % (len(changed), changed[:5]))
    log("ok   %d ordinary messages delivered once each, bodies unchanged" % args.flood)
    dead = crashed_daemons(net)
    if dead:
        raise Failure("daemons died: %s" % dead)
    destroyed = destroyed_by_reason(net)
    log("     destroyed by reason: %s" % ", ".join("%s %d" % kv for kv in sorted(destroyed.items())))
    if destroyed["replay"] < injected["replay"]:
        raise Failure("%d replays injected, only %d destroyed as replays" % (injected["replay"], destroyed["replay"]))
    # Garbage without a Mixtasy armor is no mix message at all: the daemon
    # quarantines it ("not-a-mix-message"; the MTA holds it for the
    # postmaster) instead of destroying it.  Every tagged or garbage message
    # is one or the other.
    held = sum(node.mta.held() for node in net.nodes)
    log("     quarantined (held by the MTAs, not a mix message): %d" % held)
    abuse = injected["tagged"] + injected["garbage"]
    others = sum(n for reason, n in destroyed.items() if reason not in ("replay", "dummy"))
    if others + held < abuse:
        raise Failure("%d tagged and garbage messages injected, %d destroyed for other reasons and %d held"
                      % (abuse, others, held))
    if net.outside_count():
        raise Failure("%d messages went to the outside sink" % net.outside_count())
    log("ok   mix traffic all delivered once beside %d replays, %d tagged, %d garbage; no daemon died (%.0f s)"
        % (injected["replay"], injected["tagged"], injected["garbage"], time.time() - started))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--mixtasy", required=True)
    ap.add_argument("--sendmail-root", default=DEFAULT_SENDMAIL_ROOT)
    ap.add_argument("--spec", default=",".join(SPEC), help="the MTA of each node, comma separated")
    ap.add_argument("--messages", type=int, default=24)
    ap.add_argument("--gap", type=float, default=0.3)
    ap.add_argument("--flood", type=int, default=10000)
    ap.add_argument("--flood-connections", type=int, default=4)
    ap.add_argument("--abuse-after", type=float, default=5)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--timeout", type=int, default=400)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    missing = missing_prerequisite(args.daemon, args.mixtasy, args.sendmail_root)
    if missing:
        return skip_or_fail(missing)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
