"""The real PC/SC backend: pcscd (or WinSCard) through pyscard's low-level ``scard`` module.

Errors are mapped to the shared taxonomy: no service → :class:`ServiceUnavailableError`;
card removed or reset, or reader unplugged during a command → ``CardRemovedError``; a mute
card → ``CardError``; anything else from the reader → ``ReaderError``. Every call blocks;
the monitor thread and worker threads call it, never the GUI thread.
"""

from __future__ import annotations

import logging
import sys
import threading
from typing import Any

from smartcard import scard

from assistant.card.connection import CardConnection
from assistant.card.service import ServiceUnavailableError
from assistant.errors import CardError, CardRemovedError, ReaderError

log = logging.getLogger(__name__)

#: The pseudo reader that reports readers being plugged in or out.
PNP_NOTIFICATION = "\\\\?PnP?\\Notification"


def _code(hresult: int) -> int:
    return hresult & 0xFFFFFFFF


_SERVICE_DOWN = {
    _code(scard.SCARD_E_NO_SERVICE),
    _code(scard.SCARD_E_SERVICE_STOPPED),
    _code(scard.SCARD_E_INVALID_HANDLE),
    _code(scard.SCARD_F_COMM_ERROR),
}
_CARD_GONE = {
    _code(scard.SCARD_W_REMOVED_CARD),
    _code(scard.SCARD_W_RESET_CARD),
    _code(scard.SCARD_E_NO_SMARTCARD),
    _code(scard.SCARD_E_READER_UNAVAILABLE),
    _code(scard.SCARD_E_UNKNOWN_READER),
}
#: During a command these mean the card stopped answering: pulled out mid-command (the vpcd
#: driver and many USB readers report it this way before the removal event arrives).
_LOST_DURING_COMMAND = {
    _code(scard.SCARD_E_NOT_TRANSACTED),
    _code(scard.SCARD_E_COMM_DATA_LOST),
}
_CARD_MUTE = {
    _code(scard.SCARD_W_UNRESPONSIVE_CARD),
    _code(scard.SCARD_W_UNPOWERED_CARD),
    _code(scard.SCARD_E_PROTO_MISMATCH),
}


def _describe(hresult: int) -> str:
    try:
        return f"{scard.SCardGetErrorMessage(hresult)} (0x{_code(hresult):08X})"
    except Exception:  # pragma: no cover - message lookup only
        return f"0x{_code(hresult):08X}"


def control_code(function: int) -> int:
    """SCARD_CTL_CODE for this platform (0x42000000 + n on pcsc-lite)."""
    if sys.platform.startswith("win"):
        return 0x00310000 | (function << 2)
    return 0x42000000 + function


class PcscConnection:
    """A card connected through PC/SC. Implements :class:`CardConnection`."""

    def __init__(self, backend: PcscBackend, reader: str, handle: Any, protocol: int) -> None:
        self._backend = backend
        self._reader = reader
        self._handle = handle
        self._protocol = protocol
        self._closed = False
        self._lost = False

    @property
    def reader_name(self) -> str:
        return self._reader

    def _fail(self, what: str, hresult: int) -> None:
        code = _code(hresult)
        detail = f"{what}: {_describe(hresult)}"
        if code in _CARD_GONE or (what == "SCardTransmit" and code in _LOST_DURING_COMMAND):
            self._lost = True
            raise CardRemovedError(detail)
        if code in _SERVICE_DOWN:
            self._backend.forget_context()
            raise ServiceUnavailableError(detail)
        if code in _CARD_MUTE:
            raise CardError(detail)
        raise ReaderError(detail)

    def atr(self) -> bytes:
        hresult, _reader, _state, _protocol, atr = scard.SCardStatus(self._handle)
        if hresult != scard.SCARD_S_SUCCESS:
            self._fail("SCardStatus", hresult)
        return bytes(atr)

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        if self._closed:
            raise CardRemovedError("connection already closed")
        pci = (
            scard.SCARD_PCI_T0 if self._protocol == scard.SCARD_PROTOCOL_T0 else scard.SCARD_PCI_T1
        )
        command = list(apdu)
        try:
            hresult, response = scard.SCardTransmit(self._handle, pci, command)
        finally:
            command[:] = [0] * len(command)  # the VERIFY APDU holds the PIN block
        if hresult != scard.SCARD_S_SUCCESS:
            self._fail("SCardTransmit", hresult)
        if len(response) < 2:
            # No status word at all: the card left while answering.
            self._lost = True
            raise CardRemovedError("the card gave no answer")
        return bytes(response[:-2]), response[-2], response[-1]

    def control(self, code: int, data: bytes = b"") -> bytes:
        hresult, response = scard.SCardControl(self._handle, code, list(data))
        if hresult != scard.SCARD_S_SUCCESS:
            code_ = _code(hresult)
            if code_ in (
                _code(scard.SCARD_E_UNSUPPORTED_FEATURE),
                _code(scard.SCARD_E_NOT_TRANSACTED),
                _code(scard.SCARD_E_INVALID_PARAMETER),
                _code(scard.SCARD_E_INVALID_VALUE),
            ):
                return b""
            self._fail("SCardControl", hresult)
        return bytes(response)

    def begin_transaction(self) -> None:
        """Hold the card for this connection alone (other programs wait) until the end."""
        hresult = scard.SCardBeginTransaction(self._handle)
        if hresult != scard.SCARD_S_SUCCESS:
            self._fail("SCardBeginTransaction", hresult)

    def end_transaction(self) -> None:
        hresult = scard.SCardEndTransaction(self._handle, scard.SCARD_LEAVE_CARD)
        if hresult != scard.SCARD_S_SUCCESS:
            log.debug("SCardEndTransaction: %s", _describe(hresult))

    def disconnect(self) -> None:
        """Disconnect and reset the card, so no verified PIN outlives this connection.

        A card that was lost mid-command is left alone: resetting it would talk to a card that
        is gone (and wedges some drivers, vpcd among them).
        """
        if self._closed:
            return
        self._closed = True
        disposition = scard.SCARD_LEAVE_CARD if self._lost else scard.SCARD_RESET_CARD
        hresult = scard.SCardDisconnect(self._handle, disposition)
        if hresult != scard.SCARD_S_SUCCESS:
            log.debug("SCardDisconnect: %s", _describe(hresult))


