# SPDX-License-Identifier: BSD-2-Clause
"""network.py - a Mixtasy network of real mail servers on this machine, for
the multi-node end-to-end tests (network_e2e.py, network_anonymity.py) and,
later, the demo.

WHAT IT DOES
  Network(spec, ...).start() builds, under one temporary directory:
    - N mix nodes mix1.test .. mixN.test, each a real MTA (a private Postfix,
      postfix_instance.py, or Debian's unpacked Sendmail,
      sendmail_instance.py) with its own spool and configuration, its own
      `mixtasy-milter` (the built daemon), key home (`mixtasy keygen`) and
      SQLite store;
    - one more Postfix, the recipient's provider recipient.test, that stores
      every message for its domain in one Maildir;
    - an "outside" SMTP sink (smtp_sink.py) that every MTA relays unrouted
      mail to, so nothing ever leaves the machine and a test can assert that
      nothing went astray.
  Name resolution is the harness's own, never DNS: node K listens on
  127.0.1.K and the provider on 127.0.1.200, all on one port (the outside
  sink's, free on every loopback address); Postfix routes by a transport map
  and Sendmail by a mailertable, both `domain -> [127.0.1.K]:port`.  Each
  node also listens on a port of 127.0.0.1 for the harness (smtp_port).
  Keys: each node's public key goes into every other node's mixes.asc (the
  mixes its dummies cross) and into the sender's key ring, by one function
  (Network.distribute_keys, default export_keys_by_cli) that a keyserver
  can replace.
  Timers are short: the pool flushes every pool_interval seconds with no
  minimum pool, MTAs retry deferred mail every second or two.
  capture=True puts an SMTP tee (smtp_tee.py) between each daemon and its
  MTA's reinjection port: Network.captured(node) is what that node sent.
  scan_node_files() reads the raw bytes of a node's database, -wal, -shm and
  daemon log (the default log level) and reports which given strings occur.

WHAT IT GUARANTEES
  Everything started is stopped by stop(): on normal exit of a `with` block,
  on an exception, at interpreter exit (atexit) and on SIGINT/SIGTERM
  (which raise KeyboardInterrupt/SystemExit so `finally` blocks run).  The
  temporary tree is removed unless keep=True.  Nothing listens outside
  127.0.0.0/8; no route points outside this machine.

WHAT IT REFUSES
  A spec with fewer than one node or more than 99, an MTA other than
  postfix or sendmail (NetworkError).  Running needs root (private MTAs).
"""
import atexit
import errno
import fcntl
import grp
import os
import pwd
import random
import re
import shlex
import shutil
import signal
import smtplib
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time

from e2e_common import Failure, log, wait_for
from postfix_instance import Postfix
from sendmail_instance import DEFAULT_SENDMAIL_ROOT, Sendmail
from smtp_sink import SmtpSink
from smtp_tee import SmtpTee

RECIPIENT_DOMAIN = "recipient.test"
# The network of issue 14: Postfix on mix1, mix2 and mix4, Sendmail on mix3
# and mix5.
FIVE_NODES = ["postfix", "postfix", "sendmail", "postfix", "sendmail"]
RECIPIENT_ADDRESS_OCTET = 200
MAX_NODES = 99
DAEMON_START_SECONDS = 30
MTA_DRAIN_SECONDS = 120
SKIP = 77  # ctest's SKIP_RETURN_CODE, never used under CI=true
HERE = os.path.dirname(os.path.abspath(__file__))
HKP_SERVER = os.path.join(HERE, "..", "keyserver", "hkp_server.py")
KEYSERVER_START_SECONDS = 30
DIRECTORY_SECONDS = 90  # every daemon's mixes.asc lists every other node
# The MTA retry backoff and the daemons' own resend backoff (PoolRetryBase,
# PoolRetryMax): a restarted MTA is retried within seconds.
POOL_RETRY_CONF = ("PoolRetryBase 1s", "PoolRetryMax 4s")
# Ports the harness reserves for its listeners: below Linux's ephemeral range
# (32768-60999), so no connect() or bind(0) of another process is given one.
PORT_RANGE = (20000, 32000)
PORT_LOCK_DIR = "/tmp/mixtasy-ports"


class NetworkError(Failure):
    pass


