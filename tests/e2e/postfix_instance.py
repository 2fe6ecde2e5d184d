# SPDX-License-Identifier: BSD-2-Clause
"""postfix_instance.py - a private Postfix instance on loopback for the
end-to-end tests and benchmarks: its own config_directory and
queue_directory (`postfix -c DIR start`), relaying everything to a sink,
the milter registered with milter_default_action = tempfail, and a
milter-free reinjection smtpd.

wiring="snippets" builds main.cf and master.cf from conf/postfix-main.cf.snippet
and conf/postfix-master.cf.snippet instead, applied as `mixtasy-milter setup
postfix` applies them (the milter lists appended to other_milters, the
transport map put first, the service entries appended), with the socket
(milter_socket, default inet:127.0.0.1:milter_port), the ports and the mix
domain of this instance; chroot off (a private instance)."""
import os
import shutil
import subprocess
import re
import time

from e2e_common import Failure, smtp_listening, wait_for


CONF = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "conf")


def read_snippet(name, subst):
    text = open(os.path.join(CONF, name)).read()
    for old, new in subst.items():
        text = text.replace(old, new)
    return text


def apply_main_snippet(snippet, existing):
    """main.cf lines from the snippet as the setup command applies them:
    smtpd_milters/non_smtpd_milters appended to the existing list,
    transport_maps before it, every other key set.  mixtasy_submission_milter
    goes to the services where users log in; these instances have none."""
    out = []
    for line in snippet.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        key, value = (part.strip() for part in line.split("=", 1))
        if key == "mixtasy_submission_milter":
            continue
        before = existing.get(key, "")
        if key in ("smtpd_milters", "non_smtpd_milters") and before:
            value = before + ", " + value
        elif key == "transport_maps" and before:
            value = value + ", " + before
        out.append("%s = %s" % (key, value))
    return "\n".join(out) + "\n"


class Postfix:
    name = "postfix"
    log_name = "postfix.log"

    def __init__(self, root, smtp_port, reinject_port, milter_port, sink_port,
                 wiring=None, mix_in_port=None, mix_domain="mix.test", other_milters="",
                 milter_socket=None):
        self.root = root
        self.etc = os.path.join(root, "etc")
        os.makedirs(self.etc)
        self.smtp_port = smtp_port
        main_cf = f"""
compatibility_level = 3.6
queue_directory = {root}/spool
data_directory = {root}/data
meta_directory = /etc/postfix
mail_owner = postfix
setgid_group = postdrop
myhostname = e2e.test
mydomain = e2e.test
myorigin = e2e.test
mydestination =
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
mynetworks = 127.0.0.0/8
relayhost = [127.0.0.1]:{sink_port}
smtpd_relay_restrictions = permit_mynetworks, reject
smtp_tls_security_level = none
smtpd_tls_security_level = none
smtputf8_enable = no
biff = no
alias_maps =
alias_database =
local_recipient_maps =
maillog_file = {root}/postfix.log
maillog_file_prefixes = {root}
queue_run_delay = 1s
minimal_backoff_time = 1s
maximal_backoff_time = 2s
smtpd_client_event_limit_exceptions = 127.0.0.0/8
"""
        legacy_milters = f"""smtpd_milters = inet:127.0.0.1:{milter_port}
non_smtpd_milters =
milter_default_action = tempfail
milter_protocol = 6
milter_end_of_data_macros = i
"""
        legacy_services = f"""127.0.0.1:{reinject_port} inet n - n - - smtpd
  -o syslog_name=postfix/mixtasy-reinject
  -o smtpd_milters=
  -o non_smtpd_milters=
  -o smtpd_tls_security_level=none
"""
        if wiring == "snippets":
            subst = {"unix:/mixtasy/milter.sock": milter_socket or f"inet:127.0.0.1:{milter_port}",
                     "127.0.0.1:10026": f"127.0.0.1:{reinject_port}",
                     "127.0.0.1:10027": f"127.0.0.1:{mix_in_port}",
                     "[127.0.0.1]:10027": f"[127.0.0.1]:{mix_in_port}",
                     "mix.example.org": mix_domain}
            main_cf += apply_main_snippet(read_snippet("postfix-main.cf.snippet", subst),
                                          {"smtpd_milters": other_milters,
                                           "non_smtpd_milters": other_milters})
            services = read_snippet("postfix-master.cf.snippet", subst)
            services = re.sub(r"(?m)^(\S+\s+\S+\s+\S+\s+\S+\s+)y(\s)", r"\1n\2", services)
        else:
            main_cf += legacy_milters
            services = legacy_services
        master_cf = f"""
127.0.0.1:{smtp_port} inet n - n - - smtpd
{services}
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
"""
        os.makedirs(os.path.join(root, "spool"))
        os.makedirs(os.path.join(root, "data"))
        shutil.chown(os.path.join(root, "data"), "postfix", "postfix")
        with open(os.path.join(self.etc, "main.cf"), "w") as f:
            f.write(main_cf)
        with open(os.path.join(self.etc, "master.cf"), "w") as f:
            f.write(master_cf)

    def postfix(self, *args, check=True):
        # postfix(1) reports fatal errors on a terminal only: give it one.
        cmd = " ".join(["postfix", "-c", self.etc] + list(args))
        r = subprocess.run(["script", "-qec", cmd, "/dev/null"], capture_output=True, text=True)
        if check and r.returncode != 0:
            raise Failure("postfix %s: %s%s" % (" ".join(args), r.stdout, r.stderr))
        return r

    def start(self):
        self.postfix("start")
        wait_for(lambda: smtp_listening(self.smtp_port), 20, "postfix smtpd")

    def stop(self):
        self.postfix("stop", check=False)
        pidfile = os.path.join(self.root, "spool", "pid", "master.pid")
        end = time.time() + 10
        while time.time() < end and os.path.exists(pidfile):
            try:
                pid = int(open(pidfile).read().strip())
                os.kill(pid, 0)
            except (OSError, ValueError):
                break
            time.sleep(0.2)
        else:
            self.postfix("abort", check=False)

    def queue_names(self):
        """The queue of each message, from one postqueue -j: counting
        queues one call each would miss a message moving between them."""
        r = subprocess.run(["postqueue", "-c", self.etc, "-j"], capture_output=True, text=True)
        names = []
        for line in r.stdout.splitlines():
            m = re.search(r'"queue_name": *"([a-z]+)"', line)
            if m:
                names.append(m.group(1))
        return names

    def queue_count(self, queue_name):
        return self.queue_names().count(queue_name)

    def held(self):
        """Messages the milter quarantined: Postfix's hold queue."""
        return self.queue_count("hold")

    def in_flight(self):
        """Messages still to be delivered (hold excluded)."""
        return sum(1 for q in self.queue_names() if q in ("active", "deferred", "incoming"))

    def queue_is_empty(self):
        r = subprocess.run(["postqueue", "-c", self.etc, "-j"], capture_output=True, text=True)
        return r.returncode == 0 and r.stdout.strip() == ""
