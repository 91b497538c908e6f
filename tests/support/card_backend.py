"""A card backend with scripted readers for tests: each reader may hold a virtual card, and a
reader may be a pinpad (:mod:`tests.support.fake_pinpad`)."""

from __future__ import annotations

import threading

from assistant.card.connection import CardConnection
from assistant.card.service import ServiceUnavailableError
from assistant.demo.card.citizens import CITIZENS, DEFAULT_PIN
from assistant.demo.card.model import VirtualCard, VirtualEidCard
from assistant.errors import CardRemovedError
from tests.support.fake_pinpad import FakePinpadConnection, PinpadBehaviour, VirtualConnection


class ScriptedBackend:
    """A CardBackend with scripted readers; each reader may hold a virtual card."""

    __test__ = False  # (imported as TestBackend by some tests)

    def __init__(self) -> None:
        self.cards: dict[str, VirtualCard | None] = {}
        self.pinpad: dict[str, PinpadBehaviour] = {}
        self.service = True
        self.connections: list[VirtualConnection] = []
        self.changed = threading.Event()

    @property
    def name(self) -> str:
        return "test"

    def list_readers(self) -> list[str]:
        if not self.service:
            raise ServiceUnavailableError("no service")
        return list(self.cards)

    def card_present(self, reader: str) -> bool:
        if not self.service:
            raise ServiceUnavailableError("no service")
        return self.cards.get(reader) is not None

    def connect(self, reader: str) -> CardConnection:
        card = self.cards.get(reader)
        if card is None:
            raise CardRemovedError("no card")
        conn: VirtualConnection
        if reader in self.pinpad:
            conn = FakePinpadConnection(card, self.pinpad[reader])
        else:
            conn = VirtualConnection(card, reader)
        self.connections.append(conn)
        return conn

    def wait_for_change(self, timeout: float) -> None:
        if self.changed.wait(timeout):
            self.changed.clear()

    def set(self, reader: str, card: VirtualCard | None) -> None:
        self.cards[reader] = card
        self.changed.set()


READER = "Fake Pinpad Reader 00"


class PinpadBackend:
    """One pinpad reader with the virtual card in it (a CardBackend)."""

    def __init__(self, behaviour: PinpadBehaviour) -> None:
        self.card = VirtualEidCard(CITIZENS["adult"], pin=DEFAULT_PIN)
        self.behaviour = behaviour
        self._changed = threading.Event()

    @property
    def name(self) -> str:
        return "fake-pinpad"

    def list_readers(self) -> list[str]:
        return [READER]

    def card_present(self, reader: str) -> bool:
        return reader == READER

    def connect(self, reader: str) -> FakePinpadConnection:
        return FakePinpadConnection(self.card, self.behaviour)

    def wait_for_change(self, timeout: float) -> None:
        self._changed.wait(timeout)


class NoDemoCard:
    """Enough of DemoCard for JourneyHarness.close()."""

    def stop(self) -> None:
        pass