class PortReservation:
    """Ports for the harness's listeners, free and kept: a port checked free
    and handed to an MTA later could be taken by another process in
    between (the old free_port race).  Each port comes from PORT_RANGE,
    below the kernel's ephemeral range, so no bind(0) or outgoing connection
    of any process is given it, and is held by an flock on
    PORT_LOCK_DIR/<port> until release(), so no other harness (another
    engineer's test, a second network in this process) picks it either."""

    def __init__(self):
        self._locks = {}
        self._rnd = random.Random(os.getpid() ^ int(time.time() * 1000))

    def take(self, addresses=("127.0.0.1",)):
        os.makedirs(PORT_LOCK_DIR, mode=0o1777, exist_ok=True)
        for _ in range(2000):
            port = self._rnd.randrange(*PORT_RANGE)
            if port in self._locks or not self._lock(port):
                continue
            if all(_bindable(a, port) for a in addresses):
                return port
            self._unlock(port)
        raise NetworkError("no free port in %d..%d" % PORT_RANGE)

    def _lock(self, port):
        fd = os.open(os.path.join(PORT_LOCK_DIR, str(port)), os.O_RDWR | os.O_CREAT, 0o666)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as e:
            os.close(fd)
            if e.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                return False
            raise
        self._locks[port] = fd
        return True

    def _unlock(self, port):
        os.close(self._locks.pop(port))

    def release(self):
        for port in list(self._locks):
            self._unlock(port)


def _bindable(address, port):
    s = socket.socket()
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind((address, port))
        return True
    except OSError:
        return False
    finally:
        s.close()


class KeyServer:
    """The network's keyserver: tests/keyserver/hkp_server.py on 127.0.0.1,
    where every daemon publishes its key (KeyServer) and refreshes its
    mixes.asc from (MixDirectoryRefresh), and the sender runs `mixtasy dir
    update` against.  It binds its own port (port 0) and reports it."""

    def __init__(self, root):
        self.root = root
        self.proc = None
        self.port = None

    def start(self):
        os.makedirs(self.root, exist_ok=True)
        port_file = os.path.join(self.root, "port")
        self.log = open(os.path.join(self.root, "hkp_server.log"), "ab")
        self.proc = subprocess.Popen([sys.executable, HKP_SERVER, "--home", os.path.join(self.root, "gnupg"),
                                      "--port-file", port_file], stdout=self.log, stderr=self.log)

        def up():
            if self.proc.poll() is not None:
                raise NetworkError("hkp_server exited: " + open(self.log.name, errors="replace").read()[-2000:])
            return os.path.exists(port_file)
        wait_for(up, KEYSERVER_START_SECONDS, "the network's keyserver")
        self.port = int(open(port_file).read())
        return self

    @property
    def url(self):
        return "hkp://127.0.0.1:%d" % self.port

    def running(self):
        return self.proc is not None and self.proc.poll() is None

    def stop(self):
        if self.running():
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.log.close()


def loopback_address(octet):
    return "127.0.1.%d" % octet


def set_main_cf(etc, **params):
    """Sets Postfix main.cf parameters in place (one line each, so postfix
    never warns about an overridden entry)."""
    path = os.path.join(etc, "main.cf")
    text = open(path).read()
    for name, value in params.items():
        line = "%s = %s" % (name, value)
        pattern = re.compile(r"^%s\s*=.*$" % re.escape(name), re.M)
        text, n = pattern.subn(line, text)
        if n == 0:
            text += line + "\n"
    with open(path, "w") as f:
        f.write(text)


def main_cf_value(etc, name):
    """The value main.cf sets for `name` ("" when it sets none)."""
    m = re.search(r"^%s\s*=\s*(.*)$" % re.escape(name), open(os.path.join(etc, "main.cf")).read(), re.M)
    return m.group(1).strip() if m else ""


def append_master_cf(etc, lines):
    with open(os.path.join(etc, "master.cf"), "a") as f:
        f.write(lines)


def stop_all(things):
    """Stops every server at once, one thread each, and returns when all
    are down: a daemon takes ~3 s to exit and an MTA ~2 s, so one after
    another the teardown of five nodes took 24 s of each test, at once ~3 s.
    A failure to stop one is logged and does not keep the rest running."""
    def stop(thing):
        try:
            thing.stop()
        except Exception as e:  # keep stopping the rest
            log("     stopping %r: %s" % (thing, e))
    threads = [threading.Thread(target=stop, args=(thing,)) for thing in things]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def with_defaults(defaults, lines):
    """lines after those of defaults whose key they do not give again: the
    daemon refuses a key given twice, and a test may set its own retry."""
    given = {line.split()[0] for line in lines if line.split()}
    return [d for d in defaults if d.split()[0] not in given] + list(lines)


