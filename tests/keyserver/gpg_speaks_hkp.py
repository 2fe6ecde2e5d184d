#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""gpg_speaks_hkp: real gpg against tests/keyserver/hkp_server.py
(or, with --sks, against Debian's sks through sks_server.py).

Proves the test keyserver speaks HKP as gpg (dirmngr) does: a key made by
gpg is sent with --send-keys (/pks/add), found from a second keyring with
--search-keys mixtasy@ (op=index, options=mr) and fetched with --recv-keys
(op=get).  Exit 0 on success, 1 on failure; under CI=true a missing gpg is
a failure, otherwise exit 77 (skip).  Run under the shared MTA lock (label
e2e): it starts a server and two dirmngr processes, and stops them all.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def run(home, *args, check=True):
    cmd = ["gpg", "--homedir", home, "--batch", "--no-tty", "--pinentry-mode", "loopback",
           "--passphrase", ""] + list(args)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    if check and r.returncode != 0:
        raise SystemExit("FAIL: %s\n%s%s" % (" ".join(args), r.stdout, r.stderr))
    return r


def start_server(tmp, script):
    port_file = os.path.join(tmp, "port")
    proc = subprocess.Popen([sys.executable, os.path.join(HERE, script), "--home",
                             os.path.join(tmp, "server"), "--port-file", port_file],
                            stdout=subprocess.DEVNULL)
    for _ in range(600):
        if os.path.exists(port_file):
            return proc, int(open(port_file).read())
        time.sleep(0.1)
    proc.kill()
    raise SystemExit("FAIL: hkp_server did not start")


def homes(tmp):
    out = []
    for name in ("alice", "bob"):
        home = os.path.join(tmp, name)
        os.makedirs(home, mode=0o700)
        out.append(home)
    return out


def check(tmp, port):
    ks = "hkp://127.0.0.1:%d" % port
    alice, bob = homes(tmp)
    for home in (alice, bob):
        with open(os.path.join(home, "dirmngr.conf"), "w") as f:
            f.write("keyserver %s\n" % ks)
    run(alice, "--quick-gen-key", "Mix One (mixtasy-mode:middleman) <mixtasy@mix1.test>",
        "ed25519", "sign", "1y")
    fpr = [l.split(":")[9] for l in run(alice, "--with-colons", "--list-keys").stdout.splitlines()
           if l.startswith("fpr:")][0]
    run(alice, "--keyserver", ks, "--send-keys", fpr)
    # In batch mode gpg lists the hits, then fails for want of a menu choice.
    found = run(bob, "--keyserver", ks, "--search-keys", "mixtasy@", check=False)
    if fpr[-16:] not in (found.stdout + found.stderr).upper():
        raise SystemExit("FAIL: --search-keys did not list %s:\n%s%s" % (fpr, found.stdout,
                                                                      found.stderr))
    run(bob, "--keyserver", ks, "--recv-keys", fpr)
    listed = run(bob, "--with-colons", "--list-keys", fpr).stdout
    if "mixtasy@mix1.test" not in listed:
        raise SystemExit("FAIL: --recv-keys did not import the key")
    return alice, bob


def main():
    script = "sks_server.py" if "--sks" in sys.argv else "hkp_server.py"
    for tool in ["gpg"] + (["sks"] if script == "sks_server.py" else []):
        if not shutil.which(tool):
            print(tool + " missing")
            return 1 if os.environ.get("CI") == "true" else 77
    tmp = tempfile.mkdtemp(prefix="hkp-gpg-")
    server, port = start_server(tmp, script)
    try:
        check(tmp, port)
        print("ok: gpg --send-keys, --search-keys mixtasy@ and --recv-keys over hkp://127.0.0.1:%d"
              % port)
        return 0
    finally:
        for name in ("alice", "bob"):
            subprocess.run(["gpgconf", "--homedir", os.path.join(tmp, name), "--kill", "all"],
                           capture_output=True)
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
