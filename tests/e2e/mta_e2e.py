#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""mta_e2e.py - mixtasy-milter inside a real Postfix or Sendmail, end to end.

Starts, in a temporary directory and on free loopback ports:
  - an SMTP sink (smtp_sink.py) that stands for the rest of the Internet,
  - a private MTA instance relaying everything to the sink, with the milter
    registered (tempfail while it is unavailable) and a milter-free
    reinjection port: Postfix (postfix_instance.py, as
    conf/postfix-master.cf.snippet) or Sendmail (sendmail_instance.py, as
    conf/sendmail.mc.snippet),
  - the daemon (-f), with PoolInterval 1 and PoolMinMessages 0.
Then checks:
  1. ordinary mail passes through untouched and is never buffered by us,
  2. N mix messages are taken out of delivery (pooled, discarded) and all N
     next-hop messages arrive at the sink after the pool flushes,
  3. a message to a mix and an ordinary recipient reaches both,
  4. the same with `kill -9` of the daemon in the middle of N more messages
     (the daemon restarted at once; senders retry on 4xx as MTAs do):
     no message lost; duplicates (at-least-once) are counted and reported.
Everything is stopped and removed at the end, also on failure.

  --mta postfix|sendmail   which MTA (default postfix)
  --mode scripted  the daemon over the scripted node (tests/milter)
  --mode real      the real daemon; mix messages from `mixtasy create`
                   (exit 77, skipped, while the client cannot make them)
Exit 0 pass, 1 fail, 77 skipped.
"""
import argparse
import email
import os
import random
import shutil
import signal
import smtplib
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import Failure, log, wait_for  # noqa: E402
from postfix_instance import Postfix  # noqa: E402
from sendmail_instance import DEFAULT_SENDMAIL_ROOT, Sendmail  # noqa: E402
from smtp_sink import SmtpSink, free_port  # noqa: E402

SKIP = 77
MIX = "mixtasy@mix.test"


class Milter:
    def __init__(self, root, daemon, milter_port, reinject_port, home, pool_interval=1,
                 socket_path=None):
        self.daemon = daemon
        self.conf = os.path.join(root, "milter.conf")
        self.logfile = os.path.join(root, "milter.log")
        self.port = milter_port
        self.socket_path = socket_path
        # inet: the private MTA instances connect over loopback (an explicit
        # choice here; conf/ defaults to a unix socket for the MTA's group).
        # socket_path: a unix socket as conf/ has it (UMask 000: the MTA's
        # smtpd runs as another user).
        # AllowRoot: the harness runs as root and has no mix user to become.
        socket = (f"unix:{socket_path}\nUMask 000" if socket_path
                  else f"inet:{milter_port}@127.0.0.1")
        with open(self.conf, "w") as f:
            f.write(f"""Socket {socket}