class MixDaemon:
    """One node's mixtasy-milter in the foreground, logging at the default
    level to a file (what a seized node's log would hold)."""

    def __init__(self, binary, root, home, milter_port, reinject_port, pool_interval, extra_conf, helo):
        # helo: the EHLO name of the reinjection (libcurl takes it from the
        # URL path; without it, it says the machine's host name).
        self.binary = binary
        self.port = milter_port
        self.conf = os.path.join(root, "milter.conf")
        self.logfile = os.path.join(root, "milter.log")
        self.database = os.path.join(home, "node.db")
        # AllowRoot: the harness runs as root and has no mix user to become.
        with open(self.conf, "w") as f:
            f.write(f"""Socket inet:{milter_port}@127.0.0.1
Home {home}
Database {self.database}
PoolInterval {pool_interval}
PoolMinMessages 0
PoolFraction 1
ReinjectURL smtp://127.0.0.1:{reinject_port}/{helo}
Syslog no
AllowRoot yes
""" + "".join(line + "\n" for line in with_defaults(POOL_RETRY_CONF, extra_conf)))
        self.proc = None

    def start(self):
        with open(self.logfile, "ab") as out:
            self.proc = subprocess.Popen([self.binary, "-f", "-c", self.conf], stdout=out, stderr=out)

        def up():
            if self.proc.poll() is not None:
                raise NetworkError("daemon exited: " + open(self.logfile, errors="replace").read()[-2000:])
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return True
            except OSError:
                return False
        wait_for(up, DAEMON_START_SECONDS, "milter socket %d" % self.port)

    def reload(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGUSR1)

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode if self.proc else None


class MixNode:
    def __init__(self, index, mta_kind, ports):
        self.index = index
        self.name = "mix%d" % index
        self.domain = self.name + ".test"
        self.address = "mixtasy@" + self.domain
        self.mta_kind = mta_kind
        self.loop_address = loopback_address(index)
        self.smtp_port = ports.take()
        self.milter_port = ports.take()
        self.reinject_port = ports.take()
        self.mix_in_port = ports.take()  # Postfix nodes: the shipped mixtasy-in route
        self.root = self.home = None
        self.mta = self.daemon = self.tee = None


class RecipientProvider:
    """recipient.test: a Postfix without milter that puts every message for
    its domain into one Maildir (Postfix's virtual(8), as nobody)."""

    def __init__(self, root, port, outside_port, ports):
        self.root = root
        self.loop_address = loopback_address(RECIPIENT_ADDRESS_OCTET)
        self.smtp_port = ports.take()
        self.mail_base = os.path.join(root, "mail")
        self.maildir = os.path.join(self.mail_base, "inbox")
        self.mta = Postfix(root, self.smtp_port, ports.take(), ports.take(), outside_port)
        os.makedirs(self.mail_base)
        shutil.chown(self.mail_base, "nobody", "nogroup")
        uid = str(pwd.getpwnam("nobody").pw_uid)
        gid = str(grp.getgrnam("nogroup").gr_gid)
        set_main_cf(self.mta.etc, myhostname="mx." + RECIPIENT_DOMAIN, mydomain=RECIPIENT_DOMAIN,
                    myorigin=RECIPIENT_DOMAIN, smtpd_milters="", milter_default_action="accept",
                    virtual_mailbox_domains=RECIPIENT_DOMAIN, virtual_mailbox_base=self.mail_base,
                    virtual_mailbox_maps="static:inbox/", virtual_uid_maps="static:" + uid,
                    virtual_gid_maps="static:" + gid, virtual_minimum_uid="1")
        append_master_cf(self.mta.etc, "%s:%d inet n - n - - smtpd\n"
                         "virtual unix - n n - - virtual\n" % (self.loop_address, port))

    def route_mixes(self, routes, port):
        """Makes the provider the sender's smarthost too: mail for a mix
        domain goes to that node (the sender's `mixtasy send` hands its
        first hop to the provider when no node is named)."""
        transport = os.path.join(self.root, "transport")
        with open(transport, "w") as f:
            for domain, address in routes.items():
                if domain != RECIPIENT_DOMAIN:
                    f.write("%s smtp:[%s]:%d\n" % (domain, address, port))
        set_main_cf(self.mta.etc, transport_maps="texthash:" + transport)

    def messages(self):
        """Every message delivered so far, as bytes (Maildir new/ and cur/)."""
        out = []
        for sub in ("new", "cur"):
            d = os.path.join(self.maildir, sub)
            if os.path.isdir(d):
                for name in sorted(os.listdir(d)):
                    with open(os.path.join(d, name), "rb") as f:
                        out.append(f.read())
        return out


def mta_pid(mta):
    """The pid of a Postfix master or Sendmail daemon, from its pid file."""
    path = mta.pid_file if isinstance(mta, Sendmail) else os.path.join(mta.root, "spool", "pid", "master.pid")
    try:
        return int(open(path).readline().strip())
    except (OSError, ValueError):
        return None


