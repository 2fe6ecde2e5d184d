#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""hold_db_lock.py DB MARKER - hold an exclusive write lock on the node's
SQLite database while MARKER exists (at most 60 s), so that the real node's
commit waits past its busy_timeout and answers TempFail (scenario 05).
MARKER is created once the lock is held; remove it to release the lock."""
import os
import sqlite3
import sys
import time

db_path, marker = sys.argv[1], sys.argv[2]
db = sqlite3.connect(db_path, isolation_level=None, timeout=10)
db.execute("BEGIN EXCLUSIVE")
open(marker, "w").close()
deadline = time.time() + 60
while os.path.exists(marker) and time.time() < deadline:
    time.sleep(0.05)
db.execute("ROLLBACK")
db.close()
