# SPDX-License-Identifier: BSD-2-Clause
"""smtp_sink.py - a small SMTP listener on loopback that stores every
message it accepts as one file (tests only).

SmtpSink(directory).start() listens on 127.0.0.1 on a free port (.port);
each accepted message becomes <directory>/<n>.eml with the envelope in
X-Sink-From / X-Sink-To lines in front.  Threaded, one thread a connection.
"""
import os
import socket
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def _say(self, line):
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self):
        sink = self.server.sink
        self._say("220 sink.test ESMTP sink")
        mail_from, rcpts = None, []
        while True:
            line = self.rfile.readline(65536)
            if not line:
                return
            cmd = line.decode("latin-1").rstrip("\r\n")
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-sink.test\r\n250-8BITMIME\r\n250 PIPELINING\r\n")
                self.wfile.flush()
            elif cmd.upper().startswith("MAIL FROM:"):
                mail_from, rcpts = cmd[10:].split(" ")[0], []
                self._say("250 2.1.0 ok")
            elif cmd.upper().startswith("RCPT TO:"):
                rcpts.append(cmd[8:].split(" ")[0])
                self._say("250 2.1.5 ok")
            elif verb == "DATA":
                self._say("354 go ahead")
                data = bytearray()
                while True:
                    l = self.rfile.readline(1 << 20)
                    if not l or l in (b".\r\n", b".\n"):
                        break
                    if l.startswith(b"."):
                        l = l[1:]
                    data += l
                sink.store(mail_from, rcpts, bytes(data))
                self._say("250 2.0.0 stored")
            elif verb in ("RSET", "NOOP"):
                self._say("250 ok")
            elif verb == "QUIT":
                self._say("221 bye")
                return
            else:
                self._say("502 5.5.2 unknown")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    def __init__(self, directory):
        self.directory = directory
        os.makedirs(directory, exist_ok=True)
        self._lock = threading.Lock()
        self._count = 0
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.sink = self
        self.port = self._server.server_address[1]

    def store(self, mail_from, rcpts, data):
        with self._lock:
            self._count += 1
            n = self._count
        head = "X-Sink-From: %s\r\nX-Sink-To: %s\r\n" % (mail_from, ",".join(rcpts))
        with open(os.path.join(self.directory, "%06d.eml" % n), "wb") as f:
            f.write(head.encode() + data)

    def count(self):
        with self._lock:
            return self._count

    def start(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port
