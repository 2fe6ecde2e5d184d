#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""man_test: the man pages are lint-clean and document what the programs know.

    man_test.py lint     SRC MANDIR            mandoc -T lint of every built page
    man_test.py keys     SRC KEYS_PROGRAM      conf(5) keys == known_config_keys()
    man_test.py commands SRC MIXTASY MILTER    every subcommand and option documented

SRC is the source tree (man/*.scd).  A failure names what is missing, e.g.
"mixtasy-milter.conf(5) lacks key PoolRetryMax: add a '*PoolRetryMax* DEFAULT'
entry to man/mixtasy-milter.conf.5.scd", so whoever adds a key or a command
sees where its documentation goes.  Without mandoc the lint check fails (it
is in scripts/install-deps).
"""
import os
import re
import shutil
import subprocess
import sys

# scdoc writes a .PP after every .SH and around blank lines; mandoc calls
# that a warning of style, not of content.  Everything else fails the test.
SCDOC_NOISE = re.compile(r"skipping paragraph macro: PP (empty|after SH)")


def fail(problems):
    for p in problems:
        print("FAIL:", p)
    return 1 if problems else 0


def lint(src, mandir):
    mandoc = shutil.which("mandoc")
    if not mandoc:
        return fail(["mandoc not installed (scripts/install-deps installs it)"])
    pages = sorted(f for f in os.listdir(mandir) if re.search(r"\.[0-9]$", f))
    if len(pages) != 3:
        return fail([f"expected 3 pages in {mandir}, found {pages}"])
    problems = []
    for page in pages:
        r = subprocess.run([mandoc, "-T", "lint", "-W", "warning", os.path.join(mandir, page)],
                           capture_output=True, text=True)
        for line in (r.stdout + r.stderr).splitlines():
            if line.strip() and not SCDOC_NOISE.search(line):
                problems.append(f"{page}: {line}")
    print(f"linted {len(pages)} pages")
    return fail(problems)


def documented_keys(scd):
    # An entry is a line "*Key* default" in a section whose title ends in KEYS.
    keys, in_keys = set(), False
    for line in open(scd):
        if line.startswith("# "):
            in_keys = line.rstrip().endswith("KEYS")
        m = re.match(r"^\*([A-Z][A-Za-z0-9]+)\*", line)
        if in_keys and m:
            keys.add(m.group(1))
    return keys


def keys(src, program):
    scd = os.path.join(src, "man", "mixtasy-milter.conf.5.scd")
    known = set(subprocess.run([program], capture_output=True, text=True,
                               check=True).stdout.split())
    doc = documented_keys(scd)
    problems = [f"mixtasy-milter.conf(5) lacks key {k}: add a '*{k}* DEFAULT' entry "
                f"to man/mixtasy-milter.conf.5.scd" for k in sorted(known - doc)]
    problems += [f"mixtasy-milter.conf(5) documents {k}, which the parser does not know "
                 f"(milter/config.cpp kKeys)" for k in sorted(doc - known)]
    print(f"{len(known)} keys known, {len(doc)} documented")
    return fail(problems)


def subcommands(mixtasy, path):
    """Every subcommand below `mixtasy PATH...`, from CLI11's --help."""
    out = subprocess.run([mixtasy, *path, "--help"], capture_output=True, text=True).stdout
    found = []
    if "Subcommands:" in out:
        for line in out.split("Subcommands:", 1)[1].splitlines()[1:]:
            m = re.match(r"^  ([a-z][a-z0-9-]*)\s", line)
            if m:
                found.append(path + [m.group(1)])
            elif line.strip() and not line.startswith(" "):
                break
    result = []
    for sub in found:
        result.append(sub)
        result += subcommands(mixtasy, sub)
    return result


def milter_options(milter):
    r = subprocess.run([milter, "-h"], capture_output=True, text=True)
    usage = r.stdout + r.stderr
    options = set(re.findall(r"^\s+(-[A-Za-z]|--[a-z][a-z-]+)\b", usage, re.M))
    return options, usage


def commands(src, mixtasy, milter):
    problems = []
    page1 = open(os.path.join(src, "man", "mixtasy.1.scd")).read()
    subs = subcommands(mixtasy, [])
    for sub in subs:
        entry = "*mixtasy " + " ".join(sub) + "*"
        if entry not in page1:
            problems.append(f"mixtasy(1) lacks command '{' '.join(sub)}': add an entry "
                            f"'{entry}' to man/mixtasy.1.scd")
    page8 = open(os.path.join(src, "man", "mixtasy-milter.8.scd")).read()
    options, usage = milter_options(milter)
    setup = subprocess.run([milter, "setup", "--help"], capture_output=True, text=True)
    options |= set(re.findall(r"^\s+(-[A-Za-z]|--[a-z][a-z-]+)\b", setup.stdout + setup.stderr,
                              re.M))
    for opt in sorted(options):
        if f"*{opt}*" not in page8:
            problems.append(f"mixtasy-milter(8) lacks option {opt}: add an entry '*{opt}*' "
                            f"to man/mixtasy-milter.8.scd")
    if len(subs) < 10 or len(options) < 4:
        problems.append(f"too few found ({len(subs)} commands, {len(options)} options): "
                        f"did the help format change?\n{usage}")
    print(f"{len(subs)} mixtasy commands, {len(options)} mixtasy-milter options checked")
    return fail(problems)


if __name__ == "__main__":
    what, args = sys.argv[1], sys.argv[2:]
    sys.exit({"lint": lint, "keys": keys, "commands": commands}[what](*args))
