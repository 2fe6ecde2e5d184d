#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""postfix_ordinary_bench.py - ordinary mail through Postfix without our
wiring, with the null milter on the public smtpd and with mixtasy-milter
wired as shipped, in the same run; prints the ratios.

Target (DESIGN section 7): with our milter within 5% of without.

The three sides of a round:
  none  plain Postfix: smtpd_milters and transport_maps empty;
  null  bench/milter/null_milter.cpp on the public smtpd, `{ unix:...,
        default_action=accept, protocol=6 }`: libmilter with our negotiation
        for ordinary mail and nothing else, what registering any libmilter
        filter there costs (why the shipped wiring does not; information);
  ours  the shipped wiring (conf/postfix-*.snippet through
        postfix_instance.py): the mix and service addresses routed by
        transport_maps to the loopback smtpd mixtasy-in, the daemon on its
        unix socket there, nothing of ours on the public smtpd.  Before the
        rounds one plain message to the mix address must come back
        quarantined by the daemon (Postfix's hold queue): the route is live.
Each side sends --messages ordinary messages of 3,270 bytes over --clients
parallel SMTP sessions with Postfix's own smtp-source(1) and times until
Postfix accepted all of them (the milter acts inside the SMTP session, so
that is where it costs); one private Postfix (tests/e2e/postfix_instance.py)
relays them to Postfix's smtp-sink(1).  No Python on the measured path: a
client or sink in this process would share its interpreter lock and the two
cores with what is measured.  Before each side the queue is drained, so no
side pays for the delivery of the one before it.  The order of the sides
rotates through all six permutations.  The verdict is the median of the
per-round ratios over --rounds (at least 7), the spread (min..max and the
interquartile range) beside it: one noisy round moves neither.  Needs root.

  python3 bench/milter/postfix_ordinary_bench.py \\
      --daemon build/X/milter/mixtasy-milter --mixtasy build/X/cli/mixtasy \\
      --null-milter build/X/bench/milter/mixtasy-null-milter
  (ninja -C build/X bench-milter-postfix runs exactly that)
"""
import argparse
import itertools
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "tests", "e2e"))
from e2e_common import smtp_listening, wait_for  # noqa: E402
from mta_e2e import MIX, Milter  # noqa: E402
from postfix_instance import Postfix  # noqa: E402
from smtp_sink import free_port  # noqa: E402

MESSAGE_BYTES = 3270  # an ordinary text message with a few headers


def send_batch(port, messages, clients):
    """Seconds until Postfix accepted `messages` over `clients` sessions."""
    t0 = time.perf_counter()
    subprocess.run(["smtp-source", "-d", "-s", str(clients), "-m", str(messages),
                    "-l", str(MESSAGE_BYTES), "-f", "a@outside.test", "-t", "bob@elsewhere.test",
                    "127.0.0.1:%d" % port], check=True)
    return time.perf_counter() - t0


def set_side(postfix, settings):
    subprocess.run(["postconf", "-c", postfix.etc, "-e"]
                   + ["%s = %s" % item for item in settings.items()], check=True)
    postfix.postfix("reload")
    time.sleep(1.5)


def postconf_value(postfix, name):
    return subprocess.run(["postconf", "-c", postfix.etc, "-h", name], check=True,
                          capture_output=True, text=True).stdout.strip()


def check_route(postfix, smtp_port):
    """One plain message to the mix address reaches the daemon through
    mixtasy-in, which quarantines it (plain mail to the mix address); then
    the hold queue is emptied again."""
    subprocess.run(["smtp-source", "-d", "-m", "1", "-f", "a@outside.test", "-t", MIX,
                    "127.0.0.1:%d" % smtp_port], check=True)
    wait_for(lambda: postfix.held() == 1, 60, "the daemon quarantined mail to the mix address")
    subprocess.run(["postsuper", "-c", postfix.etc, "-d", "ALL", "hold"], check=True,
                   capture_output=True)


class NullMilter:
    def __init__(self, binary, socket_path):
        self.binary, self.socket_path, self.proc = binary, socket_path, None

    def start(self):
        self.proc = subprocess.Popen([self.binary, "unix:" + self.socket_path])
        wait_for(lambda: os.path.exists(self.socket_path), 20, "null milter socket")

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


def spread(ratios):
    q = statistics.quantiles(ratios, n=4)
    return ("median %.3f, spread %.3f..%.3f, IQR %.3f..%.3f"
            % (statistics.median(ratios), min(ratios), max(ratios), q[0], q[2]))


def report(args, took):
    print("ordinary mail, %d messages x %d rounds, %d clients:"
          % (args.messages, args.rounds, args.clients))
    for side in ("none", "null", "ours"):
        t = statistics.median(took[side])
        print("  %-5s %.3f s  (%.0f msg/s, median)" % (side, t, args.messages / t))
    ratio = {pair: [a / b for a, b in zip(took[pair[0]], took[pair[1]])]
             for pair in (("ours", "none"), ("null", "none"), ("ours", "null"))}
    print("  ours/none: %s  (target <= 1.05)" % spread(ratio[("ours", "none")]))
    print("  null/none: %s  (any libmilter filter on the public smtpd: why ours is not there)"
          % spread(ratio[("null", "none")]))
    print("  ours/null: %s  (the shipped route against a filter on the public smtpd)"
          % spread(ratio[("ours", "null")]))
    slower = sum(r > 1 for r in ratio[("ours", "none")])
    print("  rounds slower with our milter: %d of %d" % (slower, args.rounds))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True, help="mixtasy-milter")
    ap.add_argument("--mixtasy", required=True, help="mixtasy client, to make the node key")
    ap.add_argument("--null-milter", required=True, help="mixtasy-null-milter (bench/milter)")
    ap.add_argument("--messages", type=int, default=800)
    ap.add_argument("--clients", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=9)
    args = ap.parse_args()
    if args.rounds < 7:
        ap.error("--rounds: at least 7 (a median of fewer is noise)")
    if os.geteuid() != 0:
        print("needs root (private Postfix instance)")
        return 77
    for tool in ("smtp-source", "smtp-sink"):
        if shutil.which(tool) is None:
            print("%s (Debian's postfix package) not found" % tool)
            return 77
    root = tempfile.mkdtemp(prefix="mixtasy-bench-")
    os.chmod(root, 0o755)
    home = os.path.join(root, "home")
    os.makedirs(home)
    subprocess.run([args.mixtasy, "keygen", "--home", home, "--address", MIX],
                   check=True, capture_output=True)
    smtp_port, reinject_port, milter_port, sink_port = (free_port() for _ in range(4))
    sink = subprocess.Popen(["smtp-sink", "-u", "postfix", "127.0.0.1:%d" % sink_port, "256"])
    ours_socket, null_socket = os.path.join(root, "ours.sock"), os.path.join(root, "null.sock")
    postfix = Postfix(root, smtp_port, reinject_port, milter_port, sink_port, wiring="snippets",
                      mix_in_port=free_port(), mix_domain=MIX.split("@")[1],
                      milter_socket="unix:" + ours_socket)
    # No pool rounds during the measurement: only the SMTP-time cost counts.
    milter = Milter(root, args.daemon, milter_port, reinject_port, home, pool_interval=3600,
                    socket_path=ours_socket)
    null = NullMilter(args.null_milter, null_socket)
    shipped_route = postconf_value(postfix, "transport_maps")
    spec = {"none": {"smtpd_milters": "", "transport_maps": ""},
            "null": {"smtpd_milters": "{ unix:%s, default_action=accept, protocol=6 }" % null_socket,
                     "transport_maps": ""},
            "ours": {"smtpd_milters": postconf_value(postfix, "smtpd_milters"),
                     "transport_maps": shipped_route}}
    try:
        milter.start()
        null.start()
        wait_for(lambda: smtp_listening(sink_port), 20, "smtp-sink")
        postfix.start()
        check_route(postfix, smtp_port)
        orders = list(itertools.permutations(spec))
        took = {side: [] for side in spec}
        for side in spec:  # warm up every path
            set_side(postfix, spec[side])
            send_batch(smtp_port, 40, args.clients)
        for r in range(args.rounds):
            order = orders[r % len(orders)]
            for side in order:
                set_side(postfix, spec[side])
                wait_for(postfix.queue_is_empty, 300, "queue drained before a side")
                took[side].append(send_batch(smtp_port, args.messages, args.clients))
            print("round %d (%s): none %.3f s, null %.3f s, ours %.3f s; ours/none %.3f"
                  % (r + 1, ",".join(order), took["none"][-1], took["null"][-1],
                     took["ours"][-1], took["ours"][-1] / took["none"][-1]), flush=True)
        report(args, took)
        return 0
    finally:
        milter.stop()
        null.stop()
        postfix.stop()
        sink.terminate()
        sink.wait()
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
