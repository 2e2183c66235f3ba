"""Small, real SMTP servers that misbehave on purpose, on a free local port, for the outbox
tests (in the test process or reached by a worker process).

`SMTPServer(behaviour)`:
- "ok": a well-behaved server; records every message's Message-ID it accepted.
- "silent": accepts the connection and never says a word (not even the greeting).
- "refuse-recipient": answers RCPT TO with 550 (no such mailbox: permanent).
- "reject-data": answers the message with 554 (rejected as spam: permanent).
- "busy": answers the message with 451 (try later: temporary).
- "hang-on-quit": accepts the message (250 after DATA) and then never answers QUIT.
"""

import re
import socket
import socketserver
import threading


class _Handler(socketserver.StreamRequestHandler):
    server: "_Server"

    def _send(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        owner = self.server.owner
        owner.connections += 1
        behaviour = owner.behaviour
        if behaviour == "silent":
            owner.release.wait(60)
            return
        self._send("220 test.localhost ESMTP")
        while True:
            line = self.rfile.readline()
            if not line:
                return
            command = line.decode(errors="replace").strip().upper()
            if command.startswith(("EHLO", "HELO")):
                self._send("250 test.localhost")
            elif command.startswith("MAIL FROM"):
                self._send("250 OK")
            elif command.startswith("RCPT TO"):
                if behaviour == "refuse-recipient":
                    self._send("550 5.1.1 No such mailbox here")
                else:
                    self._send("250 OK")
            elif command == "DATA":
                self._send("354 Go ahead")
                data = b""
                while not data.endswith(b"\r\n.\r\n"):
                    chunk = self.rfile.readline()
                    if not chunk:
                        return
                    data += chunk
                if behaviour == "reject-data":
                    self._send("554 5.7.1 Message rejected as spam")
                elif behaviour == "busy":
                    self._send("451 4.3.0 Try again later")
                else:
                    found = re.search(rb"^Message-ID: (\S+)", data, re.MULTILINE | re.IGNORECASE)
                    with owner.lock:
                        owner.accepted.append(found.group(1).decode() if found else "")
                    self._send("250 OK queued")
            elif command == "RSET":
                self._send("250 OK")
            elif command == "QUIT":
                if behaviour == "hang-on-quit":
                    owner.quit_seen.set()
                    owner.release.wait(60)
                    return
                self._send("221 Bye")
                return
            else:
                self._send("502 Not implemented")


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    owner: "SMTPServer"


class SMTPServer:
    def __init__(self, behaviour: str = "ok"):
        self.behaviour = behaviour
        self.accepted: list[str] = []
        self.connections = 0
        self.lock = threading.Lock()
        self.quit_seen = threading.Event()
        self.release = threading.Event()
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.owner = self
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> "SMTPServer":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
