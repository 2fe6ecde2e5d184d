#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""sks_server: Debian 12's sks (a real SKS keyserver) as a test keyserver.

    sks_server.py --home DIR [--port-file FILE]

The same interface as hkp_server.py.  sks keeps everything under one base
directory (-basedir) in the layout of /var/lib/sks, /etc/sks, /var/run/sks
and /var/log/sks; a start outside that layout fails with "Failure while
binding socket" because the directory of its command socket
(var/run/sks/db_com_sock) is missing.  This script builds that layout
under DIR, makes an empty key database (`sks build` of an empty dump) and
runs `sks db`, the HKP half (no reconciliation peer), on a free port of
127.0.0.1.
"""
import argparse
import os
import signal
import socket
import subprocess
import sys
import time


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def layout(base, port):
    for d in ("etc/sks", "var/lib/sks", "var/run/sks", "var/log/sks", "dump"):
        os.makedirs(os.path.join(base, d), exist_ok=True)
    with open(os.path.join(base, "etc/sks/sksconf"), "w") as f:
        f.write("hkp_address: 127.0.0.1\nhkp_port: %d\nrecon_address: 127.0.0.1\n"
                "recon_port: %d\n" % (port, free_port()))
    open(os.path.join(base, "etc/sks/membership"), "w").close()
    open(os.path.join(base, "dump/empty.pgp"), "w").close()
    subprocess.run(["sks", "build", os.path.join(base, "dump/empty.pgp"), "-n", "1", "-cache",
                    "2", "-basedir", base], check=True, capture_output=True, timeout=300)


def wait_listening(port, proc):
    for _ in range(200):
        if proc.poll() is not None:
            raise SystemExit("sks db exited with %d" % proc.returncode)
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit("sks db did not listen")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    base = os.path.abspath(args.home)
    port = free_port()
    layout(base, port)
    proc = subprocess.Popen(["sks", "db", "-basedir", base], stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    signal.signal(signal.SIGTERM, lambda *_: (proc.terminate(), sys.exit(0)))
    wait_listening(port, proc)
    if args.port_file:
        with open(args.port_file + ".tmp", "w") as f:
            f.write("%d\n" % port)
        os.rename(args.port_file + ".tmp", args.port_file)
    print(port, flush=True)
    try:
        proc.wait()
    finally:
        if proc.poll() is None:
            proc.terminate()


if __name__ == "__main__":
    main()
