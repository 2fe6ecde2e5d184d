#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""wkd_https_test: real gpg finds the node key in the WKD tree we write.

    wkd_https_test.py MIXTASY_BINARY

`mixtasy keygen` makes a node key for mixtasy@mix1.test and `mixtasy key wkd`
writes its tree; a local HTTPS server with a certificate from a test CA made
here (openssl) serves that tree on 127.0.0.1:443, and
`gpg --auto-key-locate clear,wkd --locate-external-keys mixtasy@mix1.test`
must import the node key (same fingerprint as public.asc):
  advanced  openpgpkey.mix1.test resolves: gpg asks
            /.well-known/openpgpkey/mix1.test/hu/<hash>?l=mixtasy
  direct    only mix1.test resolves: gpg asks /.well-known/openpgpkey/hu/<hash>
  untrusted the certificate is from a CA not in the trust store: gpg imports
            nothing (so the two above prove that TLS was checked)
and the <hash> gpg asks for is the one `gpg-wks-client --print-wkd-hash` prints.

What it takes with Debian 12's gnupg 2.2.40 (found by trying):
  - WKD has no port in its URL, so the server binds 443, and the names must
    resolve to 127.0.0.1.  The test re-runs itself in a private network and
    mount namespace (`unshare --net --mount`, root; CI runs as root): its own
    loopback, and /etc/hosts and the trust store bind-mounted over from
    files in its temporary directory.  Nothing of the host is changed and
    everything goes away with the namespace, also on failure.
  - Names: dirmngr's own resolver (the default) reads /etc/hosts and then
    asks the nameservers of /etc/resolv.conf; the test's resolv.conf names
    127.0.0.1, where nothing listens in the namespace, so a name not in
    hosts is "not found" at once.  `standard-resolver` (getaddrinfo) does
    NOT work for the direct layout: the openpgpkey.<domain> check then
    fails with "Try again later" and gpg stops there, without trying the
    direct URL.  With the machine's resolv.conf the namespace has no route
    ("Network is unreachable").  `no-use-tor` keeps dirmngr from probing Tor.
  - For WKD, dirmngr (GnuTLS) trusts the system store only: `hkp-cacert`
    applies to hkps, and SSL_CERT_FILE is ignored.  GnuTLS's system store is
    /etc/ssl/certs/ca-certificates.crt, so the test CA is bind-mounted there
    (dirmngr logs "number of system provided CAs: 1").
  - dirmngr tries the advanced layout when openpgpkey.<domain> resolves,
    otherwise the direct one.
