"""A small, real TCP proxy in front of a real server that freezes on command, for the tests of a
hung database (the server's process stopped, or a network path that swallows the packets while a
kernel still acknowledges them), without stopping the shared PostgreSQL itself.

`FreezingProxy(host, port)` listens on a free local port and forwards both ways. After
`freeze()`, it forwards nothing more and keeps every socket open: the bytes a client sends are
read (its kernel sees them acknowledged) and never passed on, and a new connection is accepted
and never answered. Leaving the `with` block closes everything.
"""

import contextlib
import socket
import threading


class FreezingProxy:
    def __init__(self, host: str, port: int):
        self.upstream = (host, port)
        self.frozen = threading.Event()
        self.release = threading.Event()
        self.connections = 0
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._listener = socket.socket()
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(50)
        self.port = self._listener.getsockname()[1]
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def freeze(self) -> None:
        self.frozen.set()

    def _keep(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)

    def _accept(self) -> None:
        while not self.release.is_set():
            try:
                client, _address = self._listener.accept()
            except OSError:
                return
            self._keep(client)
            self.connections += 1
            if self.frozen.is_set():
                continue  # accepted by the kernel, never answered
            try:
                server = socket.create_connection(self.upstream, timeout=5)
            except OSError:
                client.close()
                continue
            server.settimeout(None)
            self._keep(server)
            for source, target in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, target), daemon=True).start()

    def _pump(self, source: socket.socket, target: socket.socket) -> None:
        while True:
            try:
                data = source.recv(65536)
            except OSError:
                return
            if not data:
                if not self.frozen.is_set():
                    with contextlib.suppress(OSError):
                        target.shutdown(socket.SHUT_WR)
                return
            if self.frozen.is_set():
                self.release.wait(120)  # swallowed: read, acknowledged, never passed on
                return
            try:
                target.sendall(data)
            except OSError:
                return

    def __enter__(self) -> "FreezingProxy":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        """Every connection through the proxy ends (its clients see the server gone)."""
        self.release.set()
        self._listener.close()
        with self._lock:
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)  # wakes a thread waiting in recv
                sock.close()
