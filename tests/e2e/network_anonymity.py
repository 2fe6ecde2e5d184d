#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""network_anonymity.py - what a seized node and a wire observer learn
after 200 messages (issue 11, "Done when").

No longer opt-in: the rare failure (a next hop in a node.db after the run)
was a pool not yet drained when the daemons stopped; the harness's
wait_quiet() now waits for every pool to be empty as well as every MTA
queue, and a failure still prints the node's pool rows.

Starts the five-node network (network.py: mix1, mix2, mix4 Postfix, mix3,
mix5 Sendmail; keys through the network's keyserver) with cover traffic on and an SMTP tee in front of every node's
reinjection port, so everything each node sends is recorded.  Sends 200
originals, each to its own recipient at recipient.test along a random
four-hop path: most single part, some multipart (split into a few parts).
Waits until all 200 arrive exactly once, stops the cover traffic, lets the
pools and queues drain, stops the daemons, and then checks:
  1. delivery: 200 of 200 in the Maildir, none twice;
  2. disk and log: the raw bytes of every node's database, -wal, -shm and
     default-level daemon log name no recipient of a delivered message and
     no other mix (the next hops; every pool is empty by then, so any mix
     address left is one of an already-sent message);
  3. the default log does not tell dummies apart (no "dummy" in it);
  4. cover traffic: every message a node sent to a mix address (forwards
     and dummies alike, as the tee saw them) has the same header field
     names in the same order and the same size, and there were more such
     messages than forwards (dummies ran).
Each check reports on its own; the exit status is 1 if any failed.
"""
import argparse
import email.parser
import email.policy
import os
import random
import sqlite3
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import Failure, log, wait_for  # noqa: E402
from network import (FIVE_NODES, RECIPIENT_DOMAIN, Network, missing_prerequisite,  # noqa: E402
                     send_original, skip_or_fail)
from network_e2e import multipart_original, single_part_original  # noqa: E402
from sendmail_instance import DEFAULT_SENDMAIL_ROOT  # noqa: E402

HOPS = 4


def random_path(rnd, names):
    """HOPS nodes, never the same twice in a row (seed 000 6.1.3)."""
    path = [rnd.choice(names)]
    while len(path) < HOPS:
        path.append(rnd.choice([n for n in names if n != path[-1]]))
    return path


def recipient(i):
    return "rcpt%03d@%s" % (i, RECIPIENT_DOMAIN)


def send_all(net, args, deadline):
    """Sends args.messages originals; returns {i: parts} for the expected
    number of forwards."""
    rnd = random.Random(args.seed)
    names = [n.name for n in net.nodes]
    parts = {}
    for i in range(args.messages):
        tag = "anon%03d" % i
        if i % args.multipart_every == 0:
            original, _ = multipart_original(tag, recipient(i), args.multipart_kib * 1024)
        else:
            original, _ = single_part_original(tag, recipient(i))
        parts[i] = send_original(net, random_path(rnd, names), original, deadline)
    return parts


def delivered_counts(net):
    counts = {}
    for m in net.recipient.messages():
        head = m.split(b"\n\n", 1)[0].decode("latin-1")
        for line in head.split("\n"):
            if line.startswith("Subject: network anon"):
                i = int(line.strip()[len("Subject: network anon"):])
                counts[i] = counts.get(i, 0) + 1
    return counts


def check_delivery(net, n):
    counts = delivered_counts(net)
    twice = sorted(i for i, c in counts.items() if c > 1)
    missing = sorted(set(range(n)) - set(counts))
    if twice or missing:
        return "delivered %d of %d; missing %s; twice %s" % (len(counts), n, missing[:10], twice[:10])
    return None


def pool_rows(node):
    """What the node's pool still holds, by state: a hit in node.db beside a
    row still waiting is not a leak of a sent message (read after the
    daemons stopped)."""
    try:
        db = sqlite3.connect("file:%s?mode=ro" % node.daemon.database, uri=True)
        try:
            rows = db.execute("SELECT state, count(*) FROM pool GROUP BY state").fetchall()
        finally:
            db.close()
        return ", ".join("%s %d" % r for r in rows) or "empty"
    except sqlite3.Error as e:
        return "unreadable (%s)" % e


def check_disk_and_log(net, n):
    """Recipients and next hops (the other mixes) found, counted apart."""
    recipients = {recipient(i) for i in range(n)}
    found = net.scan_node_files(lambda node: sorted(recipients) + [o.address for o in net.nodes if o is not node])
    problems = []
    for (node, f), hits in sorted(found.items()):
        rcpts = [h for h in hits if h in recipients]
        hops = [h for h in hits if h not in recipients]
        rows = [pool_rows(o) for o in net.nodes if o.name == node]
        problems.append("%s %s names %d recipients (%s) and next hops %s; its pool: %s" % (
            node, f, len(rcpts), ", ".join(rcpts[:3]), ", ".join(hops) or "none",
            rows[0] if rows else "?"))
    return "; ".join(problems) or None


def check_log_neutral(net):
    found = {node.name: "dummy" for node in net.nodes
             if b"dummy" in open(node.daemon.logfile, "rb").read().lower()}
    if found:
        return "default log mentions dummies on " + ", ".join(sorted(found))
    return None


def shape(data):
    head = email.parser.BytesHeaderParser(policy=email.policy.compat32).parsebytes(data)
    return tuple(k.lower() for k in head.keys()), len(data)


def check_cover_traffic(net, parts):
    forwards = sum(p * (HOPS - 1) for p in parts.values())
    shapes = {}
    mix_bound = 0
    for node in net.nodes:
        for _, rcpts, data in net.captured(node):
            if rcpts and rcpts[0].lower().startswith("mixtasy@"):
                mix_bound += 1
                shapes.setdefault(node.name, {}).setdefault(shape(data), 0)
                shapes[node.name][shape(data)] += 1
    problems = []
    for name, seen in sorted(shapes.items()):
        if len(seen) > 1:
            problems.append("%s sent %d shapes: %s" % (name, len(seen), "; ".join(
                "%d x %d bytes [%s]" % (c, size, ",".join(names)) for (names, size), c in seen.items())))
    dummies = mix_bound - forwards
    log("     tees saw %d messages to mixes: %d forwards expected, so %d dummies" % (mix_bound, forwards, dummies))
    if dummies <= 0:
        problems.append("no dummies seen (%d mix-bound messages, %d forwards)" % (mix_bound, forwards))
    return "; ".join(problems) or None


def run(args):
    spec = FIVE_NODES
    with Network(spec, args.daemon, args.mixtasy, sendmail_root=args.sendmail_root,
                 pool_interval=args.pool_interval, capture=True, keep=args.keep) as net:
        try:
            deadline = time.time() + args.timeout
            t0 = time.time()
            parts = send_all(net, args, deadline)
            log("     sent %d originals (%d parts) in %.1f s" % (len(parts), sum(parts.values()), time.time() - t0))
            wait_for(lambda: len(delivered_counts(net)) >= args.messages, max(1, deadline - time.time()),
                     "%d originals in the Maildir" % args.messages)
            log("     all delivered %.1f s after the first submission" % (time.time() - t0))
            net.stop_dummies()
            net.wait_quiet(rounds=4)
            net.stop_daemons()
        except Failure as e:
            log("FAIL: %s" % e)
            net.dump_logs()
            return 1
        failed = 0
        for what, result in (("delivery exactly once", check_delivery(net, args.messages)),
                             ("no recipient or next hop on disk or in the log", check_disk_and_log(net, args.messages)),
                             ("default log neutral about dummies", check_log_neutral(net)),
                             ("dummies shaped like forwards", check_cover_traffic(net, parts))):
            if result:
                failed += 1
                log("FAIL %s: %s" % (what, result))
            else:
                log("ok   %s" % what)
        return 1 if failed else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--mixtasy", required=True)
    ap.add_argument("--sendmail-root", default=DEFAULT_SENDMAIL_ROOT)
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--multipart-every", type=int, default=8, help="every Nth original is multipart")
    ap.add_argument("--multipart-kib", type=int, default=40)
    ap.add_argument("--pool-interval", type=int, default=1)
    ap.add_argument("--seed", type=int, default=11)
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    missing = missing_prerequisite(args.daemon, args.mixtasy, args.sendmail_root)
    if missing:
        return skip_or_fail(missing)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
