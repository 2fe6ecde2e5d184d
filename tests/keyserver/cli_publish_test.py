#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""cli_publish_test: `mixtasy key publish`, `key wkd`, `key revoke` end to end.

    cli_publish_test.py MIXTASY_BINARY

A node key made by `mixtasy keygen` is published with `mixtasy key publish
--keyserver hkp://127.0.0.1:PORT --wkd-dir DIR` to hkp_server.py; real gpg
then fetches it (--recv-keys), and the WKD file sits where gpg-wks-client
says it belongs; `mixtasy key revoke` of a subkey and then of the key
reach gpg through the keyserver, and so does `mixtasy key mode` (the old
user ID revoked, the new one valid).  Exit codes: 1 for a bad URL, 75 for an unreachable
keyserver.  Label e2e: run under the shared MTA lock.
"""
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WKS = "/usr/lib/gnupg/gpg-wks-client"


def fail(msg):
    raise SystemExit("FAIL: " + msg)


def start_server(tmp):
    port_file = os.path.join(tmp, "port")
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, "hkp_server.py"), "--home",
                             os.path.join(tmp, "server"), "--port-file", port_file],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(300):
        if os.path.exists(port_file):
            return proc, int(open(port_file).read())
        time.sleep(0.1)
    proc.kill()
    fail("hkp_server did not start")


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def check(mixtasy, tmp, port):
    home = os.path.join(tmp, "node")
    r = subprocess.run([mixtasy, "keygen", "--home", home, "--address", "mixtasy@mix1.test",
                        "--modes", "middleman"], capture_output=True, text=True)
    if r.returncode != 0:
        fail("keygen: " + r.stderr)
    www = os.path.join(tmp, "www")
    r = subprocess.run([mixtasy, "key", "publish", "--home", home, "--keyserver",
                        "hkp://127.0.0.1:%d" % port, "--wkd-dir", www],
                       capture_output=True, text=True)
    if r.returncode != 0 or r.stdout.count("ok: ") != 2:
        fail("key publish: %d %s%s" % (r.returncode, r.stdout, r.stderr))
    gnupg = os.path.join(tmp, "gnupg")
    os.makedirs(gnupg, mode=0o700)
    try:
        r = subprocess.run(["gpg", "--homedir", gnupg, "--batch", "--keyserver",
                            "hkp://127.0.0.1:%d" % port, "--recv-keys", key_fpr(home, gnupg)],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail("gpg --recv-keys: " + r.stderr)
    finally:
        subprocess.run(["gpgconf", "--homedir", gnupg, "--kill", "all"], capture_output=True)
    h = subprocess.run([WKS, "--print-wkd-hash", "mixtasy@mix1.test"], capture_output=True,
                       text=True).stdout.split()[0]
    for path in (".well-known/openpgpkey/mix1.test/hu/" + h, ".well-known/openpgpkey/hu/" + h,
                 ".well-known/openpgpkey/policy", ".well-known/openpgpkey/mix1.test/policy"):
        if not os.path.exists(os.path.join(www, path)):
            fail("missing " + path)
    # gpg reads the WKD file as it would fetch it (binary key).
    wkd_home = os.path.join(tmp, "gnupg-wkd")
    os.makedirs(wkd_home, mode=0o700)
    r = subprocess.run(["gpg", "--homedir", wkd_home, "--batch", "--import",
                        os.path.join(www, ".well-known/openpgpkey/mix1.test/hu/" + h)],
                       capture_output=True, text=True)
    subprocess.run(["gpgconf", "--homedir", wkd_home, "--kill", "all"], capture_output=True)
    if r.returncode != 0 or "mixtasy@mix1.test" not in r.stderr:
        fail("gpg --import of the WKD file: " + r.stderr)
    out = os.path.join(tmp, "www2")
    r = subprocess.run([mixtasy, "key", "wkd", "--home", home, "--out", out], capture_output=True)
    if r.returncode != 0 or not os.path.exists(
            os.path.join(out, ".well-known/openpgpkey/mix1.test/hu/" + h)):
        fail("key wkd: %d" % r.returncode)
    check_dir_update(mixtasy, tmp, port)
    check_mode_change(mixtasy, home, gnupg, port)
    check_revoke(mixtasy, home, gnupg, port)
    for url, want in (("ldap://x", 1), ("hkp://127.0.0.1:%d" % closed_port(), 75)):
        r = subprocess.run([mixtasy, "key", "publish", "--home", home, "--keyserver", url],
                           capture_output=True)
        if r.returncode != want:
            fail("key publish %s: exit %d, want %d" % (url, r.returncode, want))


def check_dir_update(mixtasy, tmp, port):
    """A sender's `mixtasy dir update` finds the published mix by HKP search
    for the mix address scheme and keeps it in its directory."""
    conf = os.path.join(tmp, "client.conf")
    with open(conf, "w") as f:
        f.write("KeyServer hkp://127.0.0.1:%d\n" % port)
    directory = os.path.join(tmp, "directory")
    r = subprocess.run([mixtasy, "dir", "--dir", directory, "--config", conf, "update"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        fail("dir update: %d %s%s" % (r.returncode, r.stdout, r.stderr))
    r = subprocess.run([mixtasy, "dir", "--dir", directory, "--config", conf, "list"],
                       capture_output=True, text=True)
    if r.returncode != 0 or "mixtasy@mix1.test" not in r.stdout or "keyserver" not in r.stdout:
        fail("dir list after update: %d %s%s" % (r.returncode, r.stdout, r.stderr))


def colons(gnupg, *args):
    return subprocess.run(["gpg", "--homedir", gnupg, "--batch", "--with-colons"] + list(args),
                          capture_output=True, text=True).stdout.splitlines()


def check_mode_change(mixtasy, home, gnupg, port):
    """key mode, then key publish: gpg, which has the old user ID from the
    first publication, merges the upload and sees the old user ID revoked
    and the new one valid, on the same primary key."""
    ks = "hkp://127.0.0.1:%d" % port
    fpr = key_fpr(home, gnupg)
    time.sleep(1.1)  # the new signatures a second after the first self-signature
    try:
        r = subprocess.run([mixtasy, "key", "mode", "--home", home, "middleman,exitpublic"],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail("key mode: %d %s%s" % (r.returncode, r.stdout, r.stderr))
        r = subprocess.run([mixtasy, "key", "publish", "--home", home, "--keyserver", ks],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail("key publish after key mode: %d %s%s" % (r.returncode, r.stdout, r.stderr))
        subprocess.run(["gpg", "--homedir", gnupg, "--batch", "--keyserver", ks, "--recv-keys",
                        fpr], capture_output=True)
        uids = [l.split(":") for l in colons(gnupg, "--list-keys", fpr) if l.startswith("uid:")]
        revoked = [u[9] for u in uids if u[1] == "r"]
        valid = [u[9] for u in uids if u[1] != "r"]
        if len(revoked) != 1 or len(valid) != 1 or "exitpublic" not in valid[0]:
            fail("after key mode gpg sees user IDs %s" % uids)
    finally:
        subprocess.run(["gpgconf", "--homedir", gnupg, "--kill", "all"], capture_output=True)


def check_revoke(mixtasy, home, gnupg, port):
    """key revoke --subkey, then the whole key: gpg sees both on the keyserver."""
    ks = "hkp://127.0.0.1:%d" % port
    lines = colons(gnupg, "--show-keys", os.path.join(home, "public.asc"))
    sub = [lines[i + 1].split(":")[9] for i, l in enumerate(lines) if l.startswith("sub:")][0]
    fpr = key_fpr(home, gnupg)
    try:
        r = subprocess.run([mixtasy, "key", "revoke", "--home", home, "--subkey", sub,
                            "--keyserver", ks], capture_output=True, text=True)
        if r.returncode != 0:
            fail("key revoke --subkey: %d %s%s" % (r.returncode, r.stdout, r.stderr))
        subprocess.run(["gpg", "--homedir", gnupg, "--batch", "--keyserver", ks, "--recv-keys",
                        fpr], capture_output=True)
        if not any(l.startswith("sub:r:") for l in colons(gnupg, "--list-keys", fpr)):
            fail("gpg does not see the subkey revoked")
        r = subprocess.run([mixtasy, "key", "revoke", "--home", home, "--keyserver", ks],
                           capture_output=True, text=True)
        if r.returncode != 0:
            fail("key revoke: %d %s%s" % (r.returncode, r.stdout, r.stderr))
        subprocess.run(["gpg", "--homedir", gnupg, "--batch", "--keyserver", ks, "--recv-keys",
                        fpr], capture_output=True)
        if not any(l.startswith("pub:r:") for l in colons(gnupg, "--list-keys", fpr)):
            fail("gpg does not see the key revoked")
    finally:
        subprocess.run(["gpgconf", "--homedir", gnupg, "--kill", "all"], capture_output=True)


def key_fpr(home, gnupg):
    """The fingerprint of the node key, as gpg reads public.asc."""
    r = subprocess.run(["gpg", "--homedir", gnupg, "--batch", "--with-colons", "--show-keys",
                        os.path.join(home, "public.asc")], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        if line.startswith("fpr:"):
            return line.split(":")[9]
    fail("gpg cannot read public.asc")


def main():
    for tool in ("gpg", WKS):
        if not shutil.which(tool) and not os.path.exists(tool):
            print(tool + " missing")
            return 1 if os.environ.get("CI") == "true" else 77
    tmp = tempfile.mkdtemp(prefix="cli-publish-")
    server, port = start_server(tmp)
    try:
        check(sys.argv[1], tmp, port)
        print("ok: mixtasy key publish / key wkd")
        return 0
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