Exit 77 (skip) when not root or a tool is missing, 1 under CI=true.
Label e2e: run under the shared MTA lock.
"""
import functools
import http.server
import os
import shutil
import ssl
import subprocess
import sys
import tempfile
import threading

WKS = "/usr/lib/gnupg/gpg-wks-client"
TRUST_STORE = "/etc/ssl/certs/ca-certificates.crt"
ADDRESS = "mixtasy@mix1.test"
NAMES = ("mix1.test", "openpgpkey.mix1.test")


def fail(msg):
    raise SystemExit("FAIL: " + msg)


def run(*args, **kw):
    return subprocess.run(list(args), capture_output=True, text=True, **kw)


def make_ca(tmp, name):
    """A self-signed CA and a server certificate it signs for both names."""
    d = os.path.join(tmp, name)
    os.makedirs(d)
    p = lambda f: os.path.join(d, f)  # noqa: E731
    steps = [
        ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", p("ca.key"), "-out",
         p("ca.crt"), "-days", "2", "-subj", "/CN=mixtasy test CA " + name, "-addext",
         "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign"],
        ["req", "-newkey", "rsa:2048", "-nodes", "-keyout", p("srv.key"), "-out", p("srv.csr"),
         "-subj", "/CN=" + NAMES[0]],
        ["x509", "-req", "-in", p("srv.csr"), "-CA", p("ca.crt"), "-CAkey", p("ca.key"),
         "-CAcreateserial", "-out", p("srv.crt"), "-days", "2", "-extfile", p("ext")],
    ]
    with open(p("ext"), "w") as f:
        f.write("subjectAltName=" + ",".join("DNS:" + n for n in NAMES) + "\n"
                "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n")
    for step in steps:
        r = run("openssl", *step)
        if r.returncode != 0:
            fail("openssl %s: %s" % (step[0], r.stderr))
    return d


class Server:
    """HTTPS on 127.0.0.1:443 serving root; remembers the paths asked."""

    def __init__(self, root, cert_dir):
        self.paths = []
        outer = self

        class Handler(http.server.SimpleHTTPRequestHandler):
            def do_GET(self):
                outer.paths.append(self.path)
                super().do_GET()

            def log_message(self, *args):
                pass

        handler = functools.partial(Handler, directory=root)
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 443), handler)
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(os.path.join(cert_dir, "srv.crt"), os.path.join(cert_dir, "srv.key"))
        self.httpd.socket = ctx.wrap_socket(self.httpd.socket, server_side=True)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


def bind_file(tmp, name, content, target):
    src = os.path.join(tmp, name)
    with open(src, "w") as f:
        f.write(content)
    r = run("mount", "--bind", src, target)
    if r.returncode != 0:
        fail("mount --bind %s: %s" % (target, r.stderr))


def unbind(target):
    run("umount", target)


def fingerprints(gnupg, *args):
    out = run("gpg", "--homedir", gnupg, "--batch", "--with-colons", *args).stdout
    lines = out.splitlines()
    return [lines[i + 1].split(":")[9] for i, l in enumerate(lines)
            if l.startswith("pub:") and i + 1 < len(lines)]


def locate(tmp, case):
    """gpg --locate-external-keys in a fresh GNUPGHOME; its fingerprints."""
    gnupg = os.path.join(tmp, "gnupg-" + case)
    os.makedirs(gnupg, mode=0o700)
    with open(os.path.join(gnupg, "dirmngr.conf"), "w") as f:
        f.write("no-use-tor\nresolver-timeout 5\n")
    try:
        r = run("gpg", "--homedir", gnupg, "--batch", "--auto-key-locate", "clear,wkd",
                "--locate-external-keys", ADDRESS, timeout=60)
        return r, fingerprints(gnupg, "--list-keys")
    finally:
        run("gpgconf", "--homedir", gnupg, "--kill", "all")


def one_case(tmp, case, hosts, ca_dir, server_dir, www, want_path, want_fpr):
    bind_file(tmp, "hosts-" + case, "127.0.0.1 localhost " + " ".join(hosts) + "\n", "/etc/hosts")
    bind_file(tmp, "trust-" + case, open(os.path.join(ca_dir, "ca.crt")).read(), TRUST_STORE)
    server = Server(www, server_dir)
    try:
        r, fprs = locate(tmp, case)
    finally:
        server.close()
        unbind(TRUST_STORE)
        unbind("/etc/hosts")
    asked = [p.split("?")[0] for p in server.paths]
    if want_path is None:
        if fprs or asked:
            fail("%s: gpg imported %s, asked %s through an untrusted certificate" %
                 (case, fprs, asked))
        print("ok: %s: gpg refused (%s)" % (case, r.stderr.strip().splitlines()[-1:]), flush=True)
        return
    if r.returncode != 0 or fprs != [want_fpr]:
        fail("%s: gpg --locate-external-keys: %d %s, has %s" % (case, r.returncode, r.stderr,
                                                                   fprs))
    if want_path not in asked:
        fail("%s: gpg asked %s, not %s" % (case, asked, want_path))
    print("ok: %s: gpg imported %s from %s" % (case, want_fpr, want_path), flush=True)


def inside(mixtasy):
    if run("ip", "link", "set", "lo", "up").returncode != 0:
        fail("ip link set lo up")
    tmp = tempfile.mkdtemp(prefix="wkd-https-")
    try:
        # A nameserver that refuses at once: a name not in /etc/hosts is
        # "not found", which sends dirmngr to the direct layout.
        bind_file(tmp, "resolv.conf", "nameserver 127.0.0.1\n", "/etc/resolv.conf")
        home, www = os.path.join(tmp, "node"), os.path.join(tmp, "www")
        r = run(mixtasy, "keygen", "--home", home, "--address", ADDRESS, "--modes", "middleman")
        if r.returncode != 0:
            fail("keygen: " + r.stderr)
        r = run(mixtasy, "key", "wkd", "--home", home, "--out", www)
        if r.returncode != 0:
            fail("key wkd: " + r.stderr)
        probe = os.path.join(tmp, "gnupg-probe")
        os.makedirs(probe, mode=0o700)
        want_fpr = fingerprints(probe, "--show-keys", os.path.join(home, "public.asc"))[0]
        run("gpgconf", "--homedir", probe, "--kill", "all")
        h = run(WKS, "--print-wkd-hash", ADDRESS).stdout.split()[0]
        ca, other = make_ca(tmp, "ca"), make_ca(tmp, "other")
        one_case(tmp, "advanced", NAMES, ca, ca, www,
                 "/.well-known/openpgpkey/mix1.test/hu/" + h, want_fpr)
        one_case(tmp, "direct", NAMES[:1], ca, ca, www, "/.well-known/openpgpkey/hu/" + h,
                 want_fpr)
        one_case(tmp, "untrusted", NAMES, other, ca, www, None, want_fpr)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def missing():
    if os.geteuid() != 0:
        return "not root (the test needs its own network and mount namespace)"
    for tool in ("gpg", "gpgconf", "openssl", "unshare", "mount", "ip", WKS):
        if not shutil.which(tool) and not os.path.exists(tool):
            return tool + " missing"
    if not os.path.exists(TRUST_STORE):
        return TRUST_STORE + " missing (ca-certificates)"
    return None


def main():
    if len(sys.argv) == 3 and sys.argv[1] == "--inside":
        inside(sys.argv[2])
        return 0
    why = missing()
    if why:
        print(why)
        return 1 if os.environ.get("CI") == "true" else 77
    # --fork: the namespace (and every mount and server in it) ends with the child.
    return subprocess.run(["unshare", "--net", "--mount", "--propagation", "private", "--fork",
                           sys.executable, os.path.abspath(__file__), "--inside",
                           os.path.abspath(sys.argv[1])], timeout=300).returncode


if __name__ == "__main__":
    sys.exit(main())
