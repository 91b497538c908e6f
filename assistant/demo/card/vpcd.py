"""The vpcd link: the virtual card as a TCP client of the vsmartcard-vpcd reader driver.

pcscd loads the vpcd driver, which listens on 127.0.0.1 port 35963 (first slot) and 35964
(second). A card connects; every message both ways is a 2-byte big-endian length and a
payload. A 1-byte payload from the reader is a control (00 power off, 01 power on, 02 reset,
04 "send your ATR"); a longer one is a command APDU, answered with the response APDU.
Connecting is inserting the card, closing the connection is removing it; pcscd and pyscard
then see a real card in "Virtual PCD 00 00".
"""

from __future__ import annotations

import contextlib
import logging
import socket
import struct
import threading
import time

from assistant.demo.card.model import VirtualCard, VirtualCardRemoved
from assistant.errors import ReaderError

log = logging.getLogger(__name__)

VPCD_HOST = "127.0.0.1"
VPCD_PORT = 0x8C7B

CTRL_OFF = 0x00
CTRL_ON = 0x01
CTRL_RESET = 0x02
CTRL_ATR = 0x04


def vpcd_reader_name(port: int = VPCD_PORT) -> str:
    """The PC/SC reader name pcscd gives the vpcd slot listening on ``port``."""
    return f"Virtual PCD 00 {port - VPCD_PORT:02d}"


class VpcdLink:
    """Puts a :class:`VirtualCard` into a vpcd slot; ``insert``/``remove`` as often as wanted."""

    def __init__(self, card: VirtualCard, port: int = VPCD_PORT, host: str = VPCD_HOST) -> None:
        self.card = card
        self.host = host
        self.port = port
        self.reader_name = vpcd_reader_name(port)
        self._sock: socket.socket | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._gone = threading.Event()
        self._gone.set()
        self._active = threading.Event()

    @property
    def inserted(self) -> bool:
        """Whether the card is in the reader (connected to vpcd)."""
        return not self._gone.is_set()

    def insert(self, card: VirtualCard | None = None) -> None:
        """Connect to vpcd (insert the card); ``card`` replaces the card first."""
        with self._lock:
            if self._thread is not None:
                self._disconnect()
            if card is not None:
                self.card = card
            try:
                sock = socket.create_connection((self.host, self.port), timeout=2.0)
            except OSError as exc:
                raise ReaderError(f"vpcd not reachable on port {self.port}: {exc}") from exc
            sock.settimeout(None)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            self._sock = sock
            self._gone.clear()
            self._active.clear()
            self.card.on_insert()
            self._thread = threading.Thread(
                target=self._serve, args=(sock,), name=f"vpcd-{self.port}", daemon=True
            )
            self._thread.start()

    def remove(self) -> None:
        """Close the connection (remove the card)."""
        with self._lock:
            self._disconnect()

    def close(self) -> None:
        """Remove the card and stop the link."""
        self.remove()

    def wait_active(self, timeout: float) -> bool:
        """Wait until vpcd talks to the card: the slot accepted it (it may be busy with
        another card, whose connection vpcd serves first)."""
        return self._active.wait(timeout)

    def wait_removed(self, timeout: float) -> bool:
        """Wait until the card is out (e.g. after a removal fault)."""
        return self._gone.wait(timeout)

    def _disconnect(self) -> None:
        sock, thread = self._sock, self._thread
        self._sock, self._thread = None, None
        self.card.interrupt()
        if sock is not None:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout=5)
        self._gone.set()

    def _serve(self, sock: socket.socket) -> None:
        try:
            while True:
                message = _receive(sock)
                if message is None:
                    break
                self._active.set()
                if len(message) == 1:
                    reply = self._control(message[0])
                    if reply is not None:
                        _send(sock, reply)
                    continue
                try:
                    response = self.card.process(message)
                except VirtualCardRemoved:
                    # Pulled out while vpcd waits for the answer (remove_after=0): vpcd
                    # then hands pcscd an empty response for this command.
                    log.debug("virtual card pulled out by the fault plan")
                    _abort(sock)
                    break
                _send(sock, response)
                if self.card.removal_due():
                    # Pulled out right after this answer: vpcd then fails the next command
                    # (closing while vpcd waits for an answer would give it an empty one).
                    _abort(sock)
                    break
        except OSError:
            pass
        finally:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
            self.card.power_off()
            self._gone.set()

    def _control(self, code: int) -> bytes | None:
        if code == CTRL_OFF:
            self.card.power_off()
        elif code == CTRL_ON:
            self.card.power_on()
        elif code == CTRL_RESET:
            self.card.reset()
        elif code == CTRL_ATR:
            return self.card.atr
        return None


def _abort(sock: socket.socket) -> None:
    """Reset the connection (RST, not FIN): vpcd then fails the pending command instead of
    returning an empty response, as a reader does when the card is pulled mid-command."""
    with contextlib.suppress(OSError):
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    sock.close()


def _receive(sock: socket.socket) -> bytes | None:
    header = _read_exact(sock, 2)
    if header is None:
        return None
    (length,) = struct.unpack(">H", header)
    return _read_exact(sock, length)


def _read_exact(sock: socket.socket, n: int) -> bytes | None:
    chunks = bytearray()
    while len(chunks) < n:
        _quick_ack(sock)
        chunk = sock.recv(n - len(chunks))
        if not chunk:
            return None
        chunks += chunk
    return bytes(chunks)


_TCP_QUICKACK = getattr(socket, "TCP_QUICKACK", None)


def _quick_ack(sock: socket.socket) -> None:
    """ACK at once: vpcd writes the length and the payload separately, so with Nagle on its
    side a delayed ACK here would hold every command back by ~40 ms."""
    if _TCP_QUICKACK is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.IPPROTO_TCP, _TCP_QUICKACK, 1)


def _send(sock: socket.socket, payload: bytes) -> None:
    sock.sendall(struct.pack(">H", len(payload)) + payload)


def wait_for_card_state(reader_name: str, present: bool, timeout: float = 5.0) -> bool:
    """Wait until pcscd reports a card (or no card) in ``reader_name``; False on timeout.

    Uses pyscard's SCardGetStatusChange, so it blocks in pcscd rather than polling.
    """
    from smartcard import scard

    deadline = time.monotonic() + timeout
    hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
    if hresult != scard.SCARD_S_SUCCESS:
        return False
    try:
        state = scard.SCARD_STATE_UNAWARE
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            hresult, states = scard.SCardGetStatusChange(
                context, int(min(left, 1.0) * 1000), [(reader_name, state)]
            )
            if hresult == scard.SCARD_E_TIMEOUT:
                continue
            if hresult != scard.SCARD_S_SUCCESS:
                return False
            _, event_state, _ = states[0]
            if event_state & scard.SCARD_STATE_UNKNOWN:
                return False
            is_present = bool(event_state & scard.SCARD_STATE_PRESENT)
            if is_present == present and not event_state & scard.SCARD_STATE_MUTE:
                return True
            state = event_state & ~scard.SCARD_STATE_CHANGED
    finally:
        scard.SCardReleaseContext(context)
