"""The in-process link: a card backend with one virtual reader, no pcscd needed.

Used when pcscd or the vpcd driver is not available (Windows, macOS, a bare machine) so the
demo always starts, and in fast tests. It implements the same ``CardBackend`` and
``CardConnection`` protocols as the pyscard backend, including "card removed" failures.
"""

from __future__ import annotations

import threading

from assistant.card.connection import CardConnection
from assistant.demo.card.model import VirtualCard, VirtualCardRemoved
from assistant.errors import CardRemovedError, ReaderError

IN_PROCESS_READER = "Dossier Assistant virtual reader"


class InProcessBackend:
    """A ``CardBackend`` with one virtual reader; ``insert``/``remove`` move the card."""

    def __init__(self, card: VirtualCard | None = None, reader: str = IN_PROCESS_READER) -> None:
        self._reader = reader
        self._cond = threading.Condition()
        self._card: VirtualCard | None = None
        self._generation = 0
        self._changes = 0
        self.reader_plugged = True
        if card is not None:
            self.insert(card)

    # -- test and demo controls -----------------------------------------------------------

    @property
    def card(self) -> VirtualCard | None:
        return self._card

    def insert(self, card: VirtualCard) -> None:
        """Put ``card`` in the reader (replacing any card there)."""
        with self._cond:
            card.on_insert()
            self._card = card
            self._generation += 1
            self._changes += 1
            self._cond.notify_all()

    def remove(self) -> None:
        """Take the card out of the reader."""
        with self._cond:
            if self._card is not None:
                self._card.interrupt()
            self._card = None
            self._generation += 1
            self._changes += 1
            self._cond.notify_all()

    def unplug_reader(self) -> None:
        """Simulate unplugging the reader (the card goes with it)."""
        with self._cond:
            self.reader_plugged = False
        self.remove()

    def plug_reader(self) -> None:
        with self._cond:
            self.reader_plugged = True
            self._changes += 1
            self._cond.notify_all()

    # -- CardBackend ------------------------------------------------------------------------

    @property
    def name(self) -> str:
        return "in-process"

    def list_readers(self) -> list[str]:
        with self._cond:
            return [self._reader] if self.reader_plugged else []

    def card_present(self, reader: str) -> bool:
        with self._cond:
            return reader == self._reader and self.reader_plugged and self._card is not None

    def connect(self, reader: str) -> CardConnection:
        with self._cond:
            if reader != self._reader or not self.reader_plugged:
                raise ReaderError(f"no reader named {reader!r}")
            if self._card is None:
                raise CardRemovedError("no card in the reader")
            self._card.power_on()
            return InProcessConnection(self, self._card, self._generation)

    def wait_for_change(self, timeout: float) -> None:
        with self._cond:
            seen = self._changes
            self._cond.wait_for(lambda: self._changes != seen, timeout=timeout)

    # -- used by connections ----------------------------------------------------------------

    def _transmit(self, card: VirtualCard, generation: int, apdu: bytes) -> bytes:
        with self._cond:
            if generation != self._generation or self._card is not card:
                raise CardRemovedError("the card was removed")
        try:
            return card.process(apdu)
        except VirtualCardRemoved:
            with self._cond:
                if self._card is card and self._generation == generation:
                    self._card = None
                    self._generation += 1
                    self._changes += 1
                    self._cond.notify_all()
            raise CardRemovedError("the card was removed during a command") from None

    def _check(self, generation: int) -> None:
        with self._cond:
            if generation != self._generation:
                raise CardRemovedError("the card was removed")


class InProcessConnection:
    """A ``CardConnection`` to the card in the in-process reader."""

    def __init__(self, backend: InProcessBackend, card: VirtualCard, generation: int) -> None:
        self._backend = backend
        self._card = card
        self._generation = generation
        self._open = True

    @property
    def reader_name(self) -> str:
        return self._backend._reader

    def atr(self) -> bytes:
        self._backend._check(self._generation)
        return self._card.atr

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        if not self._open:
            raise ReaderError("connection closed")
        response = self._backend._transmit(self._card, self._generation, bytes(apdu))
        return response[:-2], response[-2], response[-1]

    def control(self, code: int, data: bytes = b"") -> bytes:
        self._backend._check(self._generation)
        return b""

    def disconnect(self) -> None:
        self._open = False
