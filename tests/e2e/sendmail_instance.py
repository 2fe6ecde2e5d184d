# SPDX-License-Identifier: BSD-2-Clause
"""sendmail_instance.py - a private Sendmail on loopback for the end-to-end
tests: Debian's sendmail, unpacked by scripts/install-deps into its own
tree (the sendmail and postfix packages conflict, so it is never
installed), run with its own sendmail.cf, queue and pid file, relaying
everything to a sink.  The milter and the filter-free reinjection port are
registered as conf/sendmail.mc.snippet does it.

Sendmail sleeps 60 s at every start, daemon or `sendmail -C` submission,
when it cannot qualify the machine's host name ("My unqualified host name
(vm) unknown; sleeping for retry"); each run goes in a UTS namespace of its
own (unshare -u) named after the MTA (mta.test, mx.mixN.test), so the
machine's name does not matter and is not changed.  Its own host and MX
lookups go to /etc/hosts only (a private ServiceSwitchFile): mail between
the test MTAs is routed by bracketed loopback addresses, and nothing asks
a name server outside the machine."""
import glob
import os
import signal
import subprocess
import time

from e2e_common import Failure, smtp_listening, wait_for

DEFAULT_SENDMAIL_ROOT = "/opt/mixtasy-test/sendmail"
# Where Debian's libsasl2 looks for its plugins and, last, for Sendmail.conf.
SASL_DIR = "/usr/lib/x86_64-linux-gnu/sasl2"


class Sendmail:
    name = "sendmail"
    log_name = "sendmail.log"

    @staticmethod
    def binary(tree):
        return os.path.join(tree, "usr/libexec/sendmail/sendmail")

    @staticmethod
    def available(tree):
        return os.access(Sendmail.binary(tree), os.X_OK) and os.path.isdir(
            os.path.join(tree, "usr/share/sendmail/cf/m4"))

    def __init__(self, tree, root, smtp_port, reinject_port, milter_port, sink_port,
                 hostname="mta.test", extra_mc="", sasl_dir=None):
        # hostname: the MTA's own name (UTS namespace and confDOMAIN_NAME);
        # extra_mc: more m4 lines, before MAILER (a mailertable, listeners);
        # sasl_dir: a directory with Cyrus SASL's plugins and a Sendmail.conf,
        # bind-mounted over SASL_DIR in a mount namespace of sendmail's own
        # (Sendmail clears its environment, so SASL_CONF_PATH cannot point
        # elsewhere, and /etc/sasl2 is the host's).
        self.tree = tree
        self.sasl_dir = sasl_dir
        self.hostname = hostname
        self.root = os.path.join(root, "sendmail")
        self.queue = os.path.join(self.root, "queue")
        os.makedirs(self.queue, mode=0o700)
        self.smtp_port = smtp_port
        self.pid_file = os.path.join(self.root, "sendmail.pid")
        self.cf = os.path.join(self.root, "sendmail.cf")
        self.log = os.path.join(root, self.log_name)
        m4_dir = os.path.join(tree, "usr/share/sendmail/cf")
        switch = os.path.join(self.root, "service.switch")
        with open(switch, "w") as f:
            f.write("hosts files\naliases files\n")
        mc = f"""divert(-1)
divert(0)dnl
include(`{m4_dir}/m4/cf.m4')dnl
VERSIONID(`mixtasy-milter e2e')dnl
OSTYPE(`linux')dnl
define(`confDOMAIN_NAME', `{hostname}')dnl
define(`QUEUE_DIR', `{self.queue}')dnl
define(`confPID_FILE', `{self.pid_file}')dnl
define(`STATUS_FILE', `{self.root}/statistics')dnl
define(`ALIAS_FILE', `')dnl
define(`confDONT_PROBE_INTERFACES', `True')dnl
define(`confSERVICE_SWITCH_FILE', `{switch}')dnl
define(`confDELIVERY_MODE', `background')dnl
define(`confMIN_QUEUE_AGE', `0')dnl
define(`confTO_QUEUERETURN', `1h')dnl
define(`confMAX_DAEMON_CHILDREN', `0')dnl
define(`confREFUSE_LA', `1000')dnl
define(`confQUEUE_LA', `1000')dnl
define(`SMART_HOST', `[127.0.0.1]')dnl
define(`RELAY_MAILER_ARGS', `TCP $h {sink_port}')dnl
define(`ESMTP_MAILER_ARGS', `TCP $h {sink_port}')dnl
FEATURE(`no_default_msa')dnl
FEATURE(`promiscuous_relay')dnl
FEATURE(`accept_unqualified_senders')dnl
FEATURE(`accept_unresolvable_domains')dnl
FEATURE(`nocanonify')dnl
DAEMON_OPTIONS(`Name=MTA, Addr=127.0.0.1, Port={smtp_port}')dnl
DAEMON_OPTIONS(`Name=MTA-mixtasy, Addr=127.0.0.1, Port={reinject_port}, InputMailFilters=')dnl
INPUT_MAIL_FILTER(`mixtasy', `S=inet:{milter_port}@127.0.0.1, F=T, T=S:30s;R:2m;E:5m')dnl
{extra_mc}MAILER(`smtp')dnl
"""
        r = subprocess.run(["m4"], input=mc, capture_output=True, text=True)
        if r.returncode != 0:
            raise Failure("m4 of the test sendmail.mc: " + r.stderr)
        with open(self.cf, "w") as f:
            f.write(r.stdout)

    def command(self, *args):
        """The argv that runs this MTA's sendmail with its own sendmail.cf
        and host name (a UTS namespace of its own), then args: for the
        daemon and for every `sendmail -C` submission alike."""
        unshare, script, mount = ["unshare", "-u"], 'hostname "$1" && shift && exec "$@"', []
        if self.sasl_dir:  # and a mount namespace: the test's SASL set-up over SASL_DIR
            unshare.append("-m")
            script = 'mount --bind "$2" "$3" && hostname "$1" && shift 3 && exec "$@"'
            mount = [self.sasl_dir, SASL_DIR]
        return (unshare + ["sh", "-c", script, "sh", self.hostname] + mount +
                [Sendmail.binary(self.tree), "-C", self.cf] + list(args))

    def start(self):
        # -bd forks the daemon, which writes its pid file; -q1s retries the
        # queue every second (tempfailed messages, the milter's restart).
        with open(self.log, "ab") as out:
            r = subprocess.run(self.command("-bd", "-q1s", "-O", "LogLevel=9"), stdout=out, stderr=out)
        if r.returncode != 0:
            raise Failure("sendmail did not start: " + open(self.log, errors="replace").read()[-2000:])
        wait_for(lambda: smtp_listening(self.smtp_port), 30, "sendmail")

    def _pid(self):
        try:
            return int(open(self.pid_file).readline().strip())
        except (OSError, ValueError):
            return None

    def stop(self):
        pid = self._pid()
        if pid is None:
            return
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            return
        end = time.time() + 10
        while time.time() < end:
            try:
                os.kill(pid, 0)
            except OSError:
                return
            time.sleep(0.2)
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass

    def _queued(self, prefix):
        return len(glob.glob(os.path.join(self.queue, prefix + "*")))

    def held(self):
        """Messages the milter quarantined: sendmail keeps them as hf files."""
        return self._queued("hf")

    def in_flight(self):
        """Messages still to be delivered (held ones excluded)."""
        return self._queued("qf")
