# SPDX-License-Identifier: BSD-2-Clause
"""sasl_auth_stub.py - a small server of Dovecot's authentication protocol
(auth protocol 1.1, what Postfix's `smtpd_sasl_type = dovecot` speaks) on
a unix socket, accepting one test user with PLAIN.  Enough for a real
Postfix smtpd to offer and check SMTP AUTH in the e2e tests without a
Dovecot installation; nothing else of Dovecot is imitated."""
import base64
import os
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    def _say(self, line):
        self.wfile.write((line + "\n").encode())
        self.wfile.flush()

    def handle(self):
        self._say("VERSION\t1\t1")
        self._say("MECH\tPLAIN\tplaintext")
        self._say("SPID\t%d" % os.getpid())
        self._say("CUID\t1")
        self._say("COOKIE\t" + "0" * 32)
        self._say("DONE")
        for raw in self.rfile:
            fields = raw.decode(errors="replace").rstrip("\n").split("\t")
            if fields[0] == "AUTH" and len(fields) >= 3:
                self._auth(fields[1], fields[2], fields[3:])
            elif fields[0] == "CONT" and len(fields) >= 3:
                self._check(fields[1], fields[2])

    def _auth(self, request_id, mech, params):
        if mech.upper() != "PLAIN":
            self._say("FAIL\t%s\treason=unsupported mechanism" % request_id)
            return
        for p in params:
            if p.startswith("resp="):
                self._check(request_id, p[len("resp="):])
                return
        self._say("CONT\t%s\t" % request_id)  # empty challenge: send the response

    def _check(self, request_id, response):
        try:
            parts = base64.b64decode(response).split(b"\0")
        except ValueError:
            parts = []
        user, password = (parts[1].decode(), parts[2].decode()) if len(parts) == 3 else ("", "")
        server = self.server
        if user == server.user and password == server.password:
            self._say("OK\t%s\tuser=%s" % (request_id, user))
            server.logins.append(user)
        else:
            self._say("FAIL\t%s\tuser=%s" % (request_id, user))


class _Server(socketserver.ThreadingUnixStreamServer):
    daemon_threads = True


class UnixAuthStub:
    """A threaded unix-socket server that accepts one user; `handler`
    speaks the protocol and appends each accepted login to server.logins.
    UnixAuthStub(path, user, password, handler).start(); .stop() removes
    the socket.  The socket is mode 0666: the MTA's own user connects."""

    def __init__(self, path, user, password, handler):
        self.path = path
        self._server = _Server(path, handler)
        self._server.user = user
        self._server.password = password
        self._server.logins = []
        os.chmod(path, 0o666)

    @property
    def logins(self):
        return list(self._server.logins)

    def start(self):
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()
        try:
            os.unlink(self.path)
        except OSError:
            pass


class SaslAuthStub(UnixAuthStub):
    """SaslAuthStub(path, user, password): Dovecot's protocol, for Postfix."""

    def __init__(self, path, user, password):
        super().__init__(path, user, password, _Handler)
