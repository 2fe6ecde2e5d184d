# SPDX-License-Identifier: BSD-2-Clause
"""saslauthd_stub.py - a small server of saslauthd's protocol (what Cyrus
SASL's `pwcheck_method: saslauthd` speaks, and so Sendmail's AUTH) on a
unix socket, accepting one test user.  The request is four strings (login,
password, service, realm), each a 2-byte big-endian length and its bytes;
the answer one such string, "OK" or "NO".  Nothing else of saslauthd is
imitated."""
import os
import socketserver
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from sasl_auth_stub import UnixAuthStub  # noqa: E402


class _Handler(socketserver.BaseRequestHandler):
    def _read(self, n):
        data = b""
        while len(data) < n:
            chunk = self.request.recv(n - len(data))
            if not chunk:
                raise EOFError
            data += chunk
        return data

    def _string(self):
        (n,) = struct.unpack(">H", self._read(2))
        if n > 1024:  # a test stub, but hostile lengths still end the request
            raise EOFError
        return self._read(n).decode(errors="replace")

    def handle(self):
        try:
            login, password = self._string(), self._string()
            self._string(), self._string()  # service, realm
        except EOFError:
            return
        ok = login == self.server.user and password == self.server.password
        answer = b"OK" if ok else b"NO authentication failed"
        self.request.sendall(struct.pack(">H", len(answer)) + answer)
        if ok:
            self.server.logins.append(login)


class SaslauthdStub(UnixAuthStub):
    """SaslauthdStub(path, user, password): saslauthd's protocol, for Sendmail."""

    def __init__(self, path, user, password):
        super().__init__(path, user, password, _Handler)
