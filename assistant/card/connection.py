"""The one interface every card link offers: pyscard through pcscd, or the in-process link.

The eID applet code (``assistant.card.eid``) talks only to :class:`CardConnection`, so the
same code reads a real card, the virtual card through vpcd + pcscd, and the virtual card
in-process when pcscd is not available.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable


@runtime_checkable
class CardConnection(Protocol):
    """A connected card. Every method may raise ``CardRemovedError`` or ``ReaderError``."""

    @property
    def reader_name(self) -> str: ...

    def atr(self) -> bytes: ...

    def transmit(self, apdu: bytes) -> tuple[bytes, int, int]:
        """Send one command APDU; return (data, sw1, sw2)."""
        ...

    def control(self, code: int, data: bytes = b"") -> bytes:
        """SCardControl (PC/SC part 10 features). Links without a pinpad return b""."""
        ...

    def disconnect(self) -> None: ...


class CardBackend(Protocol):
    """Where readers and cards come from: pcscd through pyscard, or the in-process virtual reader.

    The card monitor polls a backend on its own thread; nothing here is called on the GUI thread.
    """

    @property
    def name(self) -> str:
        """Short technical name for logs ("pcsc", "in-process")."""
        ...

    def list_readers(self) -> list[str]:
        """Reader names now connected. Raises ``ReaderError`` when the PC/SC service is absent."""
        ...

    def card_present(self, reader: str) -> bool:
        """Whether a card sits in ``reader`` (powered or not)."""
        ...

    def connect(self, reader: str) -> CardConnection:
        """Open a connection to the card in ``reader``. Raises ``CardRemovedError`` if none."""
        ...

    def wait_for_change(self, timeout: float) -> None:
        """Block until readers or cards may have changed, or ``timeout`` seconds passed."""
        ...