class PcscBackend:
    """Readers and cards from the PC/SC service. Implements ``CardBackend``.

    ``reader_filter``: only readers whose name contains this text (e.g. the demo's vpcd
    reader), None for all.
    """

    def __init__(self, reader_filter: str | None = None) -> None:
        self.reader_filter = reader_filter
        self._context: Any = None
        self._wait_context: Any = None  # own context: a blocking wait must not hold up commands
        self._lock = threading.Lock()
        self._known: dict[str, int] = {}
        self._pause = threading.Event()  # never set: a bounded wait after a failed wait

    @property
    def name(self) -> str:
        return "pcsc"

    @staticmethod
    def _establish() -> Any:
        hresult, context = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise ServiceUnavailableError(f"PC/SC service unavailable: {_describe(hresult)}")
        return context

    def _ensure_context(self) -> Any:
        with self._lock:
            if self._context is None:
                self._context = self._establish()
            return self._context

    def _ensure_wait_context(self) -> Any:
        with self._lock:
            if self._wait_context is None:
                self._wait_context = self._establish()
            return self._wait_context

    def forget_context(self) -> None:
        """Drop the PC/SC contexts (after the service went away); the next call makes new ones."""
        with self._lock:
            contexts = (self._context, self._wait_context)
            self._context = self._wait_context = None
            self._known.clear()
        for context in contexts:
            if context is None:
                continue
            try:
                scard.SCardReleaseContext(context)
            except Exception:  # the service may already be gone
                log.debug("SCardReleaseContext failed", exc_info=True)

    def close(self) -> None:
        self.forget_context()

    def _check(self, what: str, hresult: int) -> None:
        if hresult == scard.SCARD_S_SUCCESS:
            return
        if _code(hresult) in _SERVICE_DOWN:
            self.forget_context()
            raise ServiceUnavailableError(f"{what}: {_describe(hresult)}")
        raise ReaderError(f"{what}: {_describe(hresult)}")

    def list_readers(self) -> list[str]:
        context = self._ensure_context()
        hresult, readers = scard.SCardListReaders(context, [])
        if _code(hresult) == _code(scard.SCARD_E_NO_READERS_AVAILABLE):
            return []
        self._check("SCardListReaders", hresult)
        names = list(readers)
        if self.reader_filter is not None:
            names = [name for name in names if self.reader_filter in name]
        return names

    def _states(self, readers: list[str]) -> dict[str, int]:
        context = self._ensure_context()
        hresult, states = scard.SCardGetStatusChange(
            context, 0, [(reader, scard.SCARD_STATE_UNAWARE) for reader in readers]
        )
        if _code(hresult) in _CARD_GONE:
            return {}
        self._check("SCardGetStatusChange", hresult)
        return {reader: state for reader, state, _atr in states}

    def card_present(self, reader: str) -> bool:
        state = self._states([reader]).get(reader, 0)
        return bool(state & scard.SCARD_STATE_PRESENT)

    def connect(self, reader: str) -> CardConnection:
        context = self._ensure_context()
        hresult, handle, protocol = scard.SCardConnect(
            context,
            reader,
            scard.SCARD_SHARE_SHARED,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if hresult != scard.SCARD_S_SUCCESS:
            code = _code(hresult)
            detail = f"SCardConnect: {_describe(hresult)}"
            if code in _CARD_GONE:
                raise CardRemovedError(detail)
            if code in _CARD_MUTE:
                raise CardError(detail)
            self._check("SCardConnect", hresult)
        return PcscConnection(self, reader, handle, protocol)

    def wait_for_change(self, timeout: float) -> None:
        """Wait on SCardGetStatusChange for a card or reader change (or the timeout)."""
        readers = self.list_readers()
        context = self._ensure_wait_context()
        watch = [(PNP_NOTIFICATION, self._known.get(PNP_NOTIFICATION, 0))]
        watch += [
            (reader, self._known.get(reader, scard.SCARD_STATE_UNAWARE)) for reader in readers
        ]
        hresult, states = scard.SCardGetStatusChange(context, max(0, int(timeout * 1000)), watch)
        code = _code(hresult)
        if code == _code(scard.SCARD_E_TIMEOUT):
            return
        if code in _SERVICE_DOWN:
            self.forget_context()
            raise ServiceUnavailableError(f"SCardGetStatusChange: {_describe(hresult)}")
        if hresult != scard.SCARD_S_SUCCESS:
            # e.g. a reader vanished between listing and waiting: let the caller look again,
            # but not at once, so a lasting error cannot turn the monitor into a busy loop.
            self._known.clear()
            self._pause.wait(timeout)
            return
        self._known = {reader: state & ~scard.SCARD_STATE_CHANGED for reader, state, _atr in states}
