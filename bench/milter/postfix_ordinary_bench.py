#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""postfix_ordinary_bench.py - ordinary mail through Postfix with and
without mixtasy-milter registered, in the same run; prints the ratio.

Target (shared/DESIGN.md section 7): with the milter within 5% of without.

One private Postfix instance (tests/e2e/postfix_instance.py) relays to a sink.
Each round measures A (smtpd_milters = the daemon, as the shipped
main.cf snippet registers it: `{ inet:..., default_action=accept,
protocol=6 }`) and B (smtpd_milters empty, `postfix reload`), in the order
AB on odd rounds and BA on even ones so that a drift of the machine does
not favour one side; each sends --messages ordinary messages over
--clients parallel SMTP sessions and times until Postfix accepted all of
them (the milter acts inside the SMTP session, so that is where it costs).
The verdict is the median of the per-round ratios A/B over --rounds (at
least 7) with their spread (min..max and the interquartile range) beside
it: one noisy round moves neither.  Needs root.

  python3 bench/milter/postfix_ordinary_bench.py --daemon build/X/milter/mixtasy-milter \
      --mixtasy build/X/cli/mixtasy
  (or the scripted daemon, tests/milter/mixtasy-milter-scripted, while the
  real node cannot open: for ordinary mail both only answer is_own_address)
"""
import argparse
import os
import shutil
import smtplib
import statistics
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "e2e"))
from mta_e2e import MIX, Milter  # noqa: E402
from postfix_instance import Postfix  # noqa: E402
from smtp_sink import SmtpSink, free_port  # noqa: E402


def message(i):
    body = "".join("line %d of an ordinary message, nothing to see here\r\n" % k for k in range(60))
    return ("From: a@outside.test\r\nTo: bob@elsewhere.test\r\nSubject: bench %d\r\n"
            "Message-ID: <bench-%d@bench.test>\r\n\r\n%s" % (i, i, body)).encode()


def send_batch(port, messages, clients):
    per = messages // clients
    errors = []

    def client(c):
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=60) as s:
                for i in range(per):
                    s.sendmail("a@outside.test", ["bob@elsewhere.test"], message(c * per + i))
        except Exception as e:  # noqa: BLE001 - reported below
            errors.append(e)
    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - t0
    if errors:
        raise RuntimeError("send failed: %r" % errors[0])
    return elapsed


def set_milter(postfix, value):
    subprocess.run(["postconf", "-c", postfix.etc, "-e", "smtpd_milters = " + value], check=True)
    postfix.postfix("reload")
    time.sleep(1.5)


def report(args, with_m, without_m, ratios):
    a, b = statistics.median(with_m), statistics.median(without_m)
    q = statistics.quantiles(ratios, n=4)
    print("ordinary mail, %d messages x %d rounds, %d clients:"
          % (args.messages, args.rounds, args.clients))
    print("  with milter    %.3f s  (%.0f msg/s, median)" % (a, args.messages / a))
    print("  without milter %.3f s  (%.0f msg/s, median)" % (b, args.messages / b))
    print("  ratio with/without: median %.3f, spread %.3f..%.3f, IQR %.3f..%.3f  (target <= 1.05)"
          % (statistics.median(ratios), min(ratios), max(ratios), q[0], q[2]))
    print("  rounds slower with the milter: %d of %d" % (sum(r > 1 for r in ratios), len(ratios)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--messages", type=int, default=400)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=7)
    ap.add_argument("--mixtasy", help="mixtasy client, to make a node key for the real daemon")
    args = ap.parse_args()
    if args.rounds < 7:
        ap.error("--rounds: at least 7 (a median of fewer is noise)")
    if os.geteuid() != 0:
        print("needs root (private Postfix instance)")
        return 77
    root = tempfile.mkdtemp(prefix="mixtasy-bench-")
    os.chmod(root, 0o755)
    home = os.path.join(root, "home")
    os.makedirs(home)
    with open(os.path.join(home, "addresses"), "w") as f:
        f.write(MIX + "\n")
    if args.mixtasy:  # the real daemon needs a node key
        subprocess.run([args.mixtasy, "keygen", "--home", home, "--address", MIX],
                       check=True, capture_output=True)
    sink = SmtpSink(os.path.join(root, "sink")).start()
    smtp_port, reinject_port, milter_port = free_port(), free_port(), free_port()
    postfix = Postfix(root, smtp_port, reinject_port, milter_port, sink.port)
    # No pool rounds during the measurement: only the SMTP-time cost counts.
    milter = Milter(root, args.daemon, milter_port, reinject_port, home, pool_interval=3600)
    milter_spec = "{ inet:127.0.0.1:%d, default_action=accept, protocol=6 }" % milter_port
    try:
        milter.start()
        postfix.start()
        send_batch(smtp_port, 40, 4)  # warm up both paths
        with_m, without_m, ratios = [], [], []
        for r in range(args.rounds):
            sides = [("A", milter_spec), ("B", "")]
            if r % 2 == 1:
                sides.reverse()
            took = {}
            for name, spec in sides:
                set_milter(postfix, spec)
                took[name] = send_batch(smtp_port, args.messages, args.clients)
            with_m.append(took["A"])
            without_m.append(took["B"])
            ratios.append(took["A"] / took["B"])
            print("round %d (%s): with milter %.3f s, without %.3f s, ratio %.3f"
                  % (r + 1, "".join(n for n, _ in sides), took["A"], took["B"], ratios[-1]))
        report(args, with_m, without_m, ratios)
        return 0
    finally:
        milter.stop()
        postfix.stop()
        sink.stop()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
