# SPDX-License-Identifier: BSD-2-Clause
"""network_faults_lib.py - what the faults and abuse tests of the network
(network_faults.py, network_abuse.py) share, built on network.py's public
API only: tagged originals along random paths, counting them at the
recipient's Maildir, kill -9 and restart of a node's milter or MTA, a full
disk under one node's store, and the daemons' "destroyed" lines by reason.

WHAT IT GUARANTEES
  Every fault it starts it can undo: kill_* restart what they killed,
  FullDisk.release() frees the space and FullDisk.remove() detaches the
  tmpfs (lazily, so a daemon still holding files there never blocks the
  network's cleanup); remove() is registered with atexit as well.
  Nothing is sent outside 127.0.0.0/8.

WHAT IT REFUSES
  A network of fewer than two nodes for random paths (a path never names
  the same node twice in a row).
"""
import atexit
import collections
import glob
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time

from e2e_common import Failure, log, wait_for
from network import RECIPIENT_DOMAIN, mta_pid, send_original

SUBJECT_RE = re.compile(rb"^Subject: (\S+) (\S+)\s*$", re.M)


# --- originals and where they end up ----------------------------------------
def random_path(net, rnd, hops=4):
    """`hops` node names, never the same node twice in a row."""
    if len(net.nodes) < 2:
        raise Failure("random paths need at least two nodes")
    path = []
    while len(path) < hops:
        node = rnd.choice(net.nodes)
        if not path or path[-1] != node.name:
            path.append(node.name)
    return path


def tagged_original(kind, tag, rnd):
    """A small single-part original whose Subject says `kind tag`; returns
    (message, body)."""
    lines = ["%s %d %s" % (tag, i, "".join(rnd.choice("abcdefghij ") for _ in range(50))) for i in range(20)]
    body = ("\r\n".join(lines) + "\r\n").encode()
    head = "From: someone@sender.test\r\nTo: bob@%s\r\nSubject: %s %s\r\n\r\n" % (RECIPIENT_DOMAIN, kind, tag)
    return head.encode() + body, body


def delivered(net, kind):
    """Counter tag -> how many times an original of `kind` reached the
    recipient's Maildir."""
    counts = collections.Counter()
    for message in net.recipient.messages():
        head = message.replace(b"\r\n", b"\n").partition(b"\n\n")[0]
        for k, tag in SUBJECT_RE.findall(head):
            if k.decode() == kind:
                counts[tag.decode()] += 1
    return counts


def report_counts(sent_tags, counts, what):
    """Logs sent / delivered / lost / duplicated; returns (lost, twice)."""
    lost = sorted(t for t in sent_tags if counts.get(t, 0) == 0)
    twice = sorted(t for t in sent_tags if counts.get(t, 0) > 1)
    log("     %s: sent %d, delivered %d, lost %d, delivered twice %d" % (
        what, len(sent_tags), sum(1 for t in sent_tags if counts.get(t, 0) > 0), len(lost), len(twice)))
    return lost, twice


class Sender(threading.Thread):
    """Sends n tagged originals along random paths, one every `gap`
    seconds, in the background; `tags` are those handed to a first hop,
    `first_hops[tag]` the bytes the first hop got (for replays)."""

    def __init__(self, net, kind, n, gap, rnd, deadline):
        super().__init__(daemon=True)
        self.net, self.kind, self.n, self.gap, self.rnd, self.deadline = net, kind, n, gap, rnd, deadline
        self.tags = []
        self.error = None

    def run(self):
        try:
            for i in range(self.n):
                tag = "%s-%03d" % (self.kind, i)
                original, _ = tagged_original(self.kind, tag, self.rnd)
                send_original(self.net, random_path(self.net, self.rnd), original, self.deadline)
                self.tags.append(tag)
                time.sleep(self.gap)
        except BaseException as e:  # reported by the test's thread
            self.error = e

    def finish(self, timeout):
        self.join(timeout)
        if self.is_alive():
            raise Failure("the sender did not finish within %d s" % timeout)
        if self.error:
            raise Failure("sender: %r" % (self.error,))


def wait_all_delivered(net, kind, tags, timeout):
    def done():
        counts = delivered(net, kind)
        return all(counts.get(t, 0) > 0 for t in tags)
    try:
        wait_for(done, timeout, "%d originals in the Maildir" % len(tags))
    except Failure:
        counts = delivered(net, kind)
        missing = [t for t in tags if counts.get(t, 0) == 0]
        log_queues(net)
        raise Failure("%d of %d originals never arrived: %s" % (len(missing), len(tags), " ".join(missing)))


def log_queues(net):
    """Diagnostics for a queue that does not drain: each MTA's count and,
    where something waits, why (postqueue -p; a Sendmail qf's status line)."""
    for node in net.nodes:
        n = node.mta.in_flight()
        log("     queue %s (%s): %d in flight" % (node.name, node.mta_kind, n))
        if n:
            log_queue_entries(node.mta)
    n = net.recipient.mta.in_flight()
    log("     queue recipient: %d in flight" % n)
    if n:
        log_queue_entries(net.recipient.mta)