AllowRoot yes
Quarantine yes
Home {home}
PoolInterval {pool_interval}
PoolMinMessages 0
PoolFraction 1
ReinjectURL smtp://127.0.0.1:{reinject_port}
Syslog no
LogLevel info
""")
        self.proc = None

    def start(self):
        out = open(self.logfile, "ab")
        self.proc = subprocess.Popen([self.daemon, "-f", "-c", self.conf], stdout=out, stderr=out)
        out.close()

        def up():
            import socket
            if self.proc.poll() is not None:
                raise Failure("daemon exited: " + open(self.logfile).read()[-2000:])
            try:
                if self.socket_path:
                    with socket.socket(socket.AF_UNIX) as s:
                        s.connect(self.socket_path)
                else:
                    socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                return False
        wait_for(up, 20, "milter socket")

    def kill9(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None


def scripted_message(tag, i, to=MIX):
    rnd = random.Random("%s-%d" % (tag, i))
    armor = "\r\n".join("".join(rnd.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdef0123456789+/")
                                for _ in range(64)) for _ in range(470))
    return ("From: sender@outside.test\r\nTo: %s\r\nSubject: mix %s %d\r\n"
            "Message-ID: <%s-%d@e2e.test>\r\nRemailer-Type: Mixtasy v1\r\n"
            "X-Folded: first part\r\n\tsecond part\r\nX-Spaces:   three leading\r\n"
            "X-Scripted-Next-Hop: sink@sink.test\r\n\r\n"
            "-----BEGIN PGP MESSAGE-----\r\n\r\n%s\r\n-----END PGP MESSAGE-----\r\n"
            % (to, tag, i, tag, i, armor)).encode()


def send_with_retry(port, sender, rcpts, data, deadline):
    """Sends like an MTA would: retries on 4xx and connection failures."""
    while True:
        try:
            with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
                s.sendmail(sender, rcpts, data)
            return
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused,
                smtplib.SMTPServerDisconnected, OSError) as e:
            code = getattr(e, "smtp_code", 451)
            if isinstance(e, smtplib.SMTPRecipientsRefused):
                code = min(c for c, _ in e.recipients.values())
            if code >= 500 or time.time() > deadline:
                raise Failure("sending failed for good: %r" % (e,))
            time.sleep(0.3)


def sink_ids(sink_dir):
    ids = []
    for name in sorted(os.listdir(sink_dir)):
        with open(os.path.join(sink_dir, name), "rb") as f:
            msg = email.message_from_bytes(f.read())
        ids.append((msg.get("Message-ID", "").strip("<>"), msg.get("X-Sink-To", "")))
    return ids


def next_hop_outputs(sink_dir, next_hop):
    """SHA-256 of the body of every sink message addressed to next_hop."""
    import hashlib
    out = []
    for name in sorted(os.listdir(sink_dir)):
        data = open(os.path.join(sink_dir, name), "rb").read()
        if ("X-Sink-To: <%s>" % next_hop).encode() in data.split(b"\r\n\r\n", 1)[0]:
            out.append(hashlib.sha256(data.split(b"\r\n\r\n", 1)[-1]).hexdigest())
    return out


def check_intact(sink_dir, tag, n):
    """The next-hop message holds every original header line byte for byte
    (folding and leading blanks as sent) and the body unchanged: the milter
    rebuilt what the MTA received."""
    for name in sorted(os.listdir(sink_dir)):
        data = open(os.path.join(sink_dir, name), "rb").read()
        mid = email.message_from_bytes(data).get("Message-ID", "").strip("<>")
        if not mid.startswith(tag + "-"):
            continue
        i = int(mid.split("@")[0].rsplit("-", 1)[1])
        original = scripted_message(tag, i)
        head, body = original.split(b"\r\n\r\n", 1)
        got_head, got_body = data.split(b"\r\n\r\n", 1)
        if got_body != body:
            raise Failure("%s: body changed on the way through the pool" % mid)
        for line in head.replace(b"\r\n\t", b"\x00").split(b"\r\n"):
            if line.replace(b"\x00", b"\r\n\t") not in got_head:
                raise Failure("%s: header line changed: %r" % (mid, line))
    log("ok   %d next-hop messages byte-identical in header lines and body" % n)


class RealMessages:
    """Four-hop Mixtasy messages (our node first) from core's creator, and
    how to recognise our node's output at the sink (addressed to hop 2)."""
    NEXT = "mixtasy@m2.test"

    def __init__(self, root, home, mixtasy, maker):
        self.maker = maker
        self.keys = os.path.join(root, "mixes.asc")
        with open(self.keys, "wb") as out:
            for m in ("mix", "m2", "m3", "m4"):
                h = home if m == "mix" else os.path.join(root, m)
                modes = "middleman,exitpublic" if m == "m4" else "middleman"
                r = subprocess.run([mixtasy, "keygen", "--home", h, "--address", "mixtasy@%s.test" % m,
                                    "--modes", modes], capture_output=True, text=True)
                if r.returncode != 0:
                    raise Skip("mixtasy keygen: " + r.stderr.strip())
                out.write(open(os.path.join(h, "public.asc"), "rb").read())
        self.tmp = os.path.join(root, "made.eml")

    def make(self, tag, i):
        r = subprocess.run([self.maker, self.keys, "mixtasy@mix.test,mixtasy@m2.test,mixtasy@m3.test,"
                            "mixtasy@m4.test", "final@dest.test", self.tmp, "%s-%d" % (tag, i)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise Skip("core cannot create messages: " + r.stderr.strip())
        return open(self.tmp, "rb").read()


class Skip(Exception):
    pass


def run(args, root):
    home = os.path.join(root, "home")
    os.makedirs(home)
    with open(os.path.join(home, "addresses"), "w") as f:
        f.write(MIX + "\n")
    real = None
    if args.mode == "real":
        if not (args.mixtasy and os.access(args.mixtasy, os.X_OK) and args.maker
                and os.access(args.maker, os.X_OK)):
            log("SKIP: real mode needs the mixtasy client and make_mix_message (core's creator)")
            return SKIP
        try:
            real = RealMessages(root, home, args.mixtasy, args.maker)
            real.make("probe", 0)
        except Skip as e:
            log("SKIP: %s" % e)
            return SKIP

    def mix_message(tag, i):
        return real.make(tag, i) if real else scripted_message(tag, i)
    sink_dir = os.path.join(root, "sink")
    sink = SmtpSink(sink_dir).start()
    smtp_port, reinject_port, milter_port = free_port(), free_port(), free_port()
    mta = make_mta(args, root, smtp_port, reinject_port, milter_port, sink.port)
    milter = Milter(root, args.daemon, milter_port, reinject_port, home)
    try:
        milter.start()
        mta.start()
        deadline = time.time() + args.timeout
        n = args.messages

        # 1. Ordinary mail passes through untouched.
        for i in range(10):
            body = ("From: a@outside.test\r\nTo: bob@elsewhere.test\r\nSubject: plain %d\r\n"
                    "Message-ID: <plain-%d@e2e.test>\r\n\r\nhello %d\r\n" % (i, i, i)).encode()
            send_with_retry(smtp_port, "a@outside.test", ["bob@elsewhere.test"], body, deadline)
        wait_for(lambda: sum(1 for m, _ in sink_ids(sink_dir) if m.startswith("plain-")) == 10,
                 60, "10 ordinary messages at the sink")
        log("ok   ordinary mail: 10 of 10 delivered past the milter")

        # 2. N mix messages: pooled, discarded, flushed, all arrive.
        # Scripted: recognised by Message-ID.  Real: the next layer is
        # encrypted and re-padded, so distinct messages to hop 2 are counted.
        def outputs():
            if real:
                return next_hop_outputs(sink_dir, RealMessages.NEXT)
            return [m for m, to in sink_ids(sink_dir) if to == "<sink@sink.test>"]
        t0 = time.time()
        for i in range(n):
            send_with_retry(smtp_port, "sender@outside.test", [MIX], mix_message("mix", i), deadline)
        t_sent = time.time() - t0
        wait_for(lambda: len(set(outputs())) == n, args.timeout, "%d next-hop messages" % n)
        log("ok   mix: %d of %d next-hop messages at the sink (%.1f s to send, %.1f s until all arrived)"
            % (n, n, t_sent, time.time() - t0))
        if not real:
            check_intact(sink_dir, "mix", n)
        direct = [m for m, to in sink_ids(sink_dir) if MIX in to]
        if direct:
            raise Failure("mix messages delivered without the milter: %d" % len(direct))

        # 3. Mixed recipients: the ordinary copy and the mix copy both arrive.
        data = real.make("mixed", 0) if real else scripted_message("mixed", 0, to="bob@elsewhere.test, " + MIX)
        bob_before = sum(1 for _, to in sink_ids(sink_dir) if to == "<bob@elsewhere.test>")
        send_with_retry(smtp_port, "sender@outside.test", ["bob@elsewhere.test", MIX], data, deadline)
        wait_for(lambda: len(set(outputs())) == n + 1 and
                 sum(1 for _, to in sink_ids(sink_dir) if to == "<bob@elsewhere.test>") == bob_before + 1,
                 60, "both copies of the mixed message")
        log("ok   mixed recipients: the ordinary recipient and the pool copy both delivered")
        expected = n + 1

        # Quarantine: the message is held in the MTA's queue.  The real node
        # holds plain mail to the mix address (no Remailer-Type, no armor).
        if real:
            data = ("From: a@outside.test\r\nTo: %s\r\nSubject: is this the remailer?\r\n"
                    "Message-ID: <plain-to-mix@e2e.test>\r\n\r\nhello\r\n" % MIX).encode()
        else:
            data = scripted_message("quarantine", 0).replace(
                b"Remailer-Type:", b"X-Scripted-Decision: quarantine\r\nRemailer-Type:", 1)
        send_with_retry(smtp_port, "sender@outside.test", [MIX], data, deadline)
        wait_for(lambda: mta.held() == 1, 30, "one message held by the MTA")
        log("ok   quarantine: the %s message is held in %s's queue"
            % ("plain" if real else "scripted", mta.name))

        if not real:
            # Store failure: 451 to the sending MTA, accepted once the store is back.
            marker = os.path.join(home, "fail-store")
            open(marker, "w").close()
            try:
                with smtplib.SMTP("127.0.0.1", smtp_port, timeout=30) as s:
                    s.sendmail("sender@outside.test", [MIX], scripted_message("storefail", 0))
                raise Failure("message accepted while the store was failing")
            except smtplib.SMTPDataError as e:
                if e.smtp_code != 451:
                    raise Failure("store failure answered %d, not 451" % e.smtp_code)
            os.remove(marker)
            send_with_retry(smtp_port, "sender@outside.test", [MIX], scripted_message("storefail", 0), deadline)
            expected += 1
            wait_for(lambda: len(set(outputs())) == expected, 60, "the retried message at the sink")
            log("ok   store failure: 451 to the sender, delivered after the retry")

        # 4. kill -9 in the middle.
        crash_messages = [mix_message("crash", i) for i in range(n)]
        sent = [0]
        errors = []

        def sender():
            try:
                for data in crash_messages:
                    send_with_retry(smtp_port, "sender@outside.test", [MIX], data, deadline)
                    sent[0] += 1
            except Exception as e:  # reported below
                errors.append(e)
        th = threading.Thread(target=sender)
        th.start()
        wait_for(lambda: sent[0] >= n // 2 or errors, 120, "half of the crash-phase messages sent")
        milter.kill9()
        log("     daemon killed with SIGKILL after %d of %d messages" % (sent[0], n))
        time.sleep(0.5)
        milter.start()
        th.join()
        if errors:
            raise Failure(str(errors[0]))
        expected += n
        wait_for(lambda: len(set(outputs())) == expected, args.timeout, "%d crash-phase messages" % n)
        log("ok   kill -9: %d of %d arrived, none lost; %d duplicate deliveries (at least once)"
            % (n, n, len(outputs()) - expected))
        wait_for(lambda: mta.in_flight() == 0, 60, "an empty %s queue (but held mail)" % mta.name)
        status = milter.stop()
        if status != 0:
            raise Failure("daemon exit status %s on SIGTERM" % status)
        log("ok   daemon stopped cleanly")
        return 0
    except Failure as e:
        log("FAIL: %s" % e)
        for name in ("milter.log", mta.log_name):
            p = os.path.join(root, name)
            if os.path.exists(p):
                log("--- %s (tail)" % name)
                log(open(p, errors="replace").read()[-4000:])
        return 1
    finally:
        milter.stop()
        mta.stop()
        sink.stop()


def make_mta(args, root, smtp_port, reinject_port, milter_port, sink_port):
    if args.mta == "sendmail":
        return Sendmail(args.sendmail_root, root, smtp_port, reinject_port, milter_port, sink_port)
    return Postfix(root, smtp_port, reinject_port, milter_port, sink_port)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mta", choices=["postfix", "sendmail"], default="postfix")
    ap.add_argument("--sendmail-root", default=DEFAULT_SENDMAIL_ROOT,
                    help="where scripts/install-deps unpacked Debian's sendmail")
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--mode", choices=["scripted", "real"], default="scripted")
    ap.add_argument("--mixtasy")
    ap.add_argument("--maker", help="make_mix_message (tests/milter), for --mode real")
    ap.add_argument("--messages", type=int, default=200)
    ap.add_argument("--timeout", type=int, default=240)
    ap.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = ap.parse_args()
    if os.geteuid() != 0:
        log("SKIP: a private %s instance needs root" % args.mta)
        return SKIP
    if args.mta == "postfix" and shutil.which("postfix") is None:
        log("SKIP: postfix not installed")
        return SKIP
    if args.mta == "sendmail" and not Sendmail.available(args.sendmail_root):
        log("SKIP: no sendmail unpacked in %s (scripts/install-deps does it)" % args.sendmail_root)
        return SKIP
    root = tempfile.mkdtemp(prefix="mixtasy-e2e-")
    os.chmod(root, 0o755)
    try:
        return run(args, root)
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
