#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""mutt_test.py - the real mutt's Mixmaster menu sending through a Mixtasy
network: mutt (Debian's, built --with-mixmaster) runs in a private tmux
server with `set mixmaster=` pointing at `mixtasy-mixmaster`; the test types
into its compose menu (M opens the remailer menu, a appends, Return accepts,
y sends), first a chain of two (refused on stderr, which mutt shows), then
a chain of four with random hops.  The sendmail stand-in captures the
submission, which is then peeled hop by hop through four real node homes
with `mixtasy process --immediate`; the original must arrive.

    mutt_test.py --mixtasy BUILD/cli/mixtasy --wrapper BUILD/cli/mixtasy-mixmaster

Under CI=true a missing mutt or tmux fails the test; elsewhere it is
skipped (exit 77).
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cli"))

from client_common import Network  # noqa: E402


class Tmux:
    def __init__(self, socket_name):
        self.base = ["tmux", "-L", socket_name]

    def start(self, command, env):
        subprocess.run(self.base + ["-f", "/dev/null", "new-session", "-d", "-x", "160", "-y", "48",
                                    command], check=True, env=env)

    def keys(self, *keys):
        subprocess.run(self.base + ["send-keys", "-t", "0"] + list(keys), check=True)

    def screen(self):
        p = subprocess.run(self.base + ["capture-pane", "-p", "-t", "0"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL)
        return p.stdout.decode(errors="replace")

    def wait_for(self, text, timeout=30):
        end = time.time() + timeout
        while time.time() < end:
            s = self.screen()
            if text in s:
                return s
            time.sleep(0.2)
        raise AssertionError("screen never showed %r:\n%s" % (text, self.screen()))

    def to_compose(self, timeout=30):
        """Answers mutt's prompts (To:, Subject: prefilled from the command
        line) with Return until the compose menu shows."""
        end = time.time() + timeout
        while time.time() < end:
            lines = [l for l in self.screen().splitlines() if l.strip()]
            if any("Compose" in l for l in lines):
                return
            if lines and lines[-1].split(":")[0] in ("To", "Subject", "Cc", "Bcc"):
                self.keys("Enter")
            time.sleep(0.3)
        raise AssertionError("no compose menu:\n%s" % self.screen())

    def alive(self):
        return subprocess.run(self.base + ["has-session"], stderr=subprocess.DEVNULL).returncode == 0

    def stop(self):
        subprocess.run(self.base + ["kill-server"], stderr=subprocess.DEVNULL)


def muttrc(net, wrapper):
    return ("set mixmaster=\"%s --dir %s --config %s\"\n"
            "set sendmail=\"/bin/false\"\n"
            "set from=\"alice@home.test\" realname=\"Alice\" hostname=\"home.test\"\n"
            "set editor=\"true\" abort_unmodified=no autoedit=no edit_headers=no\n"
            "set record=\"\" copy=no use_from=yes user_agent=yes\n"
            "set charset=\"utf-8\" send_charset=\"us-ascii:utf-8\"\n"
            "set folder=\"%s\" spoolfile=\"\" mbox_type=mbox wait_key=yes\n"
            % (wrapper, net.dir, net.config, net.work))


def send_with_chain(env, command, chain_keys, expect=None):
    """Runs mutt in a private tmux server, builds a remailer chain with
    `chain_keys` in its menu, sends, and waits for mutt to end.  Returns the
    screen that showed `expect` (mixtasy's stderr), if given."""
    tmux = Tmux("mixtasy-mutt-%d" % os.getpid())
    seen = None
    try:
        tmux.start(command, env)
        tmux.to_compose()
        tmux.keys("M")
        tmux.wait_for("Select a remailer chain")
        tmux.keys(*chain_keys)
        tmux.keys("Enter")
        tmux.wait_for("Compose")
        tmux.keys("y")
        if expect:
            seen = tmux.wait_for(expect)
        end = time.time() + 60
        while tmux.alive() and time.time() < end:
            if "Press any key" in tmux.screen():
                tmux.keys("Enter")
            time.sleep(0.3)
        if tmux.alive():
            raise AssertionError("mutt did not finish:\n%s" % tmux.screen())
    finally:
        tmux.stop()
    return seen


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mixtasy", required=True)
    ap.add_argument("--wrapper", required=True)
    args = ap.parse_args()
    missing = [t for t in ("mutt", "tmux") if shutil.which(t) is None]
    if missing:
        print("missing: %s" % " ".join(missing))
        return 1 if os.environ.get("CI") == "true" else 77

    with tempfile.TemporaryDirectory(prefix="mixtasy-mutt-") as work:
        net = Network(os.path.abspath(args.mixtasy), work)
        net.client("dir", *net.dir_args(), "import", net.ring)
        rc = os.path.join(work, "muttrc")
        open(rc, "w").write(muttrc(net, os.path.abspath(args.wrapper)))
        body = os.path.join(work, "body.txt")
        open(body, "w").write("Hello Bob, this went through mutt's remailer menu.\n")
        env = dict(os.environ, HOME=work, TERM="xterm", MIXTASY_BIN=net.mixtasy)
        command = "mutt -n -F %s -s 'via mutt' -i %s bob@far.test" % (rc, body)
        # A chain of two: mutt hands it over, mixtasy refuses on stderr,
        # which mutt shows before it gives up the message.
        screen = send_with_chain(env, command, ["a", "a"], expect="at least 4")
        print("ok   a chain of two is refused:",
              [l for l in screen.splitlines() if "at least" in l][0].strip())
        if net.captured_messages():
            raise AssertionError("something was submitted for the refused chain")
        # A chain of four: n1 first (the entry below <random>), three random.
        send_with_chain(env, command, ["Down", "a", "Up", "a", "a", "a"])
        messages = net.captured_messages()
        if len(messages) != 1:
            raise AssertionError("expected one submission, got %d" % len(messages))
        sm_args, message = messages[0]
        if sm_args[-1] != "mixtasy@n1.test":
            raise AssertionError("first hop %s, the chain began with n1" % sm_args[-1])
        hops, final = net.peel(sm_args[-1], message)
        print("ok   peeled through", " -> ".join(hops))
        if len(hops) != 4:
            raise AssertionError("%d hops" % len(hops))
        if b"went through mutt's remailer menu" not in final or b"bob@far.test" not in final:
            raise AssertionError("the original did not arrive:\n%s" % final.decode(errors="replace"))
        if b"alice@home.test" in final or b"User-Agent" in final:
            raise AssertionError("the sender's From or User-Agent reached the exit")
        print("ok   the original arrived at the exit for bob@far.test, without From")
    return 0


if __name__ == "__main__":
    sys.exit(main())
