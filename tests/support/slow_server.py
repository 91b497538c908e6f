"""A loopback HTTP server that drips its answer one byte at a time (for the deadline tests).

It speaks just enough HTTP/1.1: it reads the request head, then sends the answer's head and
body byte by byte, ``gap`` seconds apart; the head alone (``drip="head"``) or the head at once
and the body slowly (``drip="body"``). With ``fast_first`` the first request of each connection
is answered at once and the connection kept open, so that the next request (on the reused
connection) is the slow one. Every connection is served in its own thread; stop() closes them.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

BODY = b'{"resourceType": "Patient", "id": "p", "text": "' + b"x" * 8000 + b'"}'


class SlowServer:
    def __init__(self, drip: str, gap: float, fast_first: bool = False) -> None:
        self.drip = drip
        self.gap = gap
        self.fast_first = fast_first
        self.connections = 0
        self.stopped = threading.Event()
        self.requests: list[bytes] = []
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.2)
        self.port = self._listener.getsockname()[1]
        self._threads: list[threading.Thread] = []
        self._accept = threading.Thread(target=self._serve, name="slow-server", daemon=True)
        self._accept.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _addr = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            self.connections += 1
            t = threading.Thread(target=self._answer, args=(conn,), daemon=True)
            self._threads.append(t)
            t.start()

    def _read_head(self, conn: socket.socket) -> bool:
        head = b""
        while b"\r\n\r\n" not in head:
            chunk = conn.recv(4096)
            if not chunk:
                return False
            head += chunk
        self.requests.append(head)
        return True

    def _answer(self, conn: socket.socket) -> None:
        with conn:
            if not self._read_head(conn):
                return
            answer_head = (
                b"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\n"
                + f"Content-Length: {len(BODY)}\r\n\r\n".encode()
            )
            if self.fast_first:
                conn.sendall(answer_head + BODY)
                if not self._read_head(conn):
                    return
            if self.drip == "body":
                conn.sendall(answer_head)
                slow = BODY
            else:
                slow = answer_head + BODY
            for i in range(len(slow)):
                if self.stopped.wait(self.gap):
                    return
                try:
                    conn.sendall(slow[i : i + 1])
                except OSError:
                    return  # the client gave up: what the tests want

    def stop(self) -> None:
        self.stopped.set()
        self._listener.close()
        for t in self._threads:
            t.join(timeout=2)
        self._accept.join(timeout=2)


@contextmanager
def slow_server(
    drip: str = "head", gap: float = 0.1, *, fast_first: bool = False
) -> Iterator[SlowServer]:
    server = SlowServer(drip, gap, fast_first)
    try:
        yield server
    finally:
        server.stop()
