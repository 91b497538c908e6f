"""The demo hub on loopback HTTPS: a threading HTTP/1.1 server (keep-alive) running the WSGI app.

Used by tests and benchmarks so the FHIR client is exercised over real TCP + TLS. The TLS
server certificate comes from the test PKI (``assistant.demo.card.pki``).
"""

from __future__ import annotations

import io
import logging
import socket
import ssl
import struct
import sys
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import unquote_to_bytes

from assistant.demo.hub.app import AbortConnection, HubApp, make_hub_app
from assistant.demo.hub.misbehaviour import Misbehaviour

log = logging.getLogger(__name__)

IDLE_TIMEOUT = 30.0
MAX_BODY = 256 * 1024


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _HubHttpServer
    server_version = "DemoHub/1.0"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(IDLE_TIMEOUT)
        self.server.track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        except OSError:
            pass
        finally:
            self.server.track(self.connection, add=False)

    def log_message(self, format: str, *args: Any) -> None:
        return  # no request lines in logs: query strings may hold ids

    def do_GET(self) -> None:
        self._run_app()

    def do_POST(self) -> None:
        self._run_app()

    def do_PUT(self) -> None:
        self._run_app()

    def do_DELETE(self) -> None:
        self._run_app()

    def _environ(self, body: bytes) -> dict[str, Any]:
        path, _, query = self.path.partition("?")
        path = unquote_to_bytes(path).decode("latin-1")  # PEP 3333: PATH_INFO is decoded
        host, port = self.server.server_address[:2]
        environ: dict[str, Any] = {
            "REQUEST_METHOD": self.command,
            "SCRIPT_NAME": "",
            "PATH_INFO": path,
            "QUERY_STRING": query,
            "SERVER_NAME": str(host),
            "SERVER_PORT": str(port),
            "SERVER_PROTOCOL": self.request_version,
            "CONTENT_TYPE": self.headers.get("Content-Type", ""),
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "https",
            "wsgi.input": io.BytesIO(body),
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": False,
            "wsgi.run_once": False,
        }
        for key, value in self.headers.items():
            name = "HTTP_" + key.upper().replace("-", "_")
            if name not in ("HTTP_CONTENT_TYPE", "HTTP_CONTENT_LENGTH"):
                environ[name] = value
        return environ

    def _run_app(self) -> None:
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.send_error(413 if length > 0 else 400)
            self.close_connection = True
            return
        environ = self._environ(self.rfile.read(length) if length else b"")
        response: dict[str, Any] = {}

        def start_response(
            status: str, headers: list[tuple[str, str]], exc_info: Any = None
        ) -> Callable[[bytes], Any]:
            response["status"] = status
            response["headers"] = headers
            return self.wfile.write

        try:
            body: Iterable[bytes] = self.server.app(environ, start_response)
        except AbortConnection:
            self._reset()
            return
        code, _, reason = response["status"].partition(" ")
        self.send_response(int(code), reason)
        for name, value in response["headers"]:
            self.send_header(name, value)
        self.end_headers()
        try:
            for chunk in body:
                self.wfile.write(chunk)
        except OSError:
            self.close_connection = True  # the client went away (e.g. a size limit)
        finally:
            close = getattr(body, "close", None)
            if close is not None:
                close()

    def _reset(self) -> None:
        """Drop the TCP connection with an RST, without a TLS close_notify."""
        self.close_connection = True
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.rfile.close()
            self.wfile.close()
            self.connection.close()  # no close_notify, linger 0: the peer gets an RST
        except OSError:
            pass


class _HubHttpServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False
    allow_reuse_address = True

    def __init__(self, address: tuple[str, int], app: HubApp, context: ssl.SSLContext) -> None:
        super().__init__(address, _Handler)
        self.app = app
        self.context = context
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()

    def get_request(self) -> tuple[socket.socket, Any]:
        sock, addr = self.socket.accept()
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # The TLS handshake happens lazily in the handler thread, never in the accept loop.
        wrapped = self.context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return wrapped, addr

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (OSError, ssl.SSLError)):
            return  # handshake failures, resets, timeouts: normal on a test server
        log.exception("demo hub: request handler failed")

    def track(self, sock: socket.socket, *, add: bool) -> None:
        with self._open_lock:
            if add:
                self._open.add(sock)
            else:
                self._open.discard(sock)

    def close_all(self) -> None:
        with self._open_lock:
            open_now = list(self._open)
            self._open.clear()
        for sock in open_now:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass


@dataclass
class RunningHub:
    """A hub serving HTTPS on 127.0.0.1 until :meth:`stop`."""

    base_url: str
    ca_pem_path: Path
    app: HubApp
    _server: _HubHttpServer
    _thread: threading.Thread

    @property
    def port(self) -> int:
        return int(self._server.server_address[1])

    def set_misbehaviour(self, misbehaviour: Misbehaviour | None) -> None:
        self.app.set_misbehaviour(misbehaviour)

    def stop(self) -> None:
        self.app.stop()
        self._server.shutdown()
        self._server.close_all()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> RunningHub:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def serve_hub_tls(
    host: str = "127.0.0.1",
    port: int = 0,
    misbehaviour: Misbehaviour | None = None,
    *,
    app: HubApp | None = None,
    credentials: tuple[Path, Path, Path] | None = None,
) -> RunningHub:
    """Start the hub on ``host:port`` (0 = any free port) with the test TLS certificate."""
    if credentials is None:
        from assistant.demo.card.pki import tls_server_credentials

        credentials = tls_server_credentials()
    cert_path, key_path, ca_path = credentials
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.minimum_version = ssl.TLSVersion.TLSv1_2
    context.load_cert_chain(cert_path, key_path)
    hub_app = app if app is not None else make_hub_app()
    hub_app.set_misbehaviour(misbehaviour)
    server = _HubHttpServer((host, port), hub_app, context)
    base_url = f"https://{host}:{server.server_address[1]}"
    hub_app.authority.bind_origin(base_url)  # before the first request can arrive
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="demo-hub", daemon=True
    )
    thread.start()
    return RunningHub(base_url, Path(ca_path), hub_app, server, thread)
