# SPDX-License-Identifier: BSD-2-Clause
"""client_common.py - the sender's client as a user runs it (tests only):
node homes made with `mixtasy keygen`, a directory filled with `mixtasy dir
import`, a sendmail stand-in that captures what `mixtasy send` submits, and
the peel of a captured message hop by hop through real node homes with
`mixtasy process --immediate` (the milter's code path, as scripts/demo
does).
"""
import os
import re
import stat
import subprocess

MODES = "middleman,exitpublic"


def run(cmd, stdin=b"", check=True):
    p = subprocess.run(cmd, input=stdin, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError("%s: exit %d\n%s" % (" ".join(cmd), p.returncode, p.stderr.decode()))
    return p


class Network:
    """n node homes mixtasy@n<i>.test, a directory knowing all of them, a
    client config whose sendmail is a capturing stand-in."""

    def __init__(self, mixtasy, work, n=5):
        self.mixtasy, self.work = mixtasy, work
        self.homes = {}
        for i in range(1, n + 1):
            addr = "mixtasy@n%d.test" % i
            home = os.path.join(work, "n%d" % i)
            run([mixtasy, "keygen", "--home", home, "--address", addr, "--modes", MODES])
            self.homes[addr] = home
        self.ring = os.path.join(work, "ring.asc")
        with open(self.ring, "wb") as out:
            for home in self.homes.values():
                out.write(open(os.path.join(home, "public.asc"), "rb").read())
        self.dir = os.path.join(work, "dir")
        self.captured = os.path.join(work, "captured")
        os.makedirs(self.captured)
        self.sendmail = os.path.join(work, "sendmail")
        with open(self.sendmail, "w") as f:
            f.write("#!/bin/sh\n"
                    "# captures: args in N.args, the message in N.eml\n"
                    "n=$(ls '%s' | grep -c eml)\n"
                    "echo \"$@\" > '%s'/$n.args\n"
                    "cat > '%s'/$n.eml\n" % (self.captured, self.captured, self.captured))
        os.chmod(self.sendmail, stat.S_IRWXU)
        self.config = os.path.join(work, "mixtasy.conf")
        self.write_config("EnvelopeSender anon@home.test\nSendmail %s\n" % self.sendmail)

    def write_config(self, text):
        with open(self.config, "w") as f:
            f.write(text)

    def client(self, *args, stdin=b"", check=True):
        return run([self.mixtasy] + list(args), stdin=stdin, check=check)

    def dir_args(self):
        return ["--dir", self.dir, "--config", self.config]

    def captured_messages(self):
        """[(args, bytes)] in submission order."""
        out = []
        names = sorted((f for f in os.listdir(self.captured) if f.endswith(".eml")),
                       key=lambda f: int(f.split(".")[0]))
        for name in names:
            n = name.split(".")[0]
            args = open(os.path.join(self.captured, n + ".args")).read().split()
            out.append((args, open(os.path.join(self.captured, name), "rb").read()))
        return out

    def peel(self, first_hop, message, max_hops=20):
        """Passes `message` from `first_hop` on until a node delivers it;
        returns (hops visited, the delivered original)."""
        hop, hops = first_hop, []
        for _ in range(max_hops):
            hops.append(hop)
            p = run([self.mixtasy, "process", "--home", self.homes[hop], "--immediate"],
                    stdin=message, check=False)
            if p.returncode != 0:
                raise AssertionError("hop %s: exit %d %s" % (hop, p.returncode, p.stderr.decode()))
            message = p.stdout
            to = re.search(rb"^To: *<?([^\r\n>]+)>?\r?$", message, re.M | re.I)
            nxt = to.group(1).decode().strip().lower() if to else ""
            if nxt not in self.homes:
                return hops, message
            hop = nxt
        raise AssertionError("no delivery after %d hops" % max_hops)
