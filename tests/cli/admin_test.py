#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""admin_test.py - the admin's side of `mixtasy` (issue 15), with the real
binaries, gpg and sq:

  - `keygen` and `key rotate --subkey-lifetime` take s/m/h/d and refuse what
    the daemon's SubkeyLifetime refuses (under 1h);
  - `key mode` changes the modes on the same key: gpg and sq see one valid
    and one revoked user ID, the primary and subkeys unchanged, and
    `mixtasy dir import` (check_mix_key) accepts the key with its new modes;
  - `inspect` takes a whole mix message as well as bare OpenPGP and says
    which it saw;
  - `create` explains a bad path in a sentence;
  - `stats` shows the key's subkey windows, the pool and the counters of a
    home whose store `mixtasy process` filled, and names a missing database.

    admin_test.py --mixtasy BUILD/cli/mixtasy
Needs gpg and sq; without them it fails under CI=true and skips (77)
elsewhere.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

failures = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures.append(what)


def run(cmd, stdin=b"", env=None):
    return subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          timeout=120, env=env)


class Admin:
    def __init__(self, mixtasy, work):
        self.mixtasy, self.work = mixtasy, work

    def m(self, *args, stdin=b""):
        return run([self.mixtasy] + list(args), stdin=stdin)

    def keygen(self, name, address, modes="middleman,exitpublic", *extra):
        home = os.path.join(self.work, name)
        # An hour in the past, so that a mode change made now is strictly
        # later than the first self-signature for every reader.
        p = self.m("keygen", "--home", home, "--address", address, "--modes", modes,
                   "--faked-system-time", str(int(time.time()) - 3600), *extra)
        return home, p


def gpg_uids(work, public_asc):
    gnupg = tempfile.mkdtemp(dir=work)
    env = dict(os.environ, GNUPGHOME=gnupg)
    imp = run(["gpg", "--batch", "--import", public_asc], env=env)
    listing = run(["gpg", "--batch", "--with-colons", "--list-keys"], env=env)
    uids = [line.split(":") for line in listing.stdout.decode().splitlines()
            if line.startswith("uid:")]
    subs = [line for line in listing.stdout.decode().splitlines() if line.startswith("sub:")]
    # gpg's colon listing escapes ':' and ',' in user IDs.
    unescape = lambda t: t.replace("\\x3a", ":").replace("\\x2c", ",")
    return imp, [(u[1], unescape(u[9])) for u in uids], subs


def test_durations(a):
    home, p = a.keygen("short", "mixtasy@short.test", "middleman", "--subkey-lifetime", "5")
    check(p.returncode == 1 and b"1h" in p.stderr,
          "keygen --subkey-lifetime 5 is refused, naming the 1h minimum")
    home, p = a.keygen("short2", "mixtasy@short2.test", "middleman", "--subkey-lifetime", "59m")
    check(p.returncode == 1, "keygen --subkey-lifetime 59m is refused like SubkeyLifetime 59m")
    home, p = a.keygen("two_h", "mixtasy@twoh.test", "middleman", "--subkey-lifetime", "2h")
    check(p.returncode == 0, "keygen --subkey-lifetime 2h is accepted")
    _, uids, subs = gpg_uids(a.work, os.path.join(home, "public.asc"))
    fields = subs[0].split(":") if subs else []
    check(len(fields) > 6 and int(fields[6]) - int(fields[5]) == 7200,
          "gpg sees a subkey valid 2 hours")
    p = a.m("key", "rotate", "--home", home, "--subkey-lifetime", "30m")
    check(p.returncode == 1, "key rotate --subkey-lifetime 30m is refused")
    p = a.m("key", "rotate", "--home", home, "--subkey-lifetime", "1d")
    check(p.returncode == 0, "key rotate --subkey-lifetime 1d is accepted: %s" % p.stderr)


def test_mode(a):
    home, p = a.keygen("moded", "mixtasy@moded.test", "middleman")
    check(p.returncode == 0, "keygen of a middleman")
    public = os.path.join(home, "public.asc")
    before = a.m("key", "export", "--home", home).stdout
    p = a.m("key", "mode", "--home", home, "middleman,exitpublic")
    check(p.returncode == 0, "key mode middleman,exitpublic: %s" % p.stderr.decode().strip())
    check(b"user ID: Mixtasy node (mixtasy-mode:middleman,exitpublic) <mixtasy@moded.test>"
          in p.stdout, "key mode prints the new user ID")
    check(b"revoked: Mixtasy node (mixtasy-mode:middleman) <mixtasy@moded.test>" in p.stdout,
          "key mode prints the revoked one")
    again = a.m("key", "mode", "--home", home, "exitpublic,middleman")
    check(again.returncode == 1 and b"already" in again.stderr,
          "the same modes again are refused")
    bad = a.m("key", "mode", "--home", home, "exitsometimes")
    check(bad.returncode == 1 and b"unknown mixtasy mode" in bad.stderr, "an unknown mode is refused")

    imp, uids, subs = gpg_uids(a.work, public)
    check(imp.returncode == 0, "gpg imports the changed key")
    valid = [u for v, u in uids if v != "r"]
    revoked = [u for v, u in uids if v == "r"]
    check(valid == ["Mixtasy node (mixtasy-mode:middleman,exitpublic) <mixtasy@moded.test>"],
          "gpg: one valid user ID, the new one: %s" % valid)
    check(len(revoked) == 1 and "mixtasy-mode:middleman)" in revoked[0],
          "gpg: one revoked user ID, the old one: %s" % revoked)
    check(len(subs) == 1, "gpg: the one subkey is kept")

    sq = run(["sq", "inspect", public])
    out = sq.stdout.decode() + sq.stderr.decode()
    check(sq.returncode == 0, "sq inspects the changed key")
    uid_blocks = re.findall(r"UserID: (.*)\n((?:[ ]{10,}.*\n)*)", out)
    sq_revoked = [u for u, rest in uid_blocks if "Revoked" in rest or "revoked" in rest]
    sq_valid = [u for u, rest in uid_blocks if u not in sq_revoked]
    sq_ok = (len(uid_blocks) == 2 and len(sq_revoked) == 1 and len(sq_valid) == 1 and
             "middleman,exitpublic" in sq_valid[0])
    check(sq_ok, "sq: one valid and one revoked user ID")
    if not sq_ok:
        print(out)

    fpr_old = re.search(rb"fingerprint ([0-9A-Fa-f]{40})", p.stdout)
    dirp = os.path.join(a.work, "dir")
    imp = a.m("dir", "--dir", dirp, "import", public)
    check(imp.returncode == 0 and b"1 added" in imp.stdout,
          "check_mix_key accepts the key (mixtasy dir import): %s %s" % (imp.stdout, imp.stderr))
    listing = a.m("dir", "--dir", dirp, "list").stdout.decode()
    check("modes middleman,exitpublic" in listing, "the directory reads the new modes")
    check(fpr_old is not None and fpr_old.group(1).decode().lower() in listing.lower(),
          "the primary key (fingerprint) is the same")
    check(before != open(public, "rb").read(), "public.asc changed, so the publisher uploads it")
    # A rotation afterwards keeps the revoked user ID in the key files.
    a.m("key", "rotate", "--home", home)
    _, uids, _ = gpg_uids(a.work, public)
    check(sum(1 for v, _ in uids if v == "r") == 1, "a later rotation keeps the revocation")
    return home


