#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""postfix_wiring_e2e.py - the shipped Postfix wiring (conf/postfix-*.snippet,
applied by postfix_instance.py's wiring="snippets") with a real Postfix:

  1. the daemon is stopped: ordinary mail is delivered, and the public smtpd
     never tried to reach our milter (ours is not registered there; its log
     has no Milter warning); mix mail is accepted, routed by transport_maps
     to the loopback smtpd mixtasy-in (default_action=tempfail) and waits in
     the deferred queue: not delivered, not bounced;
  2. the daemon is started: the queued mix mail reaches it through
     mixtasy-in, is pooled, and its next hop arrives at the sink.

The daemon is the scripted one (tests/milter): the wiring is what is tested.
Exit 0 pass, 1 fail, 77 skipped (a failure under CI=true).
"""
import argparse
import os
import re
import shutil
import smtplib
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import Failure, log, wait_for  # noqa: E402
from mta_e2e import MIX, Milter, Skip, scripted_message, sink_ids  # noqa: E402
from postfix_instance import Postfix  # noqa: E402
from smtp_sink import SmtpSink, free_port  # noqa: E402

SKIP = 77


def skip(why):
    log("SKIP: " + why)
    return 1 if os.environ.get("CI") == "true" else SKIP


def ordinary(tag):
    return ("From: a@outside.test\r\nTo: bob@elsewhere.test\r\nSubject: %s\r\n"
            "Message-ID: <%s@e2e.test>\r\n\r\nordinary mail\r\n" % (tag, tag)).encode()


def sent_to(sink_dir, rcpt):
    return [m for m, to in sink_ids(sink_dir) if to == "<%s>" % rcpt]


class Rig:
    """Sink, Postfix with the snippet wiring, and a daemon (not started)."""

    def __init__(self, root, daemon, home):
        self.sink_dir = os.path.join(root, "sink")
        os.makedirs(self.sink_dir)
        self.sink = SmtpSink(self.sink_dir).start()
        self.smtp_port, reinject, milter_port, mix_in = (free_port() for _ in range(4))
        self.mta = Postfix(os.path.join(root, "postfix"), self.smtp_port, reinject, milter_port,
                           self.sink.port, wiring="snippets", mix_in_port=mix_in,
                           mix_domain="mix.test")
        self.milter = Milter(root, daemon, milter_port, reinject, home)
        self.mta.start()

    def send(self, rcpts, data):
        with smtplib.SMTP("127.0.0.1", self.smtp_port, timeout=30) as s:
            s.sendmail("sender@outside.test", rcpts, data)

    def close(self):
        self.milter.stop()
        self.mta.stop()
        self.sink.stop()

    def dump_logs(self):
        for f in (self.milter.logfile, os.path.join(self.mta.root, "postfix.log")):
            if os.path.exists(f):
                log("--- %s\n%s" % (f, open(f, errors="replace").read()[-3000:]))


def run_rig_test(prefix, keep, body):
    """The frame of a one-Postfix test: a temporary root (mode 0755) and
    body(root, rigs), which appends the Rig it builds to `rigs`.  PASS: 0;
    Failure: 1, with the tail of the daemon's and Postfix's logs; Skip: as
    skip() says.  The rigs are closed and the root removed (unless keep)
    also when the body fails."""
    root = tempfile.mkdtemp(prefix=prefix)
    os.chmod(root, 0o755)
    rigs = []
    try:
        body(root, rigs)
        log("PASS")
        return 0
    except Skip as e:
        return skip(str(e))
    except Failure as e:
        log("FAIL: %s" % e)
        for rig in rigs:
            rig.dump_logs()
        return 1
    finally:
        for rig in rigs:
            rig.close()
        if not keep:
            shutil.rmtree(root, ignore_errors=True)


def run_wiring(rig):
    rig.send(["bob@elsewhere.test"], ordinary("while-down"))
    for i in range(3):
        rig.send([MIX], scripted_message("queued", i))
    wait_for(lambda: "while-down@e2e.test" in sent_to(rig.sink_dir, "bob@elsewhere.test"), 30,
             "ordinary mail delivered while the daemon is down")
    public_milter = re.findall(r"postfix/smtpd\[\d+\]: .*[Mm]ilter.*",
                               open(os.path.join(rig.mta.root, "postfix.log"), errors="replace").read())
    if public_milter:
        raise Failure("the public smtpd used a milter: %s" % public_milter[0])
    log("ok   daemon down: ordinary mail delivered, the public smtpd never asked our milter")
    wait_for(lambda: rig.mta.queue_count("deferred") == 3, 30, "3 mix messages deferred")
    time.sleep(3)  # a few retry rounds (backoff 1-2 s): still queued, nothing else happened
    # showq scans the queues one after another: a message moving at that
    # moment can be missed, so look a few times.
    if not any(rig.mta.in_flight() == 3 for _ in range(5)):
        raise Failure("mix mail left the queue while the daemon was down")
    if len(os.listdir(rig.sink_dir)) != 1:
        raise Failure("the sink got more than the ordinary message (a bounce or mix mail?): %r"
                      % sink_ids(rig.sink_dir))
    log("ok   daemon down: 3 mix messages wait in the deferred queue, none delivered or bounced")
    t0 = time.time()
    rig.milter.start()
    wait_for(lambda: len(sent_to(rig.sink_dir, "sink@sink.test")) == 3, 60,
             "the queued mix messages processed after the daemon started")
    wait_for(rig.mta.queue_is_empty, 30, "an empty queue")
    log("ok   daemon up: the 3 queued mix messages processed and sent on in %.1f s"
        % (time.time() - t0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True, help="mixtasy-milter-scripted")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if os.geteuid() != 0:
        return skip("a private Postfix instance needs root")
    if shutil.which("postfix") is None:
        return skip("postfix not installed")

    def body(root, rigs):
        home = os.path.join(root, "home")
        os.makedirs(home)
        rigs.append(Rig(root, args.daemon, home))
        run_wiring(rigs[0])
    return run_rig_test("mixtasy-wiring-", args.keep, body)


if __name__ == "__main__":
    sys.exit(main())
