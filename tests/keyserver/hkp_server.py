#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""hkp_server: a small HKP keyserver for tests (draft-gallagher-openpgp-hkp).

    hkp_server.py --home DIR [--port-file FILE] [--port N]

Serves on 127.0.0.1 (port 0 = any free port, written to --port-file once
listening):
  POST /pks/add       keytext=<armored key>: merged into the server's own
                      GNUPGHOME (DIR) with `gpg --import`, so, like every
                      real keyserver, it merges and never deletes: every
                      subkey ever uploaded stays in the key it serves.
  GET  /pks/lookup    op=get    -> the armored key(s) matching `search`
                      op=index  -> with options=mr, the machine-readable
                                   index of section 5.2; 404 when nothing
                                   matches, as the draft says.
Why gpg and not our own merge: the merge is the behaviour under test (the
subkey accumulation of issue 12), and gpg's is the one real servers share.
sks (Debian 12) was tried first; see README.md in this folder.
"""
import argparse
import http.server
import os
import subprocess
import sys
import tempfile
import threading
import urllib.parse

MAX_UPLOAD = 8 << 20
GPG_LOCK = threading.Lock()  # one gpg at a time on the server's home


def gpg(home, *args, data=None):
    cmd = ["gpg", "--homedir", home, "--batch", "--no-tty", "--no-autostart",
           "--no-options", "--quiet"] + list(args)
    with GPG_LOCK:
        return subprocess.run(cmd, input=data, capture_output=True, timeout=120)


def search_terms(search):
    """gpg names a key by 0x<key id or fingerprint> or by a user ID substring."""
    if search.lower().startswith("0x"):
        return [search[2:]]
    return [search]


def unescape_colons(text):
    """gpg --with-colons writes ':' and other bytes as \\xNN."""
    out = bytearray()
    raw = text.encode("utf-8", "surrogateescape")
    i = 0
    while i < len(raw):
        if raw[i:i + 2] == b"\\x" and i + 4 <= len(raw):
            out.append(int(raw[i + 2:i + 4], 16))
            i += 4
        else:
            out.append(raw[i])
            i += 1
    return bytes(out)


def machine_readable_index(colons):
    """gpg's colon listing -> HKP mr index lines (pub and uid)."""
    lines = []
    pub = None
    for line in colons.splitlines():
        f = line.split(":")
        if f[0] == "pub":
            pub = f
            continue
        if f[0] == "fpr" and pub is not None:
            flags = "r" if pub[1] == "r" else ("e" if pub[1] == "e" else "")
            lines.append("pub:%s:%s:%s:%s:%s:%s" % (f[9], pub[3], pub[2], pub[5], pub[6], flags))
            pub = None
            continue
        if f[0] == "uid":
            uid = urllib.parse.quote(unescape_colons(f[9]), safe="")
            flags = "r" if f[1] == "r" else ""
            lines.append("uid:%s:%s:%s:%s" % (uid, f[5], f[6], flags))
    count = sum(1 for l in lines if l.startswith("pub:"))
    return count, "info:1:%d\n" % count + "".join(l + "\n" for l in lines)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"
    home = None

    def log_message(self, fmt, *args):
        sys.stderr.write("hkp_server: " + fmt % args + "\n")

    def reply(self, status, body, ctype="text/plain"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self):
        if urllib.parse.urlsplit(self.path).path != "/pks/add":
            return self.reply(404, "not found\n")
        length = int(self.headers.get("Content-Length", "0"))
        if length <= 0 or length > MAX_UPLOAD:
            return self.reply(413, "bad length\n")
        form = urllib.parse.parse_qs(self.rfile.read(length).decode("ascii", "replace"))
        keytext = form.get("keytext", [""])[0]
        if "-----BEGIN PGP PUBLIC KEY BLOCK-----" not in keytext:
            return self.reply(400, "no keytext\n")
        r = gpg(self.home, "--import", data=keytext.encode())
        if r.returncode != 0:
            return self.reply(400, "import failed\n")
        return self.reply(200, "key merged\n")

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != "/pks/lookup":
            return self.reply(404, "not found\n")
        q = urllib.parse.parse_qs(url.query)
        op, search = q.get("op", [""])[0], q.get("search", [""])[0]
        if not search:
            return self.reply(400, "no search\n")
        if op == "get":
            r = gpg(self.home, "--armor", "--export", "--", *search_terms(search))
            if r.returncode != 0 or b"BEGIN PGP PUBLIC KEY BLOCK" not in r.stdout:
                return self.reply(404, "no key\n")
            return self.reply(200, r.stdout, "application/pgp-keys")
        if op == "index":
            r = gpg(self.home, "--with-colons", "--fixed-list-mode", "--with-fingerprint",
                    "--list-keys", "--", *search_terms(search))
            count, text = machine_readable_index(r.stdout.decode("utf-8", "replace"))
            if count == 0:
                return self.reply(404, "no keys\n")
            return self.reply(200, text)
        return self.reply(501, "op not implemented\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--home", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    args = ap.parse_args()
    os.makedirs(args.home, mode=0o700, exist_ok=True)
    Handler.home = args.home
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    port = server.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    print(port, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
