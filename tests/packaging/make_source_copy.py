#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""make_source_copy.py SRC DEST: the source tree as a packager gets it
(the files git knows, committed or not, without build trees), with
packaging/debian copied to debian/ as dpkg-buildpackage wants it."""
import os
import shutil
import subprocess
import sys

src, dest = sys.argv[1], sys.argv[2]
files = subprocess.run(["git", "-C", src, "ls-files", "-co", "--exclude-standard", "-z"],
                       capture_output=True, check=True).stdout.decode().split("\0")
for f in filter(None, files):
    if f.startswith("build/") or not os.path.lexists(os.path.join(src, f)):
        continue
    os.makedirs(os.path.dirname(os.path.join(dest, f)) or dest, exist_ok=True)
    shutil.copy2(os.path.join(src, f), os.path.join(dest, f), follow_symlinks=False)
shutil.copytree(os.path.join(src, "packaging", "debian"), os.path.join(dest, "debian"))