def log_queue_entries(mta):
    if hasattr(mta, "etc"):  # Postfix
        r = subprocess.run(["postqueue", "-c", mta.etc, "-p"], capture_output=True, text=True)
        log(r.stdout[-3000:])
        return
    for path in sorted(glob.glob(os.path.join(mta.queue, "qf*")))[:10]:
        with open(path, errors="replace") as f:
            lines = [line.rstrip() for line in f if line[:1] in ("M", "R", "K", "N", "T")]
        log("     %s: %s" % (os.path.basename(path), " | ".join(lines)))


# --- kill -9 and restart ------------------------------------------------------
def children_of(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(entry))
        except (OSError, IndexError, ValueError):
            continue
    return out


def kill9(pids):
    for pid in pids:
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass


def gone(pid):
    try:
        os.kill(pid, 0)
    except OSError:
        return True
    # A zombie counts as gone.
    try:
        with open("/proc/%d/stat" % pid) as f:
            return f.read().rsplit(")", 1)[1].split()[0] == "Z"
    except OSError:
        return True


def kill_milter(node, down_seconds):
    """kill -9 of the node's mixtasy-milter, restarted after down_seconds."""
    proc = node.daemon.proc
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(down_seconds)
    node.daemon.start()


def kill_mta(node, down_seconds):
    """kill -9 of the node's MTA as a crash does it: the master (Postfix) or
    daemon (Sendmail) and every process it had started, then restarted."""
    pid = mta_pid(node.mta)
    if pid is None:
        raise Failure("%s: no MTA pid to kill" % node.name)
    victims = [pid] + children_of(pid)
    kill9(victims)
    wait_for(lambda: all(gone(p) for p in victims), 15, "%s's MTA to die" % node.name)
    # Whatever they left (a Postfix child started a moment before) too.
    kill9(children_of(pid))
    time.sleep(down_seconds)
    node.mta.start()


# --- a full disk under one node's store -------------------------------------
class FullDisk:
    """Puts `node`'s key home (and with it node.db, its -wal and -shm) on a
    tmpfs of size_mib: the daemon is stopped, the home copied onto the tmpfs
    mounted over it, the daemon restarted.  fill() then takes every free
    byte with one file, release() deletes it."""

    def __init__(self, node, size_mib):
        self.node = node
        self.size_mib = size_mib
        self.mounted = False
        self.filler = os.path.join(node.home, "filler")
        self.filled_at = None

    def mount(self):
        staging = tempfile.mkdtemp(prefix="home-", dir=self.node.root)
        self.node.daemon.stop()
        os.rmdir(staging)
        shutil.copytree(self.node.home, staging, symlinks=True)
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=%dm,mode=0755" % self.size_mib, "tmpfs",
                        self.node.home], check=True)
        self.mounted = True
        atexit.register(self.remove)
        shutil.copytree(staging, self.node.home, symlinks=True, dirs_exist_ok=True)
        shutil.rmtree(staging)
        self.node.daemon.start()

    def fill(self):
        # Unbuffered writes: a buffered file would raise ENOSPC again at close.
        fd = os.open(self.filler, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            for size in (1 << 20, 4096, 1):
                block = b"\0" * size
                try:
                    while True:
                        os.write(fd, block)
                except OSError:
                    pass
        finally:
            os.close(fd)
        self.filled_at = os.path.getsize(self.node.daemon.logfile)

    def release(self):
        if os.path.exists(self.filler):
            os.unlink(self.filler)

    def store_errors(self):
        """Lines the daemon logged since fill() about its store being full
        or a message deferred."""
        if self.filled_at is None:
            return 0
        with open(self.node.daemon.logfile, "rb") as f:
            f.seek(self.filled_at)
            text = f.read().decode(errors="replace").lower()
        return sum(1 for line in text.splitlines() if "full" in line or "deferred" in line)

    def remove(self):
        if self.mounted:
            self.mounted = False
            subprocess.run(["umount", "-l", self.node.home], check=False)


# --- what the daemons destroyed ---------------------------------------------
DESTROYED_RE = re.compile(r"mix message destroyed: (.+)$")


def destroyed_by_reason(net):
    """Counter reason -> how many, over every node's log (LogLevel debug)."""
    counts = collections.Counter()
    for node in net.nodes:
        with open(node.daemon.logfile, errors="replace") as f:
            for line in f:
                m = DESTROYED_RE.search(line.rstrip())
                if m:
                    counts[m.group(1).strip()] += 1
    return counts


def crashed_daemons(net):
    """Nodes whose daemon is not running (it exited on its own)."""
    return [n.name for n in net.nodes if n.daemon.proc is None or n.daemon.proc.poll() is not None]
