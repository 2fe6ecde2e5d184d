#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""client_test.py - the sender's client end to end, without an MTA:
`mixtasy dir import|list|accept`, `mixtasy send` (dry run, the sendmail
binary, SMTP submission to a loopback sink, a multipart original whose
parts take their own paths), `mixtasy create` with `*` hops, `mixtasy
mixmaster -T / -m -l`, ranking by gpg-made ranking keys (--min-rank,
MinRank, RankingKey) and seed 004's Key Retrieval (`dir request`, `dir
import --reply` with a reply built by core/publish's code, make_key_reply);
every submitted message is peeled
through real node homes and must deliver the cleaned original to exactly
its one recipient.

    client_test.py --mixtasy BUILD/cli/mixtasy --make-key-reply BUILD/tests/cli/make_key_reply
"""
import argparse
import base64
import os
import re
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "e2e"))

from client_common import Network, run  # noqa: E402

ORIGINAL = (b"From: Alice <alice@home.test>\n"
            b"To: Bob <bob@far.test>, carol@far.test\n"
            b"Cc: dave@far.test\n"
            b"Subject: through the directory\n"
            b"Message-ID: <42@home.test>\n"
            b"User-Agent: test\n"
            b"\n"
            b"the body of the original\n")

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def delivered_to(net, messages):
    """recipient -> delivered original, after peeling each captured message."""
    out = {}
    for args, msg in messages:
        first = args[-1]
        hops, final = net.peel(first, msg)
        check(len(hops) == 4, "4 hops for %s: %s" % (first, hops))
        to = re.findall(rb"^To:.*$", final, re.M)
        check(len(to) == 1, "the exit sees exactly one To line")
        out[to[0].split(b":", 1)[1].strip().decode()] = final
    return out


def test_directory(net):
    p = net.client("dir", *net.dir_args(), "import", net.ring)
    check(b"5 added" in p.stdout, "dir import adds five mixes")
    listing = net.client("dir", *net.dir_args(), "list").stdout.decode()
    check(listing.count("modes middleman,exitpublic") == 5, "dir list shows each mix's modes")
    check("subkey" in listing and "origin   file" in listing, "dir list shows subkeys and origin")
    check("WARNING" not in listing, "a fresh directory carries no warning")
    # A second key for a known address is pending, shown, not used.
    other = os.path.join(net.work, "other")
    run([net.mixtasy, "keygen", "--home", other, "--address", "mixtasy@n1.test", "--modes",
         "middleman,exitpublic"])
    p = net.client("dir", *net.dir_args(), "import", os.path.join(other, "public.asc"))
    check(b"1 pending" in p.stdout, "a changed key is pending")
    listing = net.client("dir", *net.dir_args(), "list").stdout.decode()
    check("PENDING" in listing and "mixtasy dir accept mixtasy@n1.test" in listing,
          "dir list shows the pending key and how to accept it")
    p = net.client("dir", "--dir", net.dir, "accept", "mixtasy@n2.test", check=False)
    check(p.returncode == 1, "accept without a pending key is refused")


def test_update(net):
    conf = open(net.config).read()
    # A KeyServer that is not hkps:// is refused with its line; a real one is
    # asked by HKP in tests/keyserver/cli_publish_test.py (nothing here may
    # leave the machine).
    net.write_config(conf + "KeyFile %s\nKeyServer ldap://keys.example.org\n" % net.ring)
    p = net.client("dir", *net.dir_args(), "update", check=False)
    check(p.returncode == 1 and b"KeyServer: needs a URL" in p.stderr,
          "dir update refuses a KeyServer it cannot ask, naming the line")
    net.write_config(conf + "KeyFile %s\n" % net.ring)
    p = net.client("dir", *net.dir_args(), "update")
    check(b"5 refreshed" in p.stdout, "dir update reads the configured KeyFile")
    net.write_config(conf + "KeyFile %s\n" % os.path.join(net.work, "missing.asc"))
    p = net.client("dir", *net.dir_args(), "update", check=False)
    check(p.returncode == 75, "dir update with no reachable source is a temporary failure")
    net.write_config(conf)


def test_send_sendmail(net):
    p = net.client("send", *net.dir_args(), "--dry-run", stdin=ORIGINAL)
    out = p.stdout.decode()
    check(out.count("recipient ") == 3 and out.count("parts 1") == 3,
          "dry run: one message per recipient, part counts")
    check(re.search(r"part 1: \d+ bytes to mixtasy@n\d.test", out) is not None, "dry run: sizes")
    check(net.captured_messages() == [], "dry run sends nothing")

    net.client("send", *net.dir_args(), "--hops", "4", stdin=ORIGINAL)
    messages = net.captured_messages()
    check(len(messages) == 3, "three submissions through sendmail")
    check(all(a[:3] == ["-i", "-f", "anon@home.test"] for a, _ in messages),
          "sendmail -i -f with the configured envelope sender")
    got = delivered_to(net, messages)
    check(sorted(got) == ["bob@far.test", "carol@far.test", "dave@far.test"],
          "each recipient gets its own copy")
    for final in got.values():
        check(b"the body of the original" in final, "the original arrives")
        for gone in (b"alice@home.test", b"42@home.test", b"User-Agent", b"Cc:"):
            check(gone not in final, "stripped before wrapping: %s" % gone.decode())


def test_refusals(net):
    def refused(args, stdin, what, config=None):
        before = len(net.captured_messages())
        p = net.client(*args, stdin=stdin, check=False)
        check(p.returncode == 1 and b"nothing was sent" in p.stderr
              and len(net.captured_messages()) == before, what)
        return p.stderr.decode()

    refused(["send", *net.dir_args()], b"Subject: none\n\nbody\n", "refused: no recipient")
    refused(["send", *net.dir_args(), "--chain", "*,*,*"], ORIGINAL, "refused: chain under four")
    refused(["send", *net.dir_args(), "--exit", "mixtasy@unknown.test"], ORIGINAL,
            "refused: a path that cannot be satisfied")
    refused(["send", *net.dir_args(), "--chain",
             "mixtasy@n1.test,MIXTASY@n1.test,*,*"], ORIGINAL, "refused: same mix twice (case)")
    conf = open(net.config).read()
    net.write_config("Sendmail %s\n" % net.sendmail)
    err = refused(["send", *net.dir_args()], ORIGINAL, "refused: no EnvelopeSender")
    check("EnvelopeSender" in err, "the refusal names EnvelopeSender")
    net.write_config(conf + "HalfLife 1s\n")
    time.sleep(2.2)
    err = refused(["send", *net.dir_args()], ORIGINAL, "refused: a stale directory")
    check("stale" in err, "the refusal says stale")
    listing = net.client("dir", *net.dir_args(), "list").stdout.decode()
    check("WARNING" in listing and "STALE" in listing, "dir list warns when stale")
    net.write_config(conf)
    net.client("dir", *net.dir_args(), "import", net.ring)


def test_multipart(net):
    big = b"To: erin@far.test\nSubject: big\n\n" + (b"x" * 70 + b"\n") * 700
    out = net.client("send", *net.dir_args(), "--dry-run", stdin=big).stdout.decode()
    parts = int(re.search(r"parts (\d+)", out).group(1))
    check(parts > 1, "a 50 KB original is multipart in the dry run (%d parts)" % parts)
    paths = re.findall(r"^    path (.+)$", out, re.M)
    check(len(paths) == parts, "the dry run prints each part's path")
    check(len({p.split()[-1] for p in paths}) == 1, "the dry run's parts share the exit")
    # Sent for real, twice: every part is peeled along its own path; the
    # exit completes the original from the last part.  The paths before
    # the exit are drawn per part (five mixes: all parts of both sends on
    # one prefix has a chance of about 1/80^5).
    prefixes = set()
    for n in range(2):
        before = len(net.captured_messages())
        net.client("send", *net.dir_args(), stdin=big)
        sent = net.captured_messages()[before:]
        check(len(sent) == parts, "send %d: one submission per part" % n)
        exits, final = set(), b""
        for args, msg in sent:
            hops, out = net.peel(args[-1], msg)
            check(len(hops) == 4, "a part takes 4 hops: %s" % hops)
            exits.add(hops[-1])
            prefixes.add(tuple(hops[:-1]))
            final = out or final
        check(len(exits) == 1, "send %d: the parts meet at one exit" % n)
        check(final.count(b"x" * 70) == 700, "send %d: the multipart original arrives whole" % n)
    check(len(prefixes) > 1, "the parts take independent paths before the exit")


def test_smtp(net, sink_dir):
    from smtp_sink import SmtpSink
    sink = SmtpSink(sink_dir).start()
    try:
        conf = open(net.config).read()
        net.write_config("EnvelopeSender anon@home.test\nSmtpUrl smtp://127.0.0.1:%d\n"
                         "SmtpTls none\n" % sink.port)
        net.client("send", *net.dir_args(), stdin=b"To: frank@far.test\nSubject: s\n\nby smtp\n")
        files = [f for f in os.listdir(sink_dir) if f.endswith(".eml")]
        check(len(files) == 1, "one message submitted by SMTP")
        data = open(os.path.join(sink_dir, files[0]), "rb").read()
        rcpt = re.search(rb"X-Sink-To: *<?(mixtasy@n\d.test)", data)
        check(rcpt is not None and b"anon@home.test" in data, "SMTP envelope: first hop, sender")
        body = data.split(b"\r\n", 2)[2]  # past the sink's X-Sink-From and X-Sink-To
        hops, final = net.peel(rcpt.group(1).decode(), body)
        check(b"by smtp" in final, "the SMTP-submitted message arrives")
        net.write_config(conf)
    finally:
        sink.stop()


def test_create_and_mixmaster(net):
    p = net.client("create", "--dir", net.dir, "--path", "*,*,*,*",
                   stdin=b"To: gina@far.test\n\nvia create\n")
    hop = re.search(rb"first hop: (\S+)", p.stderr).group(1).decode()
    hops, final = net.peel(hop, p.stdout)
    check(b"via create" in final and len(hops) == 4, "create accepts * hops from the directory")

    listing = net.client("mixmaster", "-T", *net.dir_args()).stdout.decode().splitlines()
    check(len(listing) == 5, "mixmaster -T lists five mixes")
    check(all(len(l.split()) == 5 and l.split()[4] for l in listing),
          "five tokens a line, non-empty caps")
    check(listing[0].split()[0] == "n1.test" and listing[0].split()[1] == "mixtasy@n1.test",
          "shortname and address")
    p = net.client("mixmaster", *net.dir_args(), "-m", "-l", "n1.test,*,*", stdin=ORIGINAL,
                   check=False)
    check(p.returncode == 1 and b"at least 4" in p.stderr, "a chain shorter than four is refused")


def gpg_home(net):
    """A GNUPGHOME for ranking keys; returns run(*args) -> stdout bytes."""
    home = os.path.join(net.work, "gnupg")
    os.makedirs(home, mode=0o700)

    def gpg(*args):
        return run(["gpg", "--homedir", home, "--batch", "--yes", "--pinentry-mode", "loopback",
                    "--passphrase", ""] + list(args)).stdout
    return gpg


def fingerprint(gpg, who):
    listing = gpg("--with-colons", "--list-keys", who).decode()
    return re.search(r"^fpr:+([0-9A-F]{40}):", listing, re.M).group(1)


def test_ranking(net):
    gpg = gpg_home(net)
    gpg("--import", net.ring)
    for name in ("A", "B"):
        gpg("--quick-gen-key", "Ranker %s <%s@rank.test>" % (name, name.lower()), "ed25519",
            "cert", "never")
    a, b = fingerprint(gpg, "a@rank.test"), fingerprint(gpg, "b@rank.test")
    # n1 by A and B, n2 and n3 by A: three ranked mixes can make any path
    # (two cannot always: a-b-?-a leaves no mix for the third place).
    n1, n2, n3 = (fingerprint(gpg, "mixtasy@n%d.test" % i) for i in (1, 2, 3))
    gpg("-u", a, "--quick-sign-key", n1)
    gpg("-u", b, "--quick-sign-key", n1)
    gpg("-u", a, "--quick-sign-key", n2)
    gpg("-u", a, "--quick-sign-key", n3)
    certified = os.path.join(net.work, "certified.asc")
    rankers = os.path.join(net.work, "rankers.asc")
    open(certified, "wb").write(gpg("--armor", "--export", n1, n2, n3))
    open(rankers, "wb").write(gpg("--armor", "--export", a, b))
    net.client("dir", *net.dir_args(), "import", certified)

    conf = open(net.config).read()
    net.write_config(conf + "RankingKey %s\n" % rankers)
    listing = net.client("dir", *net.dir_args(), "list").stdout.decode()
    ranks = dict(re.findall(r"^(mixtasy@\S+)  modes.*?\n(?:  .*\n)*?  rank     (\d+)",
                            listing, re.M))
    check(ranks.get("mixtasy@n1.test") == "2" and ranks.get("mixtasy@n2.test") == "1"
          and ranks.get("mixtasy@n3.test") == "1" and ranks.get("mixtasy@n4.test") == "0",
          "dir list shows each mix's rank: %s" % ranks)
    listing = net.client("dir", *net.dir_args(), "list", "--min-rank", "2").stdout.decode()
    check(listing.count("is below the minimum rank 2") == len(net.homes) - 1
          and re.search(r"\d+ mixes, 1 usable now", listing) is not None,
          "dir list --min-rank 2: one mix usable, the others below the rank")

    out = net.client("send", *net.dir_args(), "--dry-run", "--min-rank", "1",
                     stdin=ORIGINAL).stdout.decode()
    hops = set(" ".join(re.findall(r"^    path (.+)$", out, re.M)).split())
    check(hops <= {"mixtasy@n1.test", "mixtasy@n2.test", "mixtasy@n3.test"} and len(hops) > 1,
          "send --min-rank 1 uses only the three ranked mixes: %s" % sorted(hops))
    p = net.client("send", *net.dir_args(), "--min-rank", "2", stdin=ORIGINAL, check=False)
    check(p.returncode == 1 and b"nothing was sent" in p.stderr,
          "send --min-rank 2: one mix cannot make a path, refused")
    net.write_config(conf + "RankingKey %s\nMinRank 1\n" % rankers)
    listing = net.client("mixmaster", "-T", *net.dir_args()).stdout.decode().splitlines()
    check(len(listing) == 3, "MinRank 1 in the config: mixmaster -T lists the three ranked mixes")
    p = net.client("create", "--dir", net.dir, "--config", net.config, "--min-rank", "1",
                   "--path", "*,*,*,*", stdin=b"To: ivy@far.test\n\nranked\n")
    hop = re.search(rb"first hop: (\S+)", p.stderr).group(1).decode()
    hops, final = net.peel(hop, p.stdout)
    check(set(hops) <= {"mixtasy@n1.test", "mixtasy@n2.test", "mixtasy@n3.test"}
          and b"ranked" in final,
          "create --min-rank 1 draws * among the ranked mixes")
    net.write_config(conf + "RankingKey %s\nMinRank 3\n" % rankers)
    p = net.client("send", *net.dir_args(), "--dry-run", stdin=ORIGINAL, check=False)
    check(p.returncode == 1 and b"needs at least 3 ranking keys" in p.stderr,
          "MinRank above the number of ranking keys is refused, saying why")
    net.write_config(conf)


def test_key_retrieval(net, make_key_reply):
    # A mix the directory does not know yet, with a home to peel through.
    home = os.path.join(net.work, "n9")
    run([net.mixtasy, "keygen", "--home", home, "--address", "mixtasy@n9.test", "--modes",
         "middleman,exitpublic"])
    before = len(net.captured_messages())
    p = net.client("dir", *net.dir_args(), "request", "n9.test")
    sent = net.captured_messages()[before:]
    check(len(sent) == 1 and sent[0][0][-1] == "keys@n9.test"
          and sent[0][0][:3] == ["-i", "-f", "anon@home.test"],
          "dir request submits one mail to keys@n9.test from EnvelopeSender")
    requests = os.path.join(net.dir, "key-requests")
    check(os.stat(requests).st_mode & 0o777 == 0o600, "K_auth is kept in a 0600 file")
    auth = open(requests).read().split("\t")[1].encode()
    check(auth not in p.stdout + p.stderr, "K_auth is never printed")
    check(b"mixtasy@n9.test\r\n" + auth + b"\r\n" in sent[0][1],
          "the request body is seed 004 fig. 5: the address, then K_auth")

    reply = run([make_key_reply, os.path.join(home, "public.asc")], stdin=sent[0][1]).stdout
    lines = reply.rstrip(b"\r\n").split(b"\r\n")
    hmac = bytearray(base64.b64decode(lines[-1]))
    hmac[0] ^= 0x01  # one bit of the HMAC line changed on the way
    bad = b"\r\n".join(lines[:-1] + [base64.b64encode(bytes(hmac))]) + b"\r\n"
    bad_file, good_file = os.path.join(net.work, "bad.eml"), os.path.join(net.work, "reply.eml")
    open(bad_file, "wb").write(bad)
    open(good_file, "wb").write(b"From keys@n9.test Wed Dec  2 07:00:00 2026\n" + reply)
    p = net.client("dir", *net.dir_args(), "import", "--reply", bad_file, check=False)
    check(p.returncode == 1 and b"HMAC does not match" in p.stderr,
          "a reply with a wrong HMAC is refused with the reason")
    check("mixtasy@n9.test" not in net.client("dir", *net.dir_args(), "list").stdout.decode(),
          "nothing is imported from the refused reply")
    p = net.client("dir", *net.dir_args(), "import", "--reply", good_file)
    check(b"1 added" in p.stdout, "the checked reply's key is imported")
    listing = net.client("dir", *net.dir_args(), "list").stdout.decode()
    check(re.search(r"mixtasy@n9.test  modes.*\n.*\n  origin   key-service keys@n9.test", listing)
          is not None, "dir list names the key service as its origin")
    check(os.path.getsize(requests) == 0, "the answered request (its K_auth) is gone")
    p = net.client("dir", *net.dir_args(), "import", "--reply", good_file, check=False)
    check(p.returncode == 1 and b"no pending key request" in p.stderr,
          "the same reply again answers nothing: refused")
    net.homes["mixtasy@n9.test"] = home

    # KeyServiceDomain: dir update mails the request itself.
    net.write_config("EnvelopeSender anon@home.test\nSendmail %s\nKeyServiceDomain n9.test\n"
                     % net.sendmail)
    before = len(net.captured_messages())
    p = net.client("dir", *net.dir_args(), "update")
    sent = net.captured_messages()[before:]
    check(len(sent) == 1 and sent[0][0][-1] == "keys@n9.test"
          and b"asked keys@n9.test" in p.stdout,
          "dir update sends a Key Retrieval request to each KeyServiceDomain")
    check(os.path.getsize(requests) > 0, "update keeps the request's K_auth for the reply")
    net.write_config("EnvelopeSender anon@home.test\nSendmail %s\n" % net.sendmail)
    out = net.client("send", *net.dir_args(), "--dry-run", "--chain",
                     "*,*,*,mixtasy@n9.test", stdin=b"To: jo@far.test\n\nx\n").stdout
    check(b"mixtasy@n9.test" in out, "the retrieved mix is usable for paths")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mixtasy", required=True)
    ap.add_argument("--make-key-reply", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="mixtasy-client-") as work:
        net = Network(os.path.abspath(args.mixtasy), work)
        test_directory(net)
        test_update(net)
        test_send_sendmail(net)
        test_refusals(net)
        test_multipart(net)
        test_smtp(net, os.path.join(work, "sink"))
        test_create_and_mixmaster(net)
        test_key_retrieval(net, os.path.abspath(args.make_key_reply))
        test_ranking(net)
    print("%d failure(s)" % len(failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
