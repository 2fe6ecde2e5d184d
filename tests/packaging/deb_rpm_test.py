#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""deb_rpm_test.py - packaging:deb-rpm: the packages as an admin gets them.

    deb_rpm_test.py --src SRC --maker MAKE_MIX_MESSAGE

1. builds the .deb from a copy of SRC (BUILD_TESTING=OFF, a full compile;
   with ccache, the test's own (--ccache-dir, or CCACHE_DIR), and the .rpm
   of step 5 hits it), runs lintian (no errors, no warnings), installs both
   packages;
2. runs `mixtasy-milter setup postfix` (installed binary, installed snippets
   in a test copy that names this test's loopback ports) on a private Postfix
   (tests/e2e/postfix_instance.py, `postconf -c DIR`); the node key is made;
   `-n` warns about the sendmail-transport and WKD drop-ins until setup has
   installed them, and systemd-analyze verifies the unit with them;
3. starts the packaged binary as the packaged user `mixtasy` (systemd is not
   PID 1 in CI containers; with systemd the unit would be started instead)
   and passes ordinary mail and mix messages through Postfix and the milter;
4. `setup --undo`, purges the packages, checks nothing is left: main.cf and
   master.cf byte for byte as before, no package file, no state directory,
   no drop-in (the system user stays, as Debian policy keeps them);
5. builds the .rpm (rpmbuild -bb --nodeps with packaging/rpm/debian-rpm.macros)
   and checks `rpm -qlp` (man pages with or without .gz).
Needs root and the tools of scripts/install-deps; a missing tool skips
(exit 77) but fails under CI=true.  Refuses to run when mixtasy-milter is
installed already (it would purge the admin's package).  Runs under
flock /tmp/mixtasy-mta.lock (it starts Postfix on loopback ports).
"""
import argparse
import glob
import os
import pwd
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
from e2e_common import Failure, log, wait_for  # noqa: E402
from postfix_instance import Postfix  # noqa: E402
from smtp_sink import SmtpSink, free_port  # noqa: E402
from mta_e2e import MIX, RealMessages, next_hop_outputs, send_with_retry, sink_ids  # noqa: E402

SKIP = 77
VERSION = "0.1.0"
BUILD_ROOT = "/tmp/mixtasy-packaging"  # fixed: ccache hits across runs
STATE_DIR = "/var/lib/mixtasy-milter"
DROPINS = "/etc/systemd/system/mixtasy-milter.service.d"
TOOLS = ["dpkg-buildpackage", "lintian", "rpmbuild", "rpm", "postconf", "postfix", "setpriv", "fakeroot"]


def run(argv, **kw):
    r = subprocess.run(argv, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        raise Failure("%s: exit %d\n%s%s" % (" ".join(argv), r.returncode, r.stdout[-3000:], r.stderr[-3000:]))
    return r.stdout


def compiler_env(ccache_dir):
    """The environment of both package builds.  With ccache (the test's
    own, CCACHE_DIR), CMake >= 3.17 takes the launcher from the environment,
    so neither debian/rules nor the spec needs ccache.  Both builds compile
    the same files with the same flags (the rpm gets dpkg-buildflags', see
    rpm_flags) from trees at the same depth under BUILD_ROOT, so with
    CCACHE_BASEDIR the second build hits the first."""
    env = dict(os.environ, DEB_BUILD_OPTIONS="parallel=2", DEB_BUILD_MAINT_OPTIONS="hardening=+all")
    # ccache hashes the locale variables, and rpmbuild sets LANG=C: the
    # same for the deb, or the rpm misses every object.
    env["LANG"] = "C"
    for name in ("LC_ALL", "LC_CTYPE", "LC_MESSAGES"):
        env.pop(name, None)
    if shutil.which("ccache") and ccache_dir:
        env.update(CMAKE_CXX_COMPILER_LAUNCHER="ccache", CMAKE_C_COMPILER_LAUNCHER="ccache",
                   CCACHE_DIR=ccache_dir, CCACHE_BASEDIR=BUILD_ROOT, CCACHE_NOHASHDIR="1",
                   CCACHE_MAXSIZE="2G")
    return env


def ccache_stats(env):
    if "CCACHE_DIR" not in env:
        return "no ccache"
    out = subprocess.run(["ccache", "--print-stats"], capture_output=True, text=True, env=env).stdout
    stats = dict(l.split("\t", 1) for l in out.splitlines() if "\t" in l)
    hits = int(stats.get("direct_cache_hit", 0)) + int(stats.get("preprocessed_cache_hit", 0))
    return "ccache %d hits, %d misses" % (hits, int(stats.get("cache_miss", 0)))


def build_deb(src, env):
    shutil.rmtree(BUILD_ROOT, ignore_errors=True)
    tree = os.path.join(BUILD_ROOT, "mixtasy-milter-" + VERSION)
    run([sys.executable, os.path.join(HERE, "make_source_copy.py"), src, tree])
    t0 = time.time()
    if "CCACHE_DIR" in env:
        run(["ccache", "--zero-stats"], env=env)
    run(["nice", "dpkg-buildpackage", "-us", "-uc", "-b"], cwd=tree, env=env)
    log("ok   .deb built in %.0f s (%s)" % (time.time() - t0, ccache_stats(env)))
    debs = sorted(d for d in glob.glob(os.path.join(BUILD_ROOT, "*.deb")) if "-dbgsym_" not in d)
    names = sorted(os.path.basename(d).split("_")[0] for d in debs)
    if names != ["mixtasy", "mixtasy-milter"]:
        raise Failure("expected the mixtasy and mixtasy-milter packages, got %s" % names)
    return tree, debs


def lint(changes_dir):
    changes = glob.glob(os.path.join(changes_dir, "*.changes"))
    out = run(["lintian", "--fail-on", "error,warning", "--display-info", *changes])
    problems = [l for l in out.splitlines() if l.startswith(("E:", "W:"))]
    if problems:
        raise Failure("lintian:\n" + "\n".join(problems))
    log("ok   lintian: no errors or warnings (%d info lines)" % len(out.splitlines()))


def check_installed():
    user = pwd.getpwnam("mixtasy")
    st = os.stat(STATE_DIR)
    if st.st_uid != user.pw_uid or (st.st_mode & 0o777) != 0o700:
        raise Failure("%s: owner %d mode %o, want mixtasy 0700" % (STATE_DIR, st.st_uid, st.st_mode & 0o777))
    conffiles = run(["dpkg-query", "-W", "-f=${Conffiles}", "mixtasy-milter"])
    if "/etc/mixtasy-milter.conf" not in conffiles:
        raise Failure("/etc/mixtasy-milter.conf is not a conffile: %r" % conffiles)
    log("ok   installed: user mixtasy, %s 0700, conffile" % STATE_DIR)


def test_snippets(root, milter_port, ports):
    """The installed snippets, with this test's loopback ports (`ports` maps
    the snippet's 10026 and 10027 to free ones) and no chroot (the private
    instance has none): the data setup reads, not its code."""
    src = "/usr/share/doc/mixtasy-milter/examples"
    dst = os.path.join(root, "snippets")
    shutil.copytree(src, dst)
    main = open(os.path.join(dst, "postfix-main.cf.snippet")).read()
    main = main.replace("unix:/mixtasy/milter.sock", "inet:127.0.0.1:%d" % milter_port)
    for old, new in ports.items():
        main = main.replace("[127.0.0.1]:%d" % old, "[127.0.0.1]:%d" % new)
    open(os.path.join(dst, "postfix-main.cf.snippet"), "w").write(main)
    lines = []
    for line in open(os.path.join(dst, "postfix-master.cf.snippet")):
        fields = line.split()
        if line[:1] not in ("#", " ", "\t", "\n") and len(fields) >= 8:
            host, port = fields[0].rsplit(":", 1)
            fields[0] = "%s:%d" % (host, ports[int(port)])
            fields[4] = "n"
            line = " ".join(fields) + "\n"
        lines.append(line.replace("unix:/mixtasy/milter.sock", "inet:127.0.0.1:%d" % milter_port))
    open(os.path.join(dst, "postfix-master.cf.snippet"), "w").writelines(lines)
    return dst


def milter_conf(root, milter_port, reinject_port):
    conf = os.path.join(root, "milter.conf")
    with open(conf, "w") as f:
        f.write(f"""Socket inet:{milter_port}@127.0.0.1
Home {STATE_DIR}
PoolInterval 1
PoolMinMessages 0
PoolFraction 1
ReinjectURL smtp://127.0.0.1:{reinject_port}
Syslog no
""")
    os.chmod(conf, 0o644)
    return conf


def setup(args):
    return run(["/usr/sbin/mixtasy-milter", "setup", "postfix", *args])


def start_milter(conf, milter_port, logfile):
    out = open(logfile, "ab")
    proc = subprocess.Popen(["setpriv", "--reuid=mixtasy", "--regid=mixtasy", "--init-groups",
                             "/usr/sbin/mixtasy-milter", "-f", "-c", conf], stdout=out, stderr=out)
    out.close()

    def up():
        import socket
        if proc.poll() is not None:
            raise Failure("packaged daemon exited: " + open(logfile).read()[-2000:])
        try:
            socket.create_connection(("127.0.0.1", milter_port), timeout=1).close()
            return True
        except OSError:
            return False
    wait_for(up, 20, "packaged milter socket")
    return proc


def stop(proc):
    if proc and proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def node_round_trip(root, mta, maker, conf, milter_port, sink):
    proc = None
    started = False
    try:
        # The node key: setup made it; the mix run needs one whose address
        # the test's messages name, so it is made again for mixtasy@mix.test.
        for f in ("secret.asc", "public.asc"):
            os.unlink(os.path.join(STATE_DIR, f))
        real = mail_through_prepare(root, maker)
        proc = start_milter(conf, milter_port, os.path.join(root, "milter.log"))
        mta.start()
        started = True
        mail_through_send(real, mta.smtp_port, sink.directory)
    finally:
        if started:
            mta.stop()
        stop(proc)


def mail_through_prepare(root, maker):
    real = RealMessages(root, STATE_DIR, "/usr/bin/mixtasy", maker)
    for dirpath, _, files in os.walk(STATE_DIR):
        for name in [dirpath] + [os.path.join(dirpath, f) for f in files]:
            shutil.chown(name, "mixtasy", "mixtasy")
    return real


def mail_through_send(real, smtp_port, sink_dir):
    deadline = time.time() + 120
    for i in range(3):
        body = ("From: a@outside.test\r\nTo: bob@elsewhere.test\r\nSubject: plain %d\r\n"
                "Message-ID: <plain-%d@pkg.test>\r\n\r\nhello\r\n" % (i, i)).encode()
        send_with_retry(smtp_port, "a@outside.test", ["bob@elsewhere.test"], body, deadline)
    wait_for(lambda: sum(1 for m, _ in sink_ids(sink_dir) if m.startswith("plain-")) == 3, 60,
             "3 ordinary messages at the sink")
    log("ok   ordinary mail: 3 of 3 through Postfix wired by setup")
    for i in range(2):
        send_with_retry(smtp_port, "sender@outside.test", [MIX], real.make("pkg", i), deadline)
    wait_for(lambda: len(set(next_hop_outputs(sink_dir, RealMessages.NEXT))) == 2, 90,
             "2 next-hop messages")
    log("ok   mix: 2 of 2 mix messages routed to mixtasy-in, pooled by the packaged milter "
        "and resent to the next hop")


def check_n(conf):
    """`mixtasy-milter -n` as the packaged user: its drop-in warnings."""
    r = subprocess.run(["setpriv", "--reuid=mixtasy", "--regid=mixtasy", "--init-groups",
                        "/usr/sbin/mixtasy-milter", "-n", "-c", conf], capture_output=True, text=True)
    return [l for l in r.stderr.splitlines() if ": warning: " in l]


def verify_unit():
    """The packaged unit with the drop-ins installed now, as systemd loads
    it.  systemd is not PID 1 here (CI containers), so the unit cannot be
    started; systemd-analyze reads it offline, drop-ins included."""
    if not shutil.which("systemd-analyze"):
        return "no systemd-analyze"
    run(["systemd-analyze", "verify", "--man=no", "mixtasy-milter.service"])
    out = run(["systemd-analyze", "security", "--offline=true", "mixtasy-milter.service"])
    return out.strip().splitlines()[-1] if out.strip() else "?"


def dropin_round(root, conf, common):
    """The two features the unit's hardening breaks: -n warns while their
    drop-ins are missing, setup installs them (recorded, so the final
    --undo removes them), then -n is quiet and the unit still verifies."""
    feature_conf = os.path.join(root, "features.conf")
    text = "".join(l for l in open(conf) if not l.startswith("ReinjectURL"))
    with open(feature_conf, "w") as f:
        f.write(text + "ReinjectURL sendmail:/usr/sbin/sendmail\nWkdDirectory /srv/mixtasy-pkg-test/wkd\n")
    os.chmod(feature_conf, 0o644)
    warned = check_n(feature_conf)
    if len(warned) != 2 or "NoNewPrivileges=no" not in warned[0] or "WkdDirectory" not in warned[1]:
        raise Failure("-n did not warn about the two missing drop-ins: %s" % warned)
    base = verify_unit()
    setup([*[a if a != conf else feature_conf for a in common]])
    for name in ("sendmail-transport.conf", "wkd-directory.conf"):
        if not os.path.isfile(os.path.join(DROPINS, name)):
            raise Failure("setup did not install the drop-in " + name)
    if check_n(feature_conf):
        raise Failure("-n still warns with the drop-ins installed: %s" % check_n(feature_conf))
    with_dropins = verify_unit()
    log("ok   drop-ins: -n warned twice without them, setup installed both, -n quiet; "
        "systemd-analyze verify passes (security: %s; with both drop-ins: %s); "
        "not started: systemd is not PID 1 here" % (base, with_dropins))


def setup_round(root, maker):
    """Steps 2 to 4 on a private Postfix; returns nothing, raises Failure."""
    sink = SmtpSink(os.path.join(root, "sink")).start()
    smtp_port, reinject_port, milter_port = free_port(), free_port(), free_port()
    setup_reinject, setup_mix_in = free_port(), free_port()
    pf_root = os.path.join(root, "postfix")
    os.makedirs(pf_root)
    mta = Postfix(pf_root, smtp_port, reinject_port, milter_port, sink.port)
    etc = os.path.join(pf_root, "etc")
    # The instance registers a milter itself; setup is to add it.
    run(["postconf", "-c", etc, "-X", "smtpd_milters"])
    before = {f: open(os.path.join(etc, f), "rb").read() for f in ("main.cf", "master.cf")}
    snippets = test_snippets(root, milter_port, {10026: setup_reinject, 10027: setup_mix_in})
    conf = milter_conf(root, milter_port, setup_reinject)
    # The node's domain is the test messages' (MIX): the route setup writes
    # for the mix address is the one they take.
    common = ["-c", conf, "--config-dir", etc, "--snippets", snippets, "--address", MIX]
    try:
        diff = setup([*common, "--dry-run"])
        if ("+transport_maps" not in diff or "[127.0.0.1]:%d" % setup_mix_in not in diff
                or "127.0.0.1:%d" % setup_reinject not in diff or "+smtpd_milters" in diff):
            raise Failure("setup --dry-run printed no diff of the route and the services "
                          "(or put ours on the public smtpd):\n" + diff)
        if {f: open(os.path.join(etc, f), "rb").read() for f in before} != before:
            raise Failure("setup --dry-run changed the configuration")
        setup(common)
        key = os.stat(os.path.join(STATE_DIR, "secret.asc"))
        if key.st_uid != pwd.getpwnam("mixtasy").pw_uid:
            raise Failure("the node key setup made is not owned by mixtasy")
        state = open(os.path.join(STATE_DIR, "setup-postfix.state")).read()
        setup(common)
        if open(os.path.join(STATE_DIR, "setup-postfix.state")).read() != state:
            raise Failure("a second setup changed more")
        log("ok   setup postfix: dry-run diff, %d changes, node key owned by mixtasy, idempotent"
            % len(state.splitlines()))
        dropin_round(root, conf, common)
        node_round_trip(root, mta, maker, conf, milter_port, sink)
    finally:
        subprocess.run(["/usr/sbin/mixtasy-milter", "setup", "postfix", *common, "--undo"])
        sink.stop()
    after = {f: open(os.path.join(etc, f), "rb").read() for f in before}
    if after != before:
        raise Failure("setup --undo left a difference in main.cf or master.cf")
    log("ok   setup --undo: main.cf and master.cf byte for byte as before")


def purge_and_check(debs):
    files = []
    for pkg in ("mixtasy-milter", "mixtasy"):
        files += [f for f in run(["dpkg-query", "-L", pkg]).splitlines() if f.startswith("/")]
    run(["dpkg", "--purge", "mixtasy-milter", "mixtasy"])
    # Files and links only: dpkg lists directories too, and /lib is a link
    # to usr/lib on merged-/usr systems, shared with every package.
    left = [f for f in files if (os.path.isfile(f) or os.path.islink(f)) and not os.path.isdir(f)]
    left += [p for p in (STATE_DIR, DROPINS, "/etc/mixtasy-milter.conf") if os.path.lexists(p)]
    if left:
        raise Failure("left after purge: %s" % left)
    log("ok   purge: none of %d package paths, no state, no drop-in left" % len(files))


def rpm_flags(tree, env):
    """dpkg-buildflags' flags as debhelper gives them to CMake (CPPFLAGS
    folded into CFLAGS and CXXFLAGS), computed in the deb's tree so that its
    -ffile-prefix-map is the same string: the rpm compiles with the deb's
    command lines, and ccache serves it."""
    def get(name):
        return run(["dpkg-buildflags", "--get", name], cwd=tree, env=env).strip()
    cppflags = get("CPPFLAGS")
    return dict(env, CFLAGS=get("CFLAGS") + " " + cppflags, CXXFLAGS=get("CXXFLAGS") + " " + cppflags,
                LDFLAGS=get("LDFLAGS"))


def build_rpm(tree, src, env):
    top = os.path.join(BUILD_ROOT, "rpm")
    for d in ("SOURCES", "SPECS", "BUILD", "RPMS", "SRPMS", "BUILDROOT"):
        os.makedirs(os.path.join(top, d), exist_ok=True)
    name = "mixtasy-milter-" + VERSION
    run(["tar", "czf", os.path.join(top, "SOURCES", name + ".tar.gz"), "--exclude=" + name + "/debian",
         "--exclude=" + name + "/obj-*",
         "-C", os.path.dirname(tree), name])
    shutil.copy(os.path.join(src, "packaging", "systemd", "mixtasy-milter.sysusers"), os.path.join(top, "SOURCES"))
    macros = os.path.join(src, "packaging", "rpm", "debian-rpm.macros")
    env = rpm_flags(tree, env)
    t0 = time.time()
    if "CCACHE_DIR" in env:
        run(["ccache", "--zero-stats"], env=env)
    run(["nice", "rpmbuild", "-bb", "--nodeps", "--load", macros, "--define", "_topdir " + top,
         os.path.join(src, "packaging", "rpm", "mixtasy-milter.spec")], env=env)
    log("ok   .rpm built in %.0f s (%s)" % (time.time() - t0, ccache_stats(env)))
    want = {
        "mixtasy-milter": ["/etc/mixtasy-milter.conf", "/usr/sbin/mixtasy-milter",
                           "/usr/lib/systemd/system/mixtasy-milter.service",
                           "/usr/lib/sysusers.d/mixtasy-milter.conf", "/usr/lib/tmpfiles.d/mixtasy-milter.conf",
                           "/usr/share/doc/mixtasy-milter/examples/postfix-main.cf.snippet",
                           "/usr/share/man/man5/mixtasy-milter.conf.5", "/usr/share/man/man8/mixtasy-milter.8",
                           "/var/lib/mixtasy-milter"],
        "mixtasy": ["/usr/bin/mixtasy", "/usr/bin/mixtasy-mixmaster", "/usr/share/man/man1/mixtasy.1"],
    }
    for pkg, paths in want.items():
        rpms = glob.glob(os.path.join(top, "RPMS", "*", "%s-%s-*.rpm" % (pkg, VERSION)))
        if len(rpms) != 1:
            raise Failure("expected one %s rpm, found %s" % (pkg, rpms))
        listed = {p[:-3] if p.endswith(".gz") else p for p in run(["rpm", "-qlp", rpms[0]]).split()}
        missing = [p for p in paths if p not in listed]
        if missing:
            raise Failure("%s lacks %s" % (os.path.basename(rpms[0]), missing))
    log("ok   rpm -qlp: both packages hold their files")


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--src", required=True)
    p.add_argument("--maker", required=True)
    # For iterating on the install/setup/purge steps: debs built before
    # (their .changes beside them), and no rpm.  CTest passes neither.
    p.add_argument("--debs", help="use the .deb files (and .changes) in DIR instead of building"
                   " (and the tree in BUILD_ROOT for the rpm, if there)")
    p.add_argument("--no-rpm", action="store_true")
    p.add_argument("--ccache-dir", default="",
                   help="the test's own ccache (CTest: in the build tree); a CCACHE_DIR in the"
                        " environment wins, so a CI that keeps one across runs hits both builds")
    args = p.parse_args()
    missing = [t for t in TOOLS if not shutil.which(t)]
    if missing or os.geteuid() != 0:
        why = "needs root and %s" % missing
        if os.environ.get("CI") == "true":
            log("FAIL: " + why)
            return 1
        log("SKIP: " + why)
        return SKIP
    if subprocess.run(["dpkg", "-s", "mixtasy-milter"], capture_output=True).returncode == 0:
        log("FAIL: mixtasy-milter is installed on this machine; the test would purge it")
        return 1
    t0 = time.time()
    env = compiler_env(os.environ.get("CCACHE_DIR") or args.ccache_dir)
    root = tempfile.mkdtemp(prefix="mixtasy-pkg-")
    os.chmod(root, 0o755)  # the packaged user reads the test's configuration
    installed = False
    try:
        if args.debs:
            tree = os.path.join(BUILD_ROOT, "mixtasy-milter-" + VERSION)
            tree = tree if os.path.isdir(tree) else None
            debs = sorted(d for d in glob.glob(os.path.join(args.debs, "*.deb")) if "-dbgsym_" not in d)
            lint(args.debs)
        else:
            tree, debs = build_deb(args.src, env)
            lint(BUILD_ROOT)
        run(["dpkg", "-i", *debs])
        installed = True
        check_installed()
        setup_round(root, args.maker)
        purge_and_check(debs)
        installed = False
        if not args.no_rpm:
            build_rpm(tree or build_deb(args.src, env)[0], args.src, env)
    except Failure as e:
        log("FAIL: %s" % e)
        return 1
    finally:
        if installed:
            subprocess.run(["dpkg", "--purge", "mixtasy-milter", "mixtasy"], capture_output=True)
        shutil.rmtree(root, ignore_errors=True)
    log("ok   packaging:deb-rpm in %.0f s" % (time.time() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