def export_keys_by_cli(network):
    """Key distribution by `mixtasy key export` of each home: every node's
    mixes.asc gets the other nodes' keys, the sender's key ring all of them.
    The keyserver of the publication work replaces this function."""
    exported = {}
    for node in network.nodes:
        r = subprocess.run([network.mixtasy, "key", "export", "--home", node.home], capture_output=True)
        if r.returncode != 0:
            raise NetworkError("mixtasy key export %s: %s" % (node.name, r.stderr.decode(errors="replace")))
        exported[node.address] = r.stdout
    for node in network.nodes:
        others = b"".join(k for a, k in exported.items() if a != node.address)
        with open(os.path.join(node.home, "mixes.asc"), "wb") as f:
            f.write(others if network.dummies else b"")
    with open(network.sender_keyring, "wb") as f:
        f.write(b"".join(exported.values()))


class Network:
    """spec: the MTA of each node in order, e.g. ["postfix", "postfix",
    "sendmail", "postfix"] for mix1..mix4."""

    def __init__(self, spec, daemon, mixtasy, sendmail_root=DEFAULT_SENDMAIL_ROOT, pool_interval=1,
                 dummies=True, capture=False, keep=False, extra_conf=(),
                 distribute_keys=None, modes="middleman,exitpublic", refresh_interval=5):
        if not 1 <= len(spec) <= MAX_NODES:
            raise NetworkError("a network has 1..%d nodes, not %d" % (MAX_NODES, len(spec)))
        for kind in spec:
            if kind not in ("postfix", "sendmail"):
                raise NetworkError("unknown MTA %r" % kind)
        self.spec = list(spec)
        self.daemon_binary = daemon
        self.mixtasy = mixtasy
        self.sendmail_root = sendmail_root
        self.pool_interval = pool_interval
        self.dummies = dummies
        self.capture = capture
        self.keep = keep
        self.extra_conf = list(extra_conf)
        # None: the real publication path (a keyserver, the daemons'
        # KeyServer and MixDirectoryRefresh, the sender's `mixtasy dir
        # update`); a function (export_keys_by_cli) copies files instead.
        self.distribute_keys = distribute_keys
        self.refresh_interval = refresh_interval
        self.modes = modes
        self.keyserver = None
        self.ports = PortReservation()
        self.root = None
        self.nodes = []
        self.recipient = None
        self.outside = None
        self._running = []  # things with stop(), in start order
        self._stopped = False
        self._old_handlers = {}

    # --- lifetime -------------------------------------------------------
    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        self._install_cleanup()
        try:
            return self._start_all()
        except BaseException:
            self.stop()
            raise

    def _start_all(self):
        t0 = time.time()
        self.root = tempfile.mkdtemp(prefix="mixtasy-network-")
        os.chmod(self.root, 0o755)
        self.sender_keyring = os.path.join(self.root, "sender-keyring.asc")
        self.sender_root = os.path.join(self.root, "sender")
        self.sender_dir = os.path.join(self.sender_root, "directory")
        os.makedirs(self.sender_root)
        self.outside = SmtpSink(os.path.join(self.root, "outside")).start()
        self._running.append(self.outside)
        if self.distribute_keys is None:
            self.keyserver = KeyServer(os.path.join(self.root, "keyserver"))
            self._start(self.keyserver)
            self.extra_conf = ["KeyServer " + self.keyserver.url,
                               "MixDirectoryRefresh %ds" % (self.refresh_interval if self.dummies else 0)
                               ] + self.extra_conf
        self.nodes = [MixNode(i + 1, kind, self.ports) for i, kind in enumerate(self.spec)]
        self.port = self.outside.port
        # One SMTP port for every node: the outside sink's, which is free on
        # every loopback address while the sink holds it on 127.0.0.1.
        self._check_port_free([n.loop_address for n in self.nodes] +
                              [loopback_address(RECIPIENT_ADDRESS_OCTET)])
        self.recipient = RecipientProvider(os.path.join(self.root, "recipient"), self.port, self.outside.port,
                                           self.ports)
        self.recipient.route_mixes(self.routes(), self.port)
        for node in self.nodes:
            self._make_node(node)
        if self.distribute_keys is not None:
            self.distribute_keys(self)
        self._start(self.recipient.mta)
        for node in self.nodes:
            self._start(node.daemon)
            self._start(node.mta)
        started = time.time()
        if self.distribute_keys is None:
            self._await_published_network()
            log("     keys published, every daemon's mixes.asc complete and the sender's directory "
                "updated %.1f s after the last node started" % (time.time() - started))
        log("     network up in %s (%.1f s): %s, provider %s, SMTP port %d" % (
            self.root, time.time() - t0, ", ".join("%s (%s)" % (n.domain, n.mta_kind) for n in self.nodes),
            RECIPIENT_DOMAIN, self.port))
        return self

    # --- keys through the publication path ----------------------------
    def known_mix_count(self, node):
        """How many mixes node's mixes.asc holds (its daemon's view; the
        refresh writes one key block per mix, never the node's own)."""
        path = os.path.join(node.home, "mixes.asc")
        data = open(path, "rb").read() if os.path.exists(path) else b""
        return data.count(b"-----BEGIN PGP PUBLIC KEY BLOCK-----")

    def _await_published_network(self):
        """Every daemon published at start (KeyServer); waits until each one's
        refresh (MixDirectoryRefresh) wrote every other node into its
        mixes.asc, then the sender runs `mixtasy dir update`."""
        if self.dummies:
            def complete():
                return all(self.known_mix_count(n) == len(self.nodes) - 1 for n in self.nodes)
            try:
                wait_for(complete, DIRECTORY_SECONDS, "every daemon's mixes.asc to list the other nodes")
            except Failure as e:
                raise NetworkError("%s (mixes known: %s)" % (e, ", ".join(
                    "%s %d" % (n.name, self.known_mix_count(n)) for n in self.nodes)))
        self.write_sender_config()
        self.dir_update()

    def sender_config(self, via=None):
        """The sender's client configuration: keys from the network's
        keyserver, submission by SMTP to `via` (a node: its harness port) or
        else to the provider (the sender's smarthost), or by `sendmail -C`
        of a Sendmail node (via=("sendmail", node))."""
        name = "mixtasy.conf" if via is None else "mixtasy-%s.conf" % (
            via[1].name + "-sendmail" if isinstance(via, tuple) else via.name)
        return os.path.join(self.sender_root, name)

    def write_sender_config(self):
        common = "KeyServer %s\nEnvelopeSender alice@sender.test\nSenderDomain sender.test\n" % self.keyserver.url
        with open(self.sender_config(), "w") as f:
            f.write(common + "SmtpUrl smtp://127.0.0.1:%d\nSmtpTls none\n" % self.recipient.smtp_port)
        for node in self.nodes:
            with open(self.sender_config(node), "w") as f:
                f.write(common + "SmtpUrl smtp://127.0.0.1:%d\nSmtpTls none\n" % node.smtp_port)
            if node.mta_kind == "sendmail":
                wrapper = os.path.join(self.sender_root, "sendmail-%s" % node.name)
                # The node's own host name (Sendmail.command): without it every
                # call sleeps 60 s on the machine's unqualified name.
                with open(wrapper, "w") as f:
                    f.write("#!/bin/sh\nexec %s \"$@\"\n" % " ".join(shlex.quote(a) for a in node.mta.command()))
                os.chmod(wrapper, 0o755)
                with open(self.sender_config(("sendmail", node)), "w") as f:
                    f.write(common + "Sendmail %s\n" % wrapper)

    def dir_update(self):
        """`mixtasy dir update` of the sender; its keys.asc is the sender's
        key ring (sender_keyring, for `mixtasy create`)."""
        r = subprocess.run([self.mixtasy, "dir", "--dir", self.sender_dir, "--config", self.sender_config(),
                            "update"], capture_output=True, text=True)
        if r.returncode != 0:
            raise NetworkError("mixtasy dir update: %s%s" % (r.stdout, r.stderr))
        shutil.copyfile(os.path.join(self.sender_dir, "keys.asc"), self.sender_keyring)
        return r.stdout

    def _check_port_free(self, addresses):
        for a in addresses:
            s = socket.socket()
            try:
                s.bind((a, self.port))
            except OSError:
                raise NetworkError("port %d is taken on %s" % (self.port, a))
            finally:
                s.close()

    def _start(self, thing):
        self._running.append(thing)
        thing.start()

    def stop(self):
        if self._stopped:
            return
        self._stopped = True
        # A second Ctrl-C must not cut the cleanup short.
        for sig in self._old_handlers:
            signal.signal(sig, signal.SIG_IGN)
        stop_all(reversed(self._running))
        self._running = []
        self.ports.release()
        for sig, handler in self._old_handlers.items():
            signal.signal(sig, handler)
        if self.root and not self.keep:
            shutil.rmtree(self.root, ignore_errors=True)
        elif self.root:
            log("     network tree kept in %s" % self.root)

    def _install_cleanup(self):
        atexit.register(self.stop)

        def on_signal(signum, _frame):
            raise SystemExit(128 + signum) if signum == signal.SIGTERM else KeyboardInterrupt()
        for sig in (signal.SIGINT, signal.SIGTERM):
            self._old_handlers[sig] = signal.signal(sig, on_signal)

    # --- one node -------------------------------------------------------
    def routes(self):
        """domain -> loopback address, the network's whole name resolution."""
        table = {n.domain: n.loop_address for n in self.nodes}
        table[RECIPIENT_DOMAIN] = self.recipient.loop_address
        return table

    def _make_node(self, node):
        node.root = os.path.join(self.root, node.name)
        node.home = os.path.join(node.root, "home")
        os.makedirs(node.home)
        r = subprocess.run([self.mixtasy, "keygen", "--home", node.home, "--address", node.address,
                            "--name", "Test mix %d" % node.index, "--modes", self.modes],
                           capture_output=True, text=True)
        if r.returncode != 0:
            raise NetworkError("mixtasy keygen %s: %s" % (node.name, r.stderr.strip()))
        reinject = node.reinject_port
        if self.capture:
            node.tee = SmtpTee(os.path.join(node.root, "sent"), node.reinject_port)
            self._start(node.tee)
            reinject = node.tee.port
        node.daemon = MixDaemon(self.daemon_binary, node.root, node.home, node.milter_port, reinject,
                                self.pool_interval, self.extra_conf, node.domain)
        if node.mta_kind == "postfix":
            node.mta = self._postfix_node(node)
        else:
            node.mta = self._sendmail_node(node)

    def _postfix_node(self, node):
        # Wired as `setup postfix` wires a real node (conf/postfix-*.snippet):
        # the node's mix and service addresses reach the daemon only through
        # the mixtasy-in route, whose map comes before the network's routes.
        mta = Postfix(node.root, node.smtp_port, node.reinject_port, node.milter_port, self.outside.port,
                      wiring="snippets", mix_in_port=node.mix_in_port, mix_domain=node.domain)
        transport = os.path.join(node.root, "transport")
        with open(transport, "w") as f:
            for domain, address in self.routes().items():
                f.write("%s smtp:[%s]:%d\n" % (domain, address, self.port))
        route = main_cf_value(mta.etc, "transport_maps")
        set_main_cf(mta.etc, myhostname=node.domain, mydomain=node.domain, myorigin=node.domain,
                    transport_maps=route + ", texthash:" + transport)
        append_master_cf(mta.etc, "%s:%d inet n - n - - smtpd\n" % (node.loop_address, self.port))
        return mta

    def _sendmail_node(self, node):
        if not Sendmail.available(self.sendmail_root):
            raise NetworkError("no sendmail unpacked in %s (scripts/install-deps does it)" % self.sendmail_root)
        # The MTA's own name is mx.<mix domain>: Sendmail counts its own name
        # as local and would refuse mixtasy@ as an unknown local user.
        table = os.path.join(node.root, "mailertable")
        # The map lives below /tmp (world-writable): tell Sendmail that is fine.
        extra = ("define(`confDONT_BLAME_SENDMAIL', `MapInUnsafeDirPath')dnl\n"
                 f"FEATURE(`mailertable', `hash {table}')dnl\n"
                 f"DAEMON_OPTIONS(`Name=MIX, Addr={node.loop_address}, Port={self.port}')dnl\n")
        mta = Sendmail(self.sendmail_root, node.root, node.smtp_port, node.reinject_port, node.milter_port,
                       self.port, hostname="mx." + node.domain, extra_mc=extra)
        entries = "".join("%s esmtp:[%s]\n" % (d, a) for d, a in self.routes().items())
        makemap = os.path.join(self.sendmail_root, "usr/sbin/makemap")
        r = subprocess.run([makemap, "-C", mta.cf, "hash", table], input=entries.encode(), capture_output=True)
        if r.returncode != 0:
            raise NetworkError("makemap: " + r.stderr.decode(errors="replace"))
        return mta

    # --- what tests ask -------------------------------------------------
    def node(self, name):
        return next(n for n in self.nodes if n.name == name or n.domain == name or n.address == name)

    def reload_daemons(self):
        for node in self.nodes:
            node.daemon.reload()

    def stop_dummies(self):
        """Stops the keyserver (so no refresh writes mixes.asc again),
        empties every mixes.asc, dates it to 1970 (a stale directory: the
        next-hop check lets forwards on their way pass) and reloads the
        daemons: no new cover traffic from now on (what is already on its
        way still arrives)."""
        if self.keyserver:
            self.keyserver.stop()
        for attempt in range(2):  # a refresh that fetched before the stop may still write once
            for node in self.nodes:
                path = os.path.join(node.home, "mixes.asc")
                open(path, "wb").close()
                os.utime(path, (0, 0))
            self.reload_daemons()
            if attempt == 0:
                time.sleep(1)

    def pool_count(self, node):
        """Rows node's pool still has to send (pooled or being sent), read
        from its database beside the running daemon; None if unreadable."""
        try:
            db = sqlite3.connect("file:%s?mode=ro" % node.daemon.database, uri=True, timeout=5)
            try:
                return db.execute("SELECT count(*) FROM pool WHERE state IN ('pooled', 'sending')").fetchone()[0]
            finally:
                db.close()
        except sqlite3.Error:
            return None

    def pools_empty(self):
        return all(self.pool_count(n) == 0 for n in self.nodes)

    def queues_empty(self):
        mtas = [n.mta for n in self.nodes] + [self.recipient.mta]
        return all(m.in_flight() == 0 for m in mtas)

    def wait_quiet(self, rounds=3, timeout=MTA_DRAIN_SECONDS):
        """Waits until every pool and every MTA queue is empty for `rounds`
        pool intervals in a row (pools drain each round: PoolMinMessages 0,
        fraction 1, the final flush with the threshold at zero)."""
        end = time.time() + timeout
        quiet_since = None
        while time.time() < end:
            if self.pools_empty() and self.queues_empty():
                quiet_since = quiet_since or time.time()
                if time.time() - quiet_since >= rounds * self.pool_interval + 1:
                    return
            else:
                quiet_since = None
            time.sleep(0.5)
        raise NetworkError("pools and MTA queues did not empty within %d s (pools: %s)" % (
            timeout, ", ".join("%s %s" % (n.name, self.pool_count(n)) for n in self.nodes)))

    def stop_daemons(self):
        """SIGTERM to every daemon (their stores and logs then hold still)."""
        statuses = {}
        for node in self.nodes:
            statuses[node.name] = node.daemon.stop()
        return statuses

    def pids(self):
        """Process ids of every daemon and MTA master the network runs, and
        of its keyserver."""
        out = [self.keyserver.proc.pid] if self.keyserver and self.keyserver.running() else []
        for node in self.nodes:
            if node.daemon and node.daemon.proc:
                out.append(node.daemon.proc.pid)
        for mta in [n.mta for n in self.nodes] + [self.recipient.mta if self.recipient else None]:
            pid = mta_pid(mta) if mta else None
            if pid:
                out.append(pid)
        return out

    def captured(self, node):
        return node.tee.messages() if node.tee else []

    def outside_count(self):
        return self.outside.count()

    def node_files(self, node):
        db = node.daemon.database
        return [db, db + "-wal", db + "-shm", node.daemon.logfile]

    def scan_node_files(self, needles):
        """{(node, file): [needles found]} over the raw bytes of each node's
        database, -wal, -shm and default-level daemon log; case-insensitive.
        needles: a list of strings, or a function node -> list (a node's own
        address may be on its own disk).  Files that do not exist are
        skipped (a checkpointed WAL may be gone)."""
        found = {}
        for node in self.nodes:
            wanted = needles(node) if callable(needles) else needles
            lowered = [(n, n.lower().encode()) for n in wanted]
            for path in self.node_files(node):
                if not os.path.exists(path):
                    continue
                data = open(path, "rb").read().lower()
                hits = [n for n, b in lowered if b in data]
                if hits:
                    found[(node.name, os.path.basename(path))] = hits
        return found

    def dump_logs(self, tail=3000):
        for node in self.nodes:
            for path in (node.daemon.logfile, os.path.join(node.root, node.mta.log_name)):
                if os.path.exists(path):
                    log("--- %s %s (tail)" % (node.name, os.path.basename(path)))
                    log(open(path, errors="replace").read()[-tail:])
        p = os.path.join(self.recipient.root, self.recipient.mta.log_name)
        if os.path.exists(p):
            log("--- recipient %s (tail)" % os.path.basename(p))
            log(open(p, errors="replace").read()[-tail:])


