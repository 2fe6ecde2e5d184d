#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""network_e2e.py - from sender to Maildir across real mix nodes.

Starts a network (network.py) of five nodes: mix1, mix2 and mix4 on Postfix,
mix3 and mix5 on Sendmail, each with its own mixtasy-milter, plus the
recipient's provider recipient.test; keys go through the network's
keyserver (each daemon publishes and refreshes, the sender runs `mixtasy
dir update`).  The sender sends two originals with `mixtasy send`:
  1. a single-part original along mix1 -> mix2 -> mix3 -> mix4 (Sendmail in
     the middle, a Postfix exit), by `sendmail -C` of mix3 (the sender's MTA),
  2. a multipart original (a MIME message of a few hundred KiB, so the
     creator splits it into many parts) along mix5 -> mix2 -> mix1 -> mix3
     (Sendmail first and last), by SMTP to mix5.
Then checks: each arrives in the recipient's Maildir exactly once, its body
intact (the single part byte for byte, the attachment of the multipart one
decoded and compared), its header sanitized (none of the sender's From,
Message-ID, Date, User-Agent, X-Mailer, nor the sender's host name; one To,
the recipient); nothing reached the outside sink; every MTA queue empty.
Exit 0 pass, 1 fail, 77 skipped (outside CI only: under CI=true a missing
tool or privilege is a failure).
"""
import argparse
import email
import email.policy
import hashlib
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from e2e_common import Failure, log, wait_for  # noqa: E402
from network import (FIVE_NODES, RECIPIENT_DOMAIN, Network, missing_prerequisite,  # noqa: E402
                     send_with_client, skip_or_fail)
from sendmail_instance import DEFAULT_SENDMAIL_ROOT  # noqa: E402

SETTLE_SECONDS = 5  # after arrival: time for a duplicate to show up
SENDER_SECRETS = ("alice@sender.test", "sender.test", "secret-id-", "Secret Mailer", "Mon, 01 Jan 2001")


def sender_header(tag, to):
    return ("From: Alice <alice@sender.test>\r\nTo: %s\r\nSubject: network %s\r\n"
            "Date: Mon, 01 Jan 2001 10:00:00 +0000\r\nMessage-ID: <secret-id-%s@sender.test>\r\n"
            "User-Agent: Secret Mailer 1.0\r\nX-Mailer: Secret Mailer 1.0\r\n" % (to, tag, tag))


def single_part_original(tag, to):
    rnd = random.Random(tag)
    lines = ["line %d %s" % (i, "".join(rnd.choice("abcdefghij ") for _ in range(60))) for i in range(80)]
    body = ("Hello Bob,\r\n\r\n" + "\r\n".join(lines) + "\r\n-- \r\nnobody\r\n").encode()
    return (sender_header(tag, to) + "\r\n").encode() + body, body


def multipart_original(tag, to, attachment_bytes):
    """A MIME multipart/mixed original with a text part and a binary
    attachment (base64): returns the message and the attachment."""
    attachment = random.Random(tag).randbytes(attachment_bytes)
    msg = email.message.EmailMessage(policy=email.policy.SMTP)
    msg.set_content("Hello Bob,\r\nthe file is attached.\r\n")
    msg.add_attachment(attachment, maintype="application", subtype="octet-stream", filename="data.bin")
    mime = msg.as_bytes(policy=email.policy.SMTP)
    return (sender_header(tag, to)).encode() + mime, attachment


def split(message):
    norm = message.replace(b"\r\n", b"\n")
    head, _, body = norm.partition(b"\n\n")
    return head, body


def delivered_with(network, subject):
    return [m for m in network.recipient.messages() if ("Subject: network %s" % subject).encode() in split(m)[0]]


def check_header(head, rcpt, what):
    text = head.decode("latin-1")
    for secret in SENDER_SECRETS:
        if secret.lower() in text.lower():
            raise Failure("%s: the delivered header still names %r:\n%s" % (what, secret, text))
    tos = [line for line in text.split("\n") if line.lower().startswith("to:")]
    if len(tos) != 1 or rcpt not in tos[0]:
        raise Failure("%s: the delivered header has To lines %r, not one To: %s" % (what, tos, rcpt))


def run(args):
    spec = FIVE_NODES
    try:
        with Network(spec, args.daemon, args.mixtasy, sendmail_root=args.sendmail_root,
                     pool_interval=args.pool_interval, keep=args.keep) as net:
            try:
                return check(net, args)
            except Failure:
                net.dump_logs()
                raise
    except Failure as e:
        log("FAIL: %s" % e)
        return 1


def check(net, args):
    deadline = time.time() + args.timeout
    single_to = "bob@" + RECIPIENT_DOMAIN
    multi_to = "carol@" + RECIPIENT_DOMAIN
    single, single_body = single_part_original("single", single_to)
    multi, attachment = multipart_original("multi", multi_to, args.attachment_kib * 1024)

    t0 = time.time()
    # sendmail -C takes seconds a call here (one call per part): the single
    # part takes that way, the many parts SMTP.
    n, _ = send_with_client(net, single, chain=["mix1", "mix2", "mix3", "mix4"], via=("sendmail", net.node("mix3")))
    log("     single part: %d message of %d bytes by sendmail -C of mix3 (path mix1 mix2 mix3/sendmail mix4)"
        % (n, len(single)))
    n_multi, _ = send_with_client(net, multi, chain=["mix5", "mix2", "mix1", "mix3"], via=net.node("mix5"))
    log("     multipart: %d parts of an original of %d bytes by SMTP to mix5 "
        "(path mix5/sendmail mix2 mix1 mix3/sendmail)" % (n_multi, len(multi)))
    if n_multi < 2:
        raise Failure("the multipart original was not split (%d part)" % n_multi)

    wait_for(lambda: delivered_with(net, "single") and delivered_with(net, "multi"),
             max(1, deadline - time.time()), "both originals in the recipient's Maildir")
    log("     both delivered %.1f s after the first submission" % (time.time() - t0))
    time.sleep(SETTLE_SECONDS)
    net.stop_dummies()  # cover traffic never lets every queue be empty at once
    net.wait_quiet()

    got = delivered_with(net, "single")
    if len(got) != 1:
        raise Failure("single part delivered %d times" % len(got))
    head, body = split(got[0])
    if body != single_body.replace(b"\r\n", b"\n"):
        raise Failure("single part: body changed on the way")
    check_header(head, single_to, "single part")
    log("ok   single part: delivered once, body byte-identical, header sanitized")

    got = delivered_with(net, "multi")
    if len(got) != 1:
        raise Failure("multipart delivered %d times" % len(got))
    head, _ = split(got[0])
    check_header(head, multi_to, "multipart")
    parsed = email.message_from_bytes(got[0], policy=email.policy.default)
    files = [p.get_content() for p in parsed.iter_attachments()]
    if len(files) != 1 or hashlib.sha256(files[0]).digest() != hashlib.sha256(attachment).digest():
        raise Failure("multipart: the attachment did not arrive intact (%d attachments)" % len(files))
    log("ok   multipart: %d parts reassembled, delivered once, attachment of %d bytes intact, header sanitized"
        % (n_multi, len(attachment)))

    if net.outside_count():
        raise Failure("%d messages went to the outside sink (unrouted)" % net.outside_count())
    log("ok   nothing left the network; every MTA queue empty")
    return 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--daemon", required=True)
    ap.add_argument("--mixtasy", required=True)
    ap.add_argument("--sendmail-root", default=DEFAULT_SENDMAIL_ROOT)
    ap.add_argument("--pool-interval", type=int, default=1)
    ap.add_argument("--attachment-kib", type=int, default=220)
    ap.add_argument("--timeout", type=int, default=150)
    ap.add_argument("--keep", action="store_true", help="keep the network's temporary tree")
    args = ap.parse_args()
    missing = missing_prerequisite(args.daemon, args.mixtasy, args.sendmail_root)
    if missing:
        return skip_or_fail(missing)
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