def make_message(a, homes, path):
    ring = os.path.join(a.work, "ring.asc")
    with open(ring, "wb") as out:
        for h in homes:
            out.write(open(os.path.join(h, "public.asc"), "rb").read())
    original = b"To: bob@far.test\nSubject: s\n\nhello\n"
    return a.m("create", "--keyring", ring, "--path", ",".join(path), stdin=original)


def test_inspect_and_path(a):
    homes, path = [], []
    for i in range(4):
        h, p = a.keygen("n%d" % i, "mixtasy@n%d.test" % i)
        homes.append(h)
        path.append("mixtasy@n%d.test" % i)
    created = make_message(a, homes, path)
    check(created.returncode == 0, "create a four-hop message")
    whole = created.stdout
    p = a.m("inspect", stdin=whole)
    out = p.stdout.decode()
    check(p.returncode == 0, "inspect takes a whole mix message: %s" % p.stderr.decode())
    check("input: a mail message" in out and "Remailer-Type: Mixtasy v1" in out,
          "inspect says it saw a mail message and its Remailer-Type")
    check("Public-Key Encrypted Session Key" in out or "PKESK" in out or "tag 1" in out.lower()
          or "packet" in out.lower(), "inspect lists the body's packets")
    p = a.m("inspect", os.path.join(homes[0], "public.asc"))
    check(p.returncode == 0 and p.stdout.startswith(b"input: bare OpenPGP"),
          "inspect says it saw bare OpenPGP for a key")
    p = a.m("inspect", os.path.join(a.work, "absent.asc"))
    check(p.returncode == 1 and b"No such file or directory" in p.stderr,
          "inspect names the OS's reason for a missing file")
    bad = make_message(a, homes, [path[0], path[1], path[1], path[3]])
    check(bad.returncode == 1 and
          b"the path repeats mixtasy@n1.test twice in a row" in bad.stderr,
          "create explains a repeated mix in a sentence: %s" % bad.stderr.decode().strip())
    return homes, whole


def test_stats(a, home0, whole):
    p = a.m("stats", "--home", home0)
    check(p.returncode == 1 and b"node.db: No such file or directory" in p.stderr,
          "stats names a missing database: %s" % p.stderr.decode().strip())
    pooled = a.m("process", "--home", home0, stdin=whole)
    check(pooled.returncode == 0, "process pools the message at its first hop")
    p = a.m("stats", "--home", home0, "--pool-min-messages", "0", "--pool-fraction", "1")
    out = p.stdout.decode()
    check(p.returncode == 0, "stats reads the home: %s" % p.stderr.decode())
    check("address      mixtasy@n0.test" in out and "modes        middleman,exitpublic" in out,
          "stats shows the address and modes")
    check(re.search(r"subkey +[0-9A-F]{16}  .* UTC \.\. .* UTC  valid now", out) is not None,
          "stats shows the subkey's validity window")
    check("public.asc   written " in out, "stats shows when public.asc was written")
    check(re.search(r"waiting +1 \(1 ready\)", out) is not None, "stats counts the pooled row")
    check(re.search(r"next round +sends 1 of 1 ready \(PoolMinMessages 0", out) is not None,
          "stats says what the next round sends")
    check(re.search(r"\d{4}-\d\d-\d\d .*pooled 1", out) is not None, "stats shows today's counters")
    check("mixtasy@n1.test" not in out, "stats names no next hop")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mixtasy", required=True)
    args = ap.parse_args()
    for tool in ("gpg", "sq"):
        if shutil.which(tool) is None:
            ci = os.environ.get("CI", "").lower() in ("1", "true", "yes")
            print("%s not installed (scripts/install-deps): %s" % (tool, "FAIL" if ci else "skip"))
            return 1 if ci else 77
    with tempfile.TemporaryDirectory() as work:
        a = Admin(os.path.abspath(args.mixtasy), work)
        test_durations(a)
        test_mode(a)
        homes, whole = test_inspect_and_path(a)
        test_stats(a, homes[0], whole)
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("all admin checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