# --- prerequisites ------------------------------------------------------
def missing_prerequisite(daemon, mixtasy, sendmail_root):
    """What this machine lacks to run a network, or None."""
    if os.geteuid() != 0:
        return "private MTA instances need root"
    if shutil.which("postfix") is None:
        return "postfix not installed"
    if not Sendmail.available(sendmail_root):
        return "no sendmail unpacked in %s (scripts/install-deps does it)" % sendmail_root
    for tool in ("m4", "unshare", "script", "postqueue"):
        if shutil.which(tool) is None:
            return tool + " not installed"
    for binary in (daemon, mixtasy):
        if not (binary and os.access(binary, os.X_OK)):
            return "%s is not built" % binary
    return None


def skip_or_fail(why):
    """Exit status for a missing prerequisite: skipped (77) outside CI, a
    failure under CI=true, where a test must never pass by not running."""
    if os.environ.get("CI") == "true":
        log("FAIL (CI=true, so not skipped): " + why)
        return 1
    log("SKIP: " + why)
    return SKIP


# --- the sender -----------------------------------------------------------
def create_messages(mixtasy, keyring, path, original, workdir):
    """`mixtasy create` along path (mix addresses): the first-hop messages,
    one per part, as bytes."""
    out_dir = tempfile.mkdtemp(prefix="parts-", dir=workdir)
    r = subprocess.run([mixtasy, "create", "--keyring", keyring, "--path", ",".join(path),
                        "--out-dir", out_dir], input=original, capture_output=True)
    if r.returncode != 0:
        raise NetworkError("mixtasy create: " + r.stderr.decode(errors="replace").strip())
    parts = [open(os.path.join(out_dir, f), "rb").read() for f in sorted(os.listdir(out_dir))]
    shutil.rmtree(out_dir, ignore_errors=True)
    return parts


