#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""network_load.py - 100 originals of mixed sizes through the five-node
network (issue 14, "Tests": e2e:network-load).

Starts the network of network.py (mix1, mix2, mix4 Postfix; mix3, mix5
Sendmail; keys through the network's keyserver) with cover traffic on, and
sends --messages originals with `mixtasy send`, each to its own recipient
at recipient.test:
  - sizes from 1 KiB to just under 1 MiB (the format's largest original),
    most small, some of a few hundred KiB and a few near the top, so that
    the creator splits many of them (multipart);
  - each along its own random path of 4 to 6 hops, never the same mix
    twice in a row, crossing both Postfix and Sendmail;
  - most handed by SMTP straight to the first hop, single-part ones of
    every --sendmail-every by `sendmail -C` of a Sendmail node.
Then waits until all arrived, stops the cover traffic, lets every pool
drain (PoolMinMessages 0: the final flush has the threshold at zero) and
every MTA queue empty, and checks: every original delivered exactly once,
its body byte-identical, its header sanitized (network_e2e.check_header),
nothing at the outside sink.  Prints sent, parts, delivered, lost,
duplicated, and the median and 95th percentile of the end-to-end latency
(from the hand-over to the first hop until the file is in the Maildir).
Exit 0 pass, 1 fail, 77 skipped (outside CI only).
"""
import argparse
import os
import random
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import Failure, log, wait_for  # noqa: E402
from network import (FIVE_NODES, RECIPIENT_DOMAIN, Network, missing_prerequisite,  # noqa: E402
                     send_with_client, skip_or_fail)
from network_e2e import check_header, sender_header, split  # noqa: E402
from sendmail_instance import DEFAULT_SENDMAIL_ROOT  # noqa: E402

KIB = 1024
LARGEST = 1024 * KIB - 8 * KIB  # just under kMaxOriginalSize, header included
SETTLE_SECONDS = 3  # after the last arrival: time for a duplicate to show up


def size_of(rnd, i):
    """Most small (1-20 KiB: one part), a third 20-300 KiB, every 25th near
    the top: about six parts per original on average."""
    if i % 25 == 7:
        return rnd.randrange(LARGEST - 200 * KIB, LARGEST)
    if rnd.random() < 0.33:
        return rnd.randrange(20 * KIB, 300 * KIB)
    return rnd.randrange(1 * KIB, 20 * KIB)


def body_of(tag, size):
    """`size` bytes of text lines (CRLF, 72 characters), unique per tag."""
    rnd = random.Random(tag)
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 "
    lines = []
    total = 0
    while total < size:
        line = "%s %s" % (tag, "".join(rnd.choice(alphabet) for _ in range(64)))
        lines.append(line)
        total += len(line) + 2
    return ("\r\n".join(lines) + "\r\n").encode()


def recipient(i):
    return "load%03d@%s" % (i, RECIPIENT_DOMAIN)


def random_path(rnd, net):
    """4-6 hops, never one mix twice in a row, at least one Postfix and one
    Sendmail node."""
    names = [n.name for n in net.nodes]
    while True:
        path = [rnd.choice(names)]
        while len(path) < rnd.randint(4, 6):
            path.append(rnd.choice([n for n in names if n != path[-1]]))
        kinds = {net.node(p).mta_kind for p in path}
        if kinds == {"postfix", "sendmail"}:
            return path


class Load:
    def __init__(self, net, args):
        self.net = net
        self.args = args
        self.bodies = {}
        self.sent_at = {}
        self.parts = 0

    def send_all(self):
        rnd = random.Random(self.args.seed)
        sendmail_nodes = [n for n in self.net.nodes if n.mta_kind == "sendmail"]
        for i in range(self.args.messages):
            tag = "load%03d" % i
            body = body_of(tag, size_of(rnd, i))
            original = (sender_header(tag, recipient(i)) + "\r\n").encode() + body
            path = random_path(rnd, self.net)
            via = self.net.node(path[0])
            # sendmail -C takes seconds a call here (one per part): only
            # single-part originals take that way.
            if i % self.args.sendmail_every == 3 and len(original) < 16 * KIB:
                # Never the first hop's own Sendmail: a command-line
                # submission passes no milter, and its mailertable would
                # route the first hop's address back to itself (a loop).
                via = ("sendmail", next(n for n in sendmail_nodes[i % 2:] + sendmail_nodes if n.name != path[0]))
            n, _ = send_with_client(self.net, original, chain=path, via=via)
            self.sent_at[i] = time.time()
            self.bodies[i] = body
            self.parts += n

    def delivered(self):
        """{i: [(arrival time, message)]} from the Maildir."""
        out = {}
        maildir = self.net.recipient.maildir
        for sub in ("new", "cur"):
            d = os.path.join(maildir, sub)
            if not os.path.isdir(d):
                continue
            for name in os.listdir(d):
                path = os.path.join(d, name)
                data = open(path, "rb").read()
                head, _ = split(data)
                for line in head.decode("latin-1").split("\n"):
                    if line.startswith("Subject: network load"):
                        i = int(line.strip()[len("Subject: network load"):])
                        out.setdefault(i, []).append((os.stat(path).st_mtime, data))
        return out

    def check(self, got):
        n = self.args.messages
        twice = sorted(i for i, c in got.items() if len(c) > 1)
        lost = sorted(set(range(n)) - set(got))
        latencies = sorted(min(t for t, _ in got[i]) - self.sent_at[i] for i in got if i in self.sent_at)
        median = statistics.median(latencies) if latencies else 0
        p95 = latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))] if latencies else 0
        log("     sent %d originals as %d parts; delivered %d, lost %d, duplicated %d; "
            "latency median %.1f s, p95 %.1f s" % (n, self.parts, len(got), len(lost), len(twice), median, p95))
        problems = []
        if lost or twice:
            problems.append("lost %s, twice %s" % (lost[:10], twice[:10]))
        for i, copies in sorted(got.items()):
            head, body = split(copies[0][1])
            if body != self.bodies[i].replace(b"\r\n", b"\n"):
                problems.append("load%03d: body changed on the way (%d bytes, sent %d)" % (
                    i, len(body), len(self.bodies[i])))
            try:
                check_header(head, recipient(i), "load%03d" % i)
            except Failure as e:
                problems.append(str(e))
        if problems:
            raise Failure("; ".join(problems[:5]))
        log("ok   every original delivered once, body byte-identical, header sanitized")


def run(args):
    with Network(FIVE_NODES, args.daemon, args.mixtasy, sendmail_root=args.sendmail_root,
                 pool_interval=args.pool_interval, keep=args.keep) as net:
        try:
            load = Load(net, args)
            t0 = time.time()
            load.send_all()
            log("     handed over %d originals (%d parts) in %.1f s" % (
                args.messages, load.parts, time.time() - t0))
            wait_for(lambda: len(load.delivered()) >= args.messages, args.timeout,
                     "%d originals in the Maildir" % args.messages)
            log("     all arrived %.1f s after the first hand-over" % (time.time() - t0))
            time.sleep(SETTLE_SECONDS)
            net.stop_dummies()
            t1 = time.time()
            net.wait_quiet()
            log("     pools and queues empty %.1f s after the cover traffic stopped" % (time.time() - t1))
            load.check(load.delivered())
            if net.outside_count():
                raise Failure("%d messages went to the outside sink (unrouted)" % net.outside_count())
            log("ok   every pool drained and every MTA queue empty; nothing left the network")
            return 0
        except Failure as e:
            log("FAIL: %s" % e)
            net.dump_logs()
            return 1


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--mixtasy", required=True)
    ap.add_argument("--sendmail-root", default=DEFAULT_SENDMAIL_ROOT)
    ap.add_argument("--messages", type=int, default=100)
    ap.add_argument("--sendmail-every", type=int, default=5)
    ap.add_argument("--pool-interval", type=int, default=1)
    ap.add_argument("--seed", type=int, default=14)
    ap.add_argument("--timeout", type=int, default=400)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    missing = missing_prerequisite(args.daemon, args.mixtasy, args.sendmail_root)
    if missing:
        return skip_or_fail(missing)
    try:
        return run(args)
    except Failure as e:
        log("FAIL: %s" % e)
        return 1


if __name__ == "__main__":
    sys.exit(main())
