# SPDX-License-Identifier: BSD-2-Clause
"""e2e_common.py - what the end-to-end harness and its MTA instances share:
a log line, the failure exception, polling with a deadline, and whether an
SMTP server answers on a loopback port."""
import smtplib
import time


class Failure(Exception):
    pass


def log(msg):
    print(msg, flush=True)


def wait_for(pred, timeout, what):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return
        time.sleep(0.2)
    raise Failure("timed out waiting for " + what)


def smtp_listening(port):
    try:
        s = smtplib.SMTP("127.0.0.1", port, timeout=2)
        s.quit()
        return True
    except OSError:
        return False