def submit(port, envelope_from, rcpt, data, deadline, helo="sender.test"):
    """SMTP to 127.0.0.1:port as a sending MTA would: retries on 4xx and on
    connection failures until deadline; a 5xx is a failure."""
    while True:
        try:
            with smtplib.SMTP("127.0.0.1", port, local_hostname=helo, timeout=30) as s:
                s.sendmail(envelope_from, [rcpt], data)
            return
        except (smtplib.SMTPResponseException, smtplib.SMTPRecipientsRefused,
                smtplib.SMTPServerDisconnected, OSError) as e:
            code = getattr(e, "smtp_code", 451)
            if isinstance(e, smtplib.SMTPRecipientsRefused):
                code = min(c for c, _ in e.recipients.values())
            if code >= 500 or time.time() > deadline:
                raise NetworkError("submission failed for good: %r" % (e,))
            time.sleep(0.3)


def send_original(network, path, original, deadline, envelope_from="alice@sender.test"):
    """The sender's whole step: wrap `original` for `path` (node names or
    mix addresses) and hand every part to the first hop's smtpd.  Returns the
    number of parts.  The client's `mixtasy send` replaces this later."""
    nodes = [network.node(p) for p in path]
    parts = create_messages(network.mixtasy, network.sender_keyring, [n.address for n in nodes],
                            original, network.root)
    for data in parts:
        submit(nodes[0].smtp_port, envelope_from, nodes[0].address, data, deadline)
    return len(parts)


