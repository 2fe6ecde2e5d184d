#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""key_service_e2e.py - seed 004's key service and the remailer-* commands
through a real Postfix or Sendmail with real SMTP AUTH (e2e:key-service,
e2e:key-service-sendmail).

A private Postfix (postfix_instance.py) whose smtpd offers AUTH through
`smtpd_sasl_type = dovecot` against sasl_auth_stub.py (one user, alice),
or with --mta sendmail the unpacked Sendmail (sendmail_instance.py) whose
AUTH is Cyrus SASL's `pwcheck_method: saslauthd` against saslauthd_stub.py
(a Sendmail.conf and the plugins in a directory bind-mounted over
Debian's SASL directory, in sendmail's own mount namespace); Sendmail
hands {auth_authen} to the milter at MAIL as Postfix does,
the real daemon with a real node (`mixtasy keygen`), and an SMTP sink that
receives what the node sends back through the reinjection listener:
  1. alice, authenticated, mails her gpg key and a K_auth to keys@mix.test:
     the confirmation carries HMAC-SHA256(K_auth, binary key);
  2. bob, unauthenticated, asks keys@ for alice's key with another K_auth:
     the reply holds her key and its HMAC; he also gets the node's own key;
  3. an unauthenticated publication is dropped (no reply, one log line);
  4. remailer-key and remailer-conf are answered, signed (gpg --verify with
     the node's public key), and a third request within the hour is not
     (ReplyRatePerHour 2);
  5. the replies leave although the pool holds fewer than PoolMinMessages;
  6. the daemon's log names none of the requesters.
Exit 0 passed, 1 failed, 77 skipped (not root, no postfix, no gpg; under
CI=true a missing tool fails instead)."""
import argparse
import base64
import glob
import hashlib
import hmac
import os
import shutil
import smtplib
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import Failure, log, wait_for  # noqa: E402
from mta_e2e import Milter  # noqa: E402
from postfix_instance import Postfix  # noqa: E402
from sasl_auth_stub import SaslAuthStub  # noqa: E402
from saslauthd_stub import SaslauthdStub  # noqa: E402
from sendmail_instance import DEFAULT_SENDMAIL_ROOT, SASL_DIR, Sendmail  # noqa: E402
from smtp_sink import SmtpSink, free_port  # noqa: E402

SKIP = 77
MIX = "mixtasy@mix.test"
KEYS = "keys@mix.test"
ALICE = "alice@mix.test"


def skip_or_fail(why):
    if os.environ.get("CI") == "true":
        log("FAIL (CI=true): " + why)
        return 1
    log("SKIP: " + why)
    return SKIP


def gpg(gnupghome, *args, data=None):
    r = subprocess.run(["gpg", "--homedir", gnupghome, "--batch", "--quiet", *args],
                       input=data, capture_output=True)
    if r.returncode != 0:
        raise Failure("gpg %s: %s" % (" ".join(args), r.stderr.decode(errors="replace")))
    return r.stdout


def dearmor(text):
    """The binary of the first armored block in text (its CRC line dropped)."""
    lines = text.replace("\r\n", "\n").split("\n")
    start = next(i for i, l in enumerate(lines) if l.startswith("-----BEGIN PGP PUBLIC KEY BLOCK"))
    body, i = [], start + 1
    while lines[i].strip():  # armor headers
        i += 1
    for line in lines[i + 1:]:
        if line.startswith("-----END") or line.startswith("="):
            break
        body.append(line.strip())
    return base64.b64decode("".join(body))


def hmac_line(k_auth, key):
    return base64.b64encode(hmac.new(k_auth, key, hashlib.sha256).digest()).decode()


def replies_to(sink_dir, rcpt):
    out = []
    for path in sorted(glob.glob(os.path.join(sink_dir, "*.eml"))):
        raw = open(path, "rb").read().decode(errors="replace")
        if ("X-Sink-To: <%s>\r\n" % rcpt) in raw:  # the sink keeps RCPT TO as given
            out.append(raw)
    return out


def verify_signed(gnupghome, raw):
    signed = raw[raw.index("-----BEGIN PGP SIGNED MESSAGE-----"):]
    gpg(gnupghome, "--verify", data=signed.encode())


def send(port, sender, rcpt, body, login=None):
    msg = "From: %s\r\nTo: %s\r\nSubject: %s\r\n\r\n%s" % (sender, rcpt, body[0], body[1])
    msg = msg.replace("\r\n", "\n").replace("\n", "\r\n")  # Sendmail refuses bare LF (gpg's armor)
    with smtplib.SMTP("127.0.0.1", port, timeout=30) as s:
        s.ehlo("client.test")
        if login:
            s.login(*login)
        s.sendmail(sender, [rcpt], msg.encode())


def make_mta(args, root, smtp_port, reinject_port, milter_port, sink_port):
    """The MTA with SMTP AUTH for one user, alice, and its password checker."""
    if args.mta == "postfix":
        auth = SaslAuthStub(os.path.join(root, "auth"), "alice", "secret").start()
        mta = Postfix(os.path.join(root, "mta"), smtp_port, reinject_port, milter_port, sink_port)
        with open(os.path.join(mta.etc, "main.cf"), "a") as f:
            f.write("smtpd_sasl_auth_enable = yes\nsmtpd_sasl_type = dovecot\n"
                    "smtpd_sasl_path = %s\n" % auth.path)
        return auth, mta
    auth = SaslauthdStub(os.path.join(root, "saslauthd"), "alice", "secret").start()
    sasl_dir = os.path.join(root, "sasl2")
    shutil.copytree(SASL_DIR, sasl_dir, symlinks=True)
    with open(os.path.join(sasl_dir, "Sendmail.conf"), "w") as f:
        f.write("pwcheck_method: saslauthd\nsaslauthd_path: %s\nmech_list: PLAIN LOGIN\n"
                % auth.path)
    # The snippet's INPUT_MAIL_FILTER leaves Milter.macros.envfrom at
    # Sendmail's default, which has {auth_authen}; the milter asks for it
    # too (smfi_setsymlist).
    extra = ("define(`confAUTH_MECHANISMS', `PLAIN LOGIN')dnl\n"
             "TRUST_AUTH_MECH(`PLAIN LOGIN')dnl\n")
    if args.envfrom_macros is not None:
        # A site that lists its own envfrom macros without {auth_authen}:
        # publication then works only if Sendmail honours smfi_setsymlist.
        extra += "define(`confMILTER_MACROS_ENVFROM', `%s')dnl\n" % args.envfrom_macros
    mta = Sendmail(args.sendmail_root, root, smtp_port, reinject_port, milter_port, sink_port,
                   extra_mc=extra, sasl_dir=sasl_dir)
    want = "O Milter.macros.envfrom=" + (args.envfrom_macros or "i, {auth_type}, {auth_authen}")
    if not any(l.startswith(want) for l in open(mta.cf).read().splitlines()):
        raise Failure("sendmail.cf lacks %r" % want)
    return auth, mta


def run(args, root):
    sink_dir = os.path.join(root, "sink")
    sink = SmtpSink(sink_dir).start()
    smtp_port, reinject_port, milter_port = free_port(), free_port(), free_port()
    auth, mta = make_mta(args, root, smtp_port, reinject_port, milter_port, sink.port)
    home = os.path.join(root, "home")
    r = subprocess.run([args.mixtasy, "keygen", "--home", home, "--address", MIX,
                        "--modes", "middleman"], capture_output=True, text=True)
    if r.returncode != 0:
        raise Failure("mixtasy keygen: " + r.stderr)
    milter = Milter(root, args.daemon, milter_port, reinject_port, home)
    with open(milter.conf) as f:
        conf = f.read().replace("PoolMinMessages 0", "PoolMinMessages 100")
    with open(milter.conf, "w") as f:
        f.write(conf + "KeyPublicationOnInet yes\nReplyRatePerHour 2\n")
    gnupghome = os.path.join(root, "gnupg")
    os.makedirs(gnupghome, mode=0o700)
    gpg(gnupghome, "--passphrase", "", "--quick-gen-key", "Alice <%s>" % ALICE, "ed25519",
        "sign", "never")
    alice_armored = gpg(gnupghome, "--armor", "--export", ALICE).decode()
    alice_binary = gpg(gnupghome, "--export", ALICE)
    gpg(gnupghome, "--import", os.path.join(home, "public.asc"))
    try:
        milter.start()
        mta.start()
        started = time.time()
        k1, k2, k3 = os.urandom(32), os.urandom(32), os.urandom(32)
        b64 = lambda k: base64.b64encode(k).decode()  # noqa: E731

        log("1. authenticated publication")
        send(smtp_port, ALICE, KEYS, ("key", alice_armored + b64(k1) + "\r\n"),
             login=("alice", "secret"))
        wait_for(lambda: replies_to(sink_dir, ALICE), 30, "the publication confirmation")
        confirmation = replies_to(sink_dir, ALICE)[0]
        if hmac_line(k1, alice_binary) not in confirmation:
            raise Failure("confirmation without HMAC(K_auth, key):\n" + confirmation)
        verify_signed(gnupghome, confirmation)
        if auth.logins != ["alice"]:
            raise Failure("the SASL stub saw %r" % auth.logins)

        log("2. unauthenticated retrieval, of alice's key and the node's own")
        send(smtp_port, "bob@else.test", KEYS, ("get", ALICE + "\r\n" + b64(k2) + "\r\n"))
        send(smtp_port, "bob@else.test", KEYS, ("get", MIX + "\r\n" + b64(k2) + "\r\n"))
        wait_for(lambda: len(replies_to(sink_dir, "bob@else.test")) == 2, 30, "two retrievals")
        got = {}
        for raw in replies_to(sink_dir, "bob@else.test"):
            verify_signed(gnupghome, raw)
            key = dearmor(raw.replace("- -----", "-----"))
            if hmac_line(k2, key) not in raw:
                raise Failure("retrieval reply whose HMAC does not match its key:\n" + raw)
            got[key == alice_binary] = raw
        if True not in got or False not in got:
            raise Failure("expected alice's key and the node's key back")

        log("3. unauthenticated publication: dropped")
        send(smtp_port, "mallory@else.test", KEYS, ("key", alice_armored + b64(k3) + "\r\n"))

        log("4. remailer-key, remailer-conf, and one over the limit")
        for subject in ("remailer-key", "remailer-conf", "remailer-help"):
            send(smtp_port, "carol@else.test", MIX, (subject, ""))
        wait_for(lambda: len(replies_to(sink_dir, "carol@else.test")) >= 2, 30, "admin replies")
        wait_for(lambda: "reply rate-limited" in open(milter.logfile).read(), 30,
                 "the rate-limit line")
        wait_for(lambda: "request dropped (unauthenticated)" in open(milter.logfile).read(), 30,
                 "the dropped publication's line")
        time.sleep(2)  # a third reply would have left by now (PoolInterval 1)
        carol = replies_to(sink_dir, "carol@else.test")
        if len(carol) != 2:
            raise Failure("carol got %d replies, expected 2 (ReplyRatePerHour 2)" % len(carol))
        for raw in carol:
            verify_signed(gnupghome, raw)
        conf_reply = next(r for r in carol if "Subject: Re: remailer-conf" in r)
        for want in ("Max-Original-Size: ", "Max-Message-Size: ", "Pool-Min-Messages: 100",
                     "Software: mixtasy-milter"):
            if want not in conf_reply:
                raise Failure("remailer-conf lacks %r:\n%s" % (want, conf_reply))
        if not any("-----BEGIN PGP PUBLIC KEY BLOCK-----" in r for r in carol):
            raise Failure("remailer-key reply without the key")
        if replies_to(sink_dir, "mallory@else.test"):
            raise Failure("an unauthenticated publication was answered")

        log("5/6. the log")
        text = open(milter.logfile).read()
        for who in ("alice@", "bob@", "carol@", "mallory@"):
            if who in text:
                raise Failure("the daemon's log names a requester (%s)" % who)
        log("key service passed in %.1f s" % (time.time() - started))
        return 0
    finally:
        mta.stop()
        milter.stop()
        auth.stop()
        sink.stop()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--mixtasy", required=True)
    ap.add_argument("--mta", choices=["postfix", "sendmail"], default="postfix")
    ap.add_argument("--sendmail-root", default=DEFAULT_SENDMAIL_ROOT)
    ap.add_argument("--envfrom-macros", help="Sendmail's Milter.macros.envfrom instead of its default")
    ap.add_argument("--keep", action="store_true")
    args = ap.parse_args()
    if os.geteuid() != 0:
        return skip_or_fail("a private MTA instance needs root")
    tools = ("gpg",) + (("postfix",) if args.mta == "postfix" else ())
    for tool in tools:
        if shutil.which(tool) is None and not os.path.exists("/usr/sbin/" + tool):
            return skip_or_fail(tool + " not installed")
    if args.mta == "sendmail" and not (Sendmail.available(args.sendmail_root)
                                       and os.path.isdir(SASL_DIR)):
        return skip_or_fail("no unpacked sendmail in %s or no %s (scripts/install-deps)"
                            % (args.sendmail_root, SASL_DIR))
    root = tempfile.mkdtemp(prefix="mixtasy-keysvc-")
    os.chmod(root, 0o755)
    try:
        return run(args, root)
    except Failure as e:
        log("FAIL: %s" % e)
        for name in ("milter.log", "mta/postfix.log", "sendmail.log"):
            p = os.path.join(root, name)
            if os.path.exists(p):
                log("--- %s\n%s" % (name, open(p, errors="replace").read()[-3000:]))
        return 1
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
