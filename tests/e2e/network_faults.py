#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""network_faults.py - issue 14's "faults during a run": 0 lost, 0 twice.

Starts the harness's network (network.py, every node in its node list,
any mix of Postfix and Sendmail), puts one random node's store on a small
tmpfs, and sends --messages tagged originals along random 4-hop paths while
it, one after another:
  - fills that node's disk (every free byte of the tmpfs) and frees it
    --full-seconds later (the store's commits fail: TempFail to the MTA,
    failed marks in the flusher),
  - kill -9 of a random node's mixtasy-milter, restarted --down-seconds later,
  - kill -9 of a random node's MTA (master or daemon and its children),
    restarted --down-seconds later.
Then waits for every original in the recipient's Maildir, lets duplicates
show up, stops cover traffic and waits for every queue to drain.  Passes
when no original is lost and none arrived twice; prints the counts.
Retries take seconds: PoolRetryBase 1s / PoolRetryMax 2s for the pools,
the harness's short MTA retry times.
Exit 0 pass, 1 fail, 77 skipped (outside CI only).
"""
import argparse
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import Failure, log  # noqa: E402
from network import Network, missing_prerequisite, skip_or_fail  # noqa: E402
from network_faults_lib import (FullDisk, Sender, crashed_daemons, delivered, kill_milter,  # noqa: E402
                                kill_mta, log_queues, report_counts, wait_all_delivered)
from sendmail_instance import DEFAULT_SENDMAIL_ROOT  # noqa: E402

SPEC = ["postfix", "postfix", "sendmail", "postfix"]
FAST_RETRY = ["PoolRetryBase 1s", "PoolRetryMax 2s"]
SETTLE_SECONDS = 5


def run(args):
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    log("     seed %d (--seed to repeat)" % seed)
    rnd = random.Random(seed)
    started = time.time()
    try:
        with Network(args.spec.split(","), args.daemon, args.mixtasy, sendmail_root=args.sendmail_root,
                     keep=args.keep, extra_conf=FAST_RETRY) as net:
            disk = FullDisk(rnd.choice(net.nodes), args.disk_mib)
            try:
                disk.mount()
                return check(net, disk, rnd, args, started)
            except Failure:
                net.dump_logs()
                raise
            finally:
                disk.release()
                disk.remove()
    except Failure as e:
        log("FAIL: %s" % e)
        return 1


def inject_faults(net, disk, rnd, args):
    """The three faults while the sender runs, one after another (a daemon
    restarted on a full disk could not open its store: that is a start-up
    failure, not this test's fault), with a line each."""
    time.sleep(2)
    disk.fill()
    log("     t+%.0fs disk of %s full" % (time.time() - args.t0, disk.node.name))
    time.sleep(args.full_seconds)
    disk.release()
    log("     t+%.0fs disk of %s freed (%d store-full log lines)" % (
        time.time() - args.t0, disk.node.name, disk.store_errors()))
    victim = rnd.choice(net.nodes)
    kill_milter(victim, args.down_seconds)
    log("     t+%.0fs kill -9 of %s's milter, restarted" % (time.time() - args.t0, victim.name))
    victim = rnd.choice(net.nodes)
    kill_mta(victim, args.down_seconds)
    log("     t+%.0fs kill -9 of %s's MTA (%s), restarted" % (time.time() - args.t0, victim.name,
                                                             victim.mta_kind))


def check(net, disk, rnd, args, started):
    deadline = time.time() + args.timeout
    args.t0 = time.time()
    sender = Sender(net, "faults", args.messages, args.gap, random.Random(rnd.random()), deadline)
    sender.start()
    inject_faults(net, disk, rnd, args)
    sender.finish(max(1, deadline - time.time()))
    log("     t+%.0fs all %d originals submitted" % (time.time() - args.t0, len(sender.tags)))
    wait_all_delivered(net, "faults", sender.tags, max(1, deadline - time.time()))
    log("     t+%.0fs all delivered" % (time.time() - args.t0))
    time.sleep(SETTLE_SECONDS)
    net.stop_dummies()
    try:
        net.wait_quiet()
    except Failure:
        log_queues(net)
        raise
    lost, twice = report_counts(sender.tags, delivered(net, "faults"), "faults")
    if lost or twice:
        raise Failure("lost %s, delivered twice %s" % (lost, twice))
    dead = crashed_daemons(net)
    if dead:
        raise Failure("daemons not running at the end: %s" % dead)
    if net.outside_count():
        raise Failure("%d messages went to the outside sink" % net.outside_count())
    log("ok   %d originals through kill -9 of a milter and an MTA and a full disk: 0 lost, "
        "0 twice (%.0f s)" % (len(sender.tags), time.time() - started))
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--mixtasy", required=True)
    ap.add_argument("--sendmail-root", default=DEFAULT_SENDMAIL_ROOT)
    ap.add_argument("--spec", default=",".join(SPEC), help="the MTA of each node, comma separated")
    ap.add_argument("--messages", type=int, default=48)
    ap.add_argument("--gap", type=float, default=0.2, help="seconds between submissions")
    ap.add_argument("--full-seconds", type=float, default=8)
    ap.add_argument("--down-seconds", type=float, default=2)
    ap.add_argument("--disk-mib", type=int, default=32)
    ap.add_argument("--seed", type=int)
    ap.add_argument("--timeout", type=int, default=240)
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    missing = missing_prerequisite(args.daemon, args.mixtasy, args.sendmail_root)
    if missing:
        return skip_or_fail(missing)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
