#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""network_cleanup.py - the network harness leaves nothing behind.

Runs the five-node network (FIVE_NODES, its keyserver and the provider) in a
child process that reports its tree and process ids and then waits; sends
the child SIGTERM, then SIGINT to a second one, and checks each time that
the child exits, every daemon and MTA it started is gone, nothing listens
on its SMTP port any more and its temporary tree is removed.
Exit 0 pass, 1 fail, 77 skipped (outside CI only).
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from e2e_common import Failure, log, wait_for  # noqa: E402
from network import FIVE_NODES, Network, missing_prerequisite, skip_or_fail  # noqa: E402
from sendmail_instance import DEFAULT_SENDMAIL_ROOT  # noqa: E402

CHILD_START_SECONDS = 120
CHILD_STOP_SECONDS = 60


def child(args):
    net = Network(FIVE_NODES, args.daemon, args.mixtasy, sendmail_root=args.sendmail_root)
    net.start()
    print(json.dumps({"root": net.root, "pids": net.pids(), "port": net.port,
                      "addresses": [n.loop_address for n in net.nodes]}), flush=True)
    try:
        while True:
            time.sleep(1)
    except KeyboardInterrupt:  # the harness's handlers and atexit clean up
        return 130


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A zombie is gone for our purpose.
    try:
        return open("/proc/%d/stat" % pid).read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def listening(address, port):
    try:
        socket.create_connection((address, port), timeout=1).close()
        return True
    except OSError:
        return False


def one_run(args, sig):
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), "--child", "--daemon", args.daemon,
                             "--mixtasy", args.mixtasy, "--sendmail-root", args.sendmail_root],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        while line and not line.startswith("{"):
            line = proc.stdout.readline()
        if not line:
            raise Failure("the network child exited before it was up (status %s)" % proc.wait())
        info = json.loads(line)
        expected = 2 * len(FIVE_NODES) + 2  # the daemons, their MTAs, the provider, the keyserver
        if len(info["pids"]) != expected:
            raise Failure("expected %d processes (%d daemons, %d MTAs, the keyserver), the child reports %s" % (
                expected, len(FIVE_NODES), len(FIVE_NODES) + 1, info["pids"]))
        proc.send_signal(sig)
        try:
            status = proc.wait(CHILD_STOP_SECONDS)
        except subprocess.TimeoutExpired:
            raise Failure("the network child did not exit %d s after %s" % (CHILD_STOP_SECONDS, sig.name))
        wait_for(lambda: not any(alive(p) for p in info["pids"]), 20, "every daemon and MTA to exit")
        if os.path.exists(info["root"]):
            raise Failure("%s left its tree %s" % (sig.name, info["root"]))
        if any(listening(a, info["port"]) for a in info["addresses"]):
            raise Failure("something still listens on the network's SMTP port after %s" % sig.name)
        log("ok   %s: child exited (%s), %d processes gone, tree removed, port closed" % (
            sig.name, status, expected))
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--mixtasy", required=True)
    ap.add_argument("--sendmail-root", default=DEFAULT_SENDMAIL_ROOT)
    ap.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        return child(args)
    missing = missing_prerequisite(args.daemon, args.mixtasy, args.sendmail_root)
    if missing:
        return skip_or_fail(missing)
    try:
        for sig in (signal.SIGTERM, signal.SIGINT):
            one_run(args, sig)
    except Failure as e:
        log("FAIL: %s" % e)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
