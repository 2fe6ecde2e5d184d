# SPDX-License-Identifier: BSD-2-Clause
"""smtp_tee.py - an SMTP relay on loopback that keeps a copy of every
message and passes it on to one fixed SMTP server (tests only).

SmtpTee(directory, upstream_port).start() listens on 127.0.0.1 on a free
port (.port).  Each message is handed to 127.0.0.1:upstream_port in its own
SMTP session and the upstream's reply is the tee's reply, so the client sees
what it would have seen without the tee.  Accepted messages are kept as
<directory>/<n>.eml, exactly the bytes the client sent after dot-unstuffing;
messages() returns (envelope_from, recipients, bytes) for each.

Limits: a command line is read up to MAX_LINE bytes, a message up to
MAX_MESSAGE bytes (larger ones get 552 and are not passed on).  No STARTTLS,
no AUTH: the client (libcurl with USE_SSL TRY) talks plain SMTP.
"""
import json
import os
import smtplib
import socketserver
import threading

MAX_LINE = 4096
MAX_MESSAGE = 64 * 1024 * 1024
UPSTREAM_TIMEOUT = 60


class _Handler(socketserver.StreamRequestHandler):
    def _say(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def _read_data(self):
        data = bytearray()
        while True:
            line = self.rfile.readline(MAX_LINE * 256)
            if not line or line in (b".\r\n", b".\n"):
                return bytes(data) if line else None
            if line.startswith(b"."):
                line = line[1:]
            if len(data) + len(line) <= MAX_MESSAGE:
                data += line
            else:
                data = bytearray(b"\0" * (MAX_MESSAGE + 1))  # remembered as too large

    def handle(self):
        tee = self.server.tee
        self._say("220 tee.test ESMTP tee")
        mail_from, rcpts = None, []
        while True:
            line = self.rfile.readline(MAX_LINE)
            if not line:
                return
            cmd = line.decode("latin-1").rstrip("\r\n")
            upper = cmd.upper()
            if upper[:4] in ("EHLO", "HELO"):
                self.wfile.write(b"250-tee.test\r\n250-8BITMIME\r\n250 SIZE %d\r\n" % MAX_MESSAGE)
                self.wfile.flush()
            elif upper.startswith("MAIL FROM:"):
                mail_from, rcpts = cmd[10:].strip().split(" ")[0].strip("<>"), []
                self._say("250 2.1.0 ok")
            elif upper.startswith("RCPT TO:"):
                rcpts.append(cmd[8:].strip().split(" ")[0].strip("<>"))
                self._say("250 2.1.5 ok")
            elif upper[:4] == "DATA":
                self._say("354 go ahead")
                data = self._read_data()
                if data is None:
                    return
                if len(data) > MAX_MESSAGE:
                    self._say("552 5.3.4 too large for the tee")
                    continue
                self._say(tee.relay(mail_from, rcpts, data))
            elif upper[:4] in ("RSET", "NOOP"):
                self._say("250 ok")
            elif upper[:4] == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 5.5.2 unknown")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpTee:
    def __init__(self, directory, upstream_port):
        self.directory = directory
        self.upstream_port = upstream_port
        os.makedirs(directory, exist_ok=True)
        self._lock = threading.Lock()
        self._count = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.tee = self
        self.port = self._server.server_address[1]

    def relay(self, mail_from, rcpts, data):
        """Passes one message upstream; returns the SMTP reply line for the
        client.  Only what upstream accepted is kept."""
        try:
            with smtplib.SMTP("127.0.0.1", self.upstream_port, timeout=UPSTREAM_TIMEOUT) as s:
                s.sendmail(mail_from, rcpts, data)
        except smtplib.SMTPResponseException as e:
            return "%d %s" % (e.smtp_code, e.smtp_error.decode(errors="replace"))
        except smtplib.SMTPRecipientsRefused as e:
            code, text = next(iter(e.recipients.values()))
            return "%d %s" % (code, text.decode(errors="replace"))
        except (OSError, smtplib.SMTPException) as e:
            return "451 4.4.1 upstream: %s" % e
        with self._lock:
            self._count += 1
            n = self._count
        base = os.path.join(self.directory, "%06d" % n)
        with open(base + ".json", "w") as f:  # before the .eml messages() looks for
            json.dump({"from": mail_from, "to": rcpts}, f)
        with open(base + ".eml", "wb") as f:
            f.write(data)
        return "250 2.0.0 passed on"

    def messages(self):
        out = []
        for name in sorted(os.listdir(self.directory)):
            if name.endswith(".eml"):
                base = os.path.join(self.directory, name[:-4])
                env = json.load(open(base + ".json"))
                out.append((env["from"], env["to"], open(base + ".eml", "rb").read()))
        return out

    def start(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