def send_with_client(network, original, chain=None, via=None, hops=None, dry_run=False, extra_args=()):
    """`mixtasy send` of the sender: the original on stdin (its To is the
    recipient), the directory of `mixtasy dir update`, `chain` (node names,
    mix addresses or '*', first hop first; default: random hops), handed
    by SMTP to `via` (a node: straight to it; None: the provider as the
    sender's smarthost) or by `sendmail -C` of a Sendmail node
    (via=("sendmail", node)), which must not be the first hop: a
    command-line submission passes no milter and would loop.  Returns (parts handed over, stdout); with
    dry_run, (parts planned, the plan as `send --dry-run` prints it)."""
    if isinstance(via, tuple) and chain and chain[0] != "*" and network.node(chain[0]) is via[1]:
        # A command-line submission passes no milter: the node's mailertable
        # would route its own mix address back to itself ("mail loops back").
        raise NetworkError("sendmail -C of %s cannot hand over to %s itself" % (via[1].name, via[1].name))
    cmd = [network.mixtasy, "send", "--dir", network.sender_dir, "--config", network.sender_config(via)]
    if chain:
        cmd += ["--chain", ",".join(p if p == "*" else network.node(p).address for p in chain)]
    if hops:
        cmd += ["--hops", str(hops)]
    if dry_run:
        cmd.append("--dry-run")
    r = subprocess.run(cmd + list(extra_args), input=original, capture_output=True)
    out, err = r.stdout.decode(errors="replace"), r.stderr.decode(errors="replace")
    if r.returncode != 0:
        raise NetworkError("mixtasy send (exit %d): %s" % (r.returncode, (err or out).strip()))
    if dry_run:
        return len(re.findall(r"^  part \d+:", out, re.M)), out
    m = re.search(r"(\d+) message\(s\) handed over", err)
    return (int(m.group(1)) if m else 0), out


def planned_path(plan_text):
    """The hops of part 1 in `mixtasy send --dry-run` output."""
    m = re.search(r"^    path (.+)$", plan_text, re.M)
    return m.group(1).split() if m else []
